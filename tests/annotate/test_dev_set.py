"""The annotator development set: its integrity, and the README's held-out numbers."""

from __future__ import annotations

import re

import pytest

from dualalign.evaluation.metrics import macro_f1, per_label_prf
from dualalign.generation.annotate import RuleAnnotator
from dualalign.generation.vocabulary import Vocabulary
from dualalign.sentence_table import read_sentence_table
from tests.paths import ROOT

DEV = ROOT / "tests" / "data" / "annotator-dev"
DEMO = ROOT / "dualalign" / "data" / "demo_gold.csv"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.fixture(scope="module")
def halves():
    return {
        h: read_sentence_table(DEV / f"{h}.csv", required=("label",)) for h in ("tune", "heldout")
    }


@pytest.fixture(scope="module")
def rule(alz_graph):
    return RuleAnnotator(Vocabulary.from_graph(alz_graph))


def test_the_set_is_large_balanced_and_separate(halves, alz_graph):
    labels = set(Vocabulary.from_graph(alz_graph).labels)
    tune, held = halves["tune"], halves["heldout"]
    assert len(tune) + len(held) >= 300
    assert len(held) >= (len(tune) + len(held)) / 2 - 5
    for table in (tune, held):
        assert set(table.frame["label"]) == labels  # every label in both halves
    texts = [_norm(t) for t in tune.texts + held.texts]
    assert len(set(texts)) == len(texts)
    demo = {_norm(t) for t in read_sentence_table(DEMO).texts}
    assert not demo & set(texts)  # the demo gold set never shares a sentence with it


def test_tuning_half_regression(halves, rule, alz_graph):
    labels = list(Vocabulary.from_graph(alz_graph).labels)
    table = halves["tune"]
    assert macro_f1(table.frame["label"].tolist(), rule.annotate(table.texts), labels) >= 0.85


def test_readme_reports_the_held_out_numbers(halves, rule, alz_graph):
    labels = list(Vocabulary.from_graph(alz_graph).labels)
    table = halves["heldout"]
    gold, pred = table.frame["label"].tolist(), rule.annotate(table.texts)
    assert f"**macro-F1** | | | **{macro_f1(gold, pred, labels):.2f}**" in README
    for label, (p, r, f, _) in per_label_prf(gold, pred, labels).items():
        assert f"| `{label}` | {p:.2f} | {r:.2f} | {f:.2f} |" in README, label
