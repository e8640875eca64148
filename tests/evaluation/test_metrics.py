"""Each metric on tiny inputs with values worked out by hand."""

from __future__ import annotations

import math

import pytest

from dualalign.errors import ConfigError
from dualalign.evaluation.data import load_gold, patient_split
from dualalign.evaluation.intrinsic import (
    chi_square,
    distinct_n,
    longest_shared_ngram,
    ngram_index,
    phi_scan,
)
from dualalign.evaluation.metrics import confusion, macro_f1, per_label_prf
from dualalign.identifiers import KINDS

LABELS = ["a", "b", "none"]


def test_f1_by_hand():
    gold = ["a", "a", "b", "none", "none", "none"]
    pred = ["a", "b", "b", "none", "a", "none"]
    prf = per_label_prf(gold, pred, LABELS)
    # a: tp 1, predicted 2, actual 2 -> P 1/2, R 1/2, F1 1/2
    assert prf["a"][:3] == pytest.approx((0.5, 0.5, 0.5))
    # b: tp 1, predicted 2, actual 1 -> P 1/2, R 1, F1 2/3
    assert prf["b"][:3] == pytest.approx((0.5, 1.0, 2 / 3))
    # none: tp 2, predicted 2, actual 3 -> P 1, R 2/3, F1 0.8
    assert prf["none"][:3] == pytest.approx((1.0, 2 / 3, 0.8))
    assert macro_f1(gold, pred, LABELS) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert confusion(gold, pred, LABELS).tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    # a label never predicted nor present scores 0, and counts in the macro mean
    assert macro_f1(["a"], ["a"], ["a", "b"]) == pytest.approx(0.5)


def test_distinct_n_by_hand():
    # unigrams: the cat sat / the cat ran -> 6 tokens, 4 distinct
    assert distinct_n(["the cat sat", "the cat ran"], 1) == pytest.approx(4 / 6)
    # bigrams: (the cat)x2, (cat sat), (cat ran) -> 3 of 4
    assert distinct_n(["the cat sat", "the cat ran"], 2) == pytest.approx(3 / 4)
    assert distinct_n([], 2) == 0.0


def test_longest_shared_ngram():
    index = ngram_index(["pt reports new trouble finding words at home"], 8)
    assert longest_shared_ngram("daughter says new trouble finding words lately", index, 8) == 4
    assert longest_shared_ngram("nothing in common", index, 8) == 0
    copy = "pt reports new trouble finding words at home"
    assert longest_shared_ngram(copy, index, 8) == 8


def test_chi_square_by_hand():
    # observed 30/70 against 50/50 of 100: (20^2/50)*2 = 16, dof 1
    stat, dof, p = chi_square({"x": 30, "y": 70}, {"x": 0.5, "y": 0.5})
    assert stat == pytest.approx(16.0) and dof == 1
    assert p == pytest.approx(math.erfc(math.sqrt(16.0 / 2)))  # chi2(1) survival
    # a perfect fit
    assert chi_square({"x": 50, "y": 50}, {"x": 1, "y": 1})[0] == pytest.approx(0.0)
    # rare categories (expected < 5) are pooled
    stat, dof, _ = chi_square(
        {"x": 48, "y": 50, "z": 2}, {"x": 0.49, "y": 0.49, "z": 0.01, "w": 0.01}
    )
    assert dof == 2


def test_phi_scan_counts_identifier_forms():
    found = phi_scan(
        [
            "Seen on 2023-03-14 with son.",
            "Call 555-123-4567.",
            "Email jdoe@example.org.",
            "Mr. Smith reports falls.",
            "MRN 12345678.",
            "BP 120/80.",
        ]
    )
    assert {kind: n for kind, n in found.items() if n} == {
        "date": 1,
        "phone number": 1,
        "medical record number": 1,
        "email address": 1,
        "name with title": 1,
    }
    assert list(found) == list(KINDS)


def test_patient_split_keeps_patients_apart():
    patients = [f"p{i // 3}" for i in range(60)]  # 20 patients, 3 sentences each
    for seed in range(5):
        train, test = patient_split(patients, seed, 0.25)
        assert not set(train) & set(test)
        assert set(train) | set(test) == set(patients)
        assert len(test) == 5
    assert patient_split(patients, 1, 0.25) == patient_split(patients, 1, 0.25)
    assert patient_split(patients, 1, 0.25) != patient_split(patients, 2, 0.25)
    train, test = patient_split(patients, 0, test_patients=["p3", "p7"])
    assert test == ["p3", "p7"] and "p3" not in train
    with pytest.raises(ConfigError, match="not in the gold set"):
        patient_split(patients, 0, test_patients=["nobody"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sentence,patient_id\nBP ok.,p1\n", "missing column(s) label"),
        ("sentence,label\nBP ok.,none\n", "missing column(s) patient_id"),
        (
            "sentence,label,patient_id\nBP ok.,dementia,p1\nX.,none,p2\n",
            "unknown label(s) dementia",
        ),
        ("", "empty"),
        ("sentence,label,patient_id\n", "no sentences"),
        ("sentence,label,patient_id\nBP ok.,none,p1\nHR ok.,none,p1\n", "only one patient"),
    ],
)
def test_bad_gold_files_are_one_line(tmp_path, content, message):
    path = tmp_path / "gold.csv"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_gold(path, LABELS)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
