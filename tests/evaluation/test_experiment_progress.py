"""The experiment loop reports one tick per classifier trained, and says up front how many."""

from __future__ import annotations

import pandas as pd
import pytest

from dualalign.evaluation.data import Gold, Run
from dualalign.evaluation.experiment import ExperimentSettings, planned_fits, run_experiment

LABELS = ["concern_by_others", "none"]
_CONCERN = [
    "Wife says he forgets names.",
    "Son worried about her memory.",
    "Daughter notes lapses.",
]
_NONE = ["BP 130/80, HR 72.", "Lungs clear, heart regular.", "Flu shot given today."]


def _gold() -> Gold:
    texts, labels, patients = [], [], []
    for p in range(8):
        for i, (text, label) in enumerate(((_CONCERN[p % 3], LABELS[0]), (_NONE[p % 3], "none"))):
            texts.append(f"{text} Visit {p}.{i}")
            labels.append(label)
            patients.append(f"p{p}")
    return Gold("toy", texts, labels, patients)


def _run(name: str, labels: list[str]) -> Run:
    texts = [(_CONCERN if lab != "none" else _NONE)[i % 3] for i, lab in enumerate(labels)]
    frame = pd.DataFrame({"text": texts, "label": labels})
    return Run(name, name, frame, failed=0, unlabelled=0, manifest={})


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        # per seed: gold, the run at each weight, the run alone
        (ExperimentSettings(seeds=(0, 1), weights=(0.5, 1.0)), 2 * (1 + 2 + 1)),
        # per seed and size: gold, curation, weights plain and curated; alone at full gold
        (
            ExperimentSettings(seeds=(0,), gold_patients=(2, None), weights=(1.0,), curate=True),
            (1 + 1 + 2) + (1 + 1 + 2 + 1),
        ),
    ],
)
def test_one_tick_per_classifier_trained(settings: ExperimentSettings, expected: int) -> None:
    runs = {"mine": [_run("a", LABELS * 3)]}
    ticks: list[None] = []
    result = run_experiment(_gold(), runs, LABELS, settings, on_progress=lambda: ticks.append(None))
    assert planned_fits(runs, settings) == expected
    assert len(ticks) == expected
    curations = len(settings.seeds) * len(settings.gold_patients) if settings.curate else 0
    assert result["fits"] + curations == expected


def test_a_one_label_run_is_not_trained_alone() -> None:
    settings = ExperimentSettings(seeds=(0,))
    runs = {"mine": [_run("a", ["none"] * 4)], "other": [_run("b", LABELS * 2)]}
    ticks: list[None] = []
    run_experiment(_gold(), runs, LABELS, settings, on_progress=lambda: ticks.append(None))
    assert len(ticks) == planned_fits(runs, settings) == 1 + (1 + 0) + (1 + 1)
