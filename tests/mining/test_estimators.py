"""Unit tests of the mining estimators, suppression and term mapping, and a small cohort with a
rare cell that must be suppressed."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dualalign.mining import mine
from dualalign.mining.estimate import truncated_poisson_mean
from dualalign.mining.read import open_observations
from dualalign.mining.suppress import Log, categorical, proportion, rate
from dualalign.mining.terms import AMBIGUOUS, UNKNOWN, Vocabulary, map_values
from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import emission_weights
from tests.paths import ALZ


@pytest.mark.parametrize("lam", [0.3, 1.0, 2.7, 15.0])
def test_zero_truncated_poisson_mean_inverts(lam: float) -> None:
    mean = lam / -math.expm1(-lam)
    assert truncated_poisson_mean(mean) == pytest.approx(lam, rel=1e-9)


def test_rare_cell_takes_the_prior_and_the_rest_keep_their_ratio() -> None:
    log = Log(11)
    est = np.array([0.5, 0.45, 0.05])
    out, mined = categorical(
        est,
        200,
        40,
        np.array([30, 25, 3]),
        np.array([0.2, 0.3, 0.5]),
        k=11,
        a=0.0,
        log=log,
        table="t.csv",
        names=["a", "b", "c"],
        row="stage=x",
    )
    assert out[2] == 0.5 and not mined[2] and mined[:2].all()
    assert out[:2] == pytest.approx(np.array([0.5, 0.45]) / 0.95 * 0.5)
    assert out.sum() == pytest.approx(1.0)
    assert log.rows == [
        ("t.csv", "stage=x; c", "cell supported by fewer than 11 patients", "base prior kept")
    ]


def test_thin_row_takes_the_prior_whole() -> None:
    log = Log(11)
    prior = np.array([0.6, 0.4])
    out, mined = categorical(
        np.array([1.0, 0.0]),
        30,
        10,
        np.array([10, 0]),
        prior,
        k=11,
        a=1.0,
        log=log,
        table="t.csv",
        names=["a", "b"],
        row="r",
    )
    assert (out == prior).all() and not mined.any() and "row supported" in log.rows[0][2]


def test_pseudo_count_is_one_patient_equivalent() -> None:
    # 10 observations from 5 patients: the prior weighs as much as 2 observations
    out, _ = categorical(
        np.array([1.0, 0.0]),
        10,
        5,
        np.array([20, 20]),
        np.array([0.0, 1.0]),
        k=1,
        a=1.0,
        log=Log(1),
        table="t",
        names=["a", "b"],
        row="r",
    )
    assert out == pytest.approx([10 / 12, 2 / 12])
    assert rate(20, 10, 50, 3.0, k=11, a=1.0) == ((20 + 3) / 11, True)
    assert rate(20, 10, 5, 3.0, k=11, a=1.0) == (3.0, False)


def test_prevalence_suppressed_when_either_side_is_rare() -> None:
    assert proportion(5, 100, 0.3, k=11, a=0) == (0.3, False)
    assert proportion(95, 100, 0.3, k=11, a=0) == (0.3, False)
    assert proportion(40, 100, 0.3, k=11, a=0) == (0.4, True)


def test_terms_map_case_insensitively_through_every_phrasing() -> None:
    model = load_disease(ALZ)
    vocab = Vocabulary.build(model, "us-ad")
    sym = next(s for s in model.symptoms if s.synonyms and s.xrefs and s.lay_phrases)
    k = vocab.symptoms.index(sym.id)
    values = pd.Series(
        [
            sym.id,
            sym.label.upper(),
            sym.synonyms[0],
            f"  {sym.lay_phrases[0]} ",
            sym.xrefs[0],
            "no such thing",
        ]
    )
    codes, _ = map_values(values, vocab.term_map)
    assert codes.tolist() == [k, k, k, k, k, UNKNOWN]
    assert AMBIGUOUS not in (vocab.term_map.get(sym.id), vocab.term_map.get(sym.label.lower()))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _cohort(path: Path, model, common: str, rare: str, patients: int = 40) -> None:
    """Dated mentions: every patient has ``common`` in two mci notes; 3 also have ``rare``."""
    diagnosis = date(2020, 6, 1)
    rows = []
    for p in range(patients):
        for v, days in enumerate((-300, -100)):
            when = diagnosis + timedelta(days=days + p)
            note = f"pt-{p:03d}-{v}"
            rows.append((f"pt-{p:03d}", when, diagnosis, note, "primary_care", "mci", common))
            if p < 3 and v == 0:
                rows.append((f"pt-{p:03d}", when, diagnosis, note, "primary_care", "mci", rare))
            if p < 12:
                rows.append((f"pt-{p:03d}", when, diagnosis, note, "primary_care", "mci", "blorp"))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "patient_id",
                "mention_date",
                "diagnosis_date",
                "note_id",
                "note_type",
                "stage",
                "term",
            ]
        )
        w.writerows(rows)


def test_rare_cell_is_suppressed_in_a_small_cohort(tmp_path: Path) -> None:
    model = load_disease(ALZ)
    order = {s.id: s.order for s in model.stages}
    early = sorted(
        (
            s
            for s in model.symptoms
            if s.lexicon_domain == "memory" and order[s.onset_stage] <= order["mci"]
        ),
        key=lambda s: s.id,
    )
    common, rare = early[0], early[1]
    obs = tmp_path / "cohort.csv"
    _cohort(obs, model, common.label, rare.id)
    assert open_observations(obs).kind == "csv"
    out = tmp_path / "mined"
    result = mine(obs, ALZ, out, k=11)
    supp = list(csv.DictReader(_lines(out / "suppression.csv")))
    cells = {(r["table"], r["cell"]) for r in supp}
    assert ("symptom_prevalence.csv", f"stage=mci; domain=memory; symptom={rare.id}") in cells
    assert ("symptom_prevalence.csv", f"stage=mci; domain=memory; symptom={common.id}") not in cells
    # the rare symptom keeps the base's relative weight within its domain
    base = emission_weights(model)["mci"]
    members = [s.id for s in early]
    prior = base[rare.id] / sum(base[s] for s in members if s in base)
    mined_model = load_disease(out)
    value = next(
        r.prevalence
        for r in mined_model.symptom_prevalence
        if r.stage == "mci" and r.symptom == rare.id
    )
    assert value == pytest.approx(prior, rel=1e-8)
    # nothing identifying, no small count: no ids, no column holding counts
    text = (out / "suppression.csv").read_text(encoding="utf-8")
    assert "pt-" not in text and list(supp[0]) == ["table", "cell", "reason", "replacement"]
    # the unmapped term (12 patients) is reported with its count, never dropped silently
    report = list(csv.DictReader(_lines(out / "mining_report.csv")))
    assert {
        "issue": "unmapped term",
        "value": "blorp",
        "mentions": "24",
        "patients": "12",
    } in report
    assert result.patients == 40 and not result.complete_notes
