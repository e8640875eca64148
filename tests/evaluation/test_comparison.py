"""The comparison's bookkeeping on a small fixed example: replicates per classifier seed,
the progress total, validation-only choices and the budgets' sentence counts. The classifier
is a deterministic stand-in registered for the test (pure logic: no model is the point)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd
import pytest

from dualalign.evaluation import classifiers
from dualalign.evaluation.comparison import (
    GOLD,
    ComparisonSettings,
    planned_fits,
    run_comparison,
    split_gold,
)
from dualalign.evaluation.data import Gold, Run

LABELS = ["none", "a", "b"]


class Keyword:
    """Predicts the label whose name appears as a word, else the commonest training label."""

    name = "keyword"
    seeded = True

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.default = "none"

    def fit(self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]) -> Keyword:
        self.default = Counter(labels).most_common(1)[0][0]
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [next((lab for lab in LABELS if lab in t.split()), self.default) for t in texts]


class Fixed(Keyword):
    name = "fixed"
    seeded = False


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setitem(classifiers.CLASSIFIERS, "keyword", Keyword)
    monkeypatch.setitem(classifiers.CLASSIFIERS, "fixed", Fixed)


def _gold() -> Gold:
    texts, labels, patients = [], [], []
    for p in range(12):
        for lab in LABELS:
            texts.append(f"sentence about {lab} {p}" if p % 3 else f"vague sentence {p}")
            labels.append(lab)
            patients.append(f"p{p:02d}")
    return Gold("fixed", texts, labels, patients)


def _run(n: int, seed: int) -> Run:
    rows = [
        {"text": f"synthetic {LABELS[i % 3]} {seed} {i}", "label": LABELS[i % 3]} for i in range(n)
    ]
    return Run("m", f"run-{seed}", pd.DataFrame(rows), 0, 0, {})


def test_replicates_ticks_and_budgets(registry):
    split = split_gold(_gold(), 0, 0.25, 0.3)
    assert not set(split.test.patients) & set(split.train.patients)
    assert set(split.fit.patients) | set(split.validation.patients) == set(split.train.patients)
    runs = {
        "dualalign": [_run(8, s) for s in (1, 2, 3)],
        "unconstrained": [_run(4, s) for s in (1, 2, 3)],
    }
    settings = ComparisonSettings(
        classifiers=("keyword", "fixed"),
        classifier_seeds=(0, 1),
        budgets=(0.5, 1.0),
        n_boot=50,
        n_perm=50,
    )
    ticks = []
    result = run_comparison(split, runs, LABELS, settings, on_progress=lambda: ticks.append(1))
    assert len(ticks) == planned_fits(runs, settings)
    seeded, fixed = result["classifiers"]["keyword"], result["classifiers"]["fixed"]
    assert seeded["classifier_seeds"] == [0, 1] and fixed["classifier_seeds"] == [0]
    assert (
        len(seeded["conditions"]["dualalign"]["replicates"]) == 6
    )  # 3 generation x 2 classifier seeds
    assert len(fixed["conditions"]["dualalign"]["replicates"]) == 3
    assert len(seeded["conditions"][GOLD]["replicates"]) == 2
    assert seeded["curve"]["dualalign"]["0.5"] == {"condition": "dualalign@0.5", "sentences": 4.0}
    assert seeded["curve"]["unconstrained"]["1"]["sentences"] == 4.0
    # the keyword model is perfect on sentences naming their label: every mode matches gold only
    for c in seeded["comparisons"]:
        assert c["verdict"] == "no measurable gain"
    for choice in seeded["choices"].values():
        assert {(row["weight"], row["curated"]) for row in choice["table"]} == {
            (0.3, False),
            (0.3, True),
            (1.0, False),
            (1.0, True),
        }
