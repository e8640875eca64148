"""The modes compared as the paper compares them: gold only against gold plus each mode's
sentences, several generation seeds, several classifiers, intervals and paired tests.

One patient-level split of the gold gives the test patients, scored once per condition; no
choice looks at them. Each mode's synthetic weight and whether its sentences are curated
(kept only where a gold-trained classifier agrees with their label) are chosen on a
validation split of the *training* patients: fit on the rest of the training gold plus the
sentences, score on the validation patients, keep the best mean over generation seeds. The
chosen setting is then trained on all training gold and scored on the test patients.

Replicates are generation seeds x classifier seeds (classifiers without randomness, such as
the two logistic regressions, run one classifier seed: more would repeat the same numbers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from dualalign.evaluation.classifiers import CLASSIFIERS, make_classifier
from dualalign.evaluation.data import Gold, Run, patient_split
from dualalign.evaluation.metrics import macro_f1, per_label_f1
from dualalign.evaluation.stats import compare, estimate, patient_counts

__all__ = ["GOLD", "ComparisonSettings", "Split", "planned_fits", "run_comparison", "split_gold"]

#: The condition without synthetic sentences.
GOLD = "gold only"


@dataclass(frozen=True)
class ComparisonSettings:
    """What to train, and the candidates chosen between on validation."""

    classifiers: tuple[str, ...] = ("tfidf-lr", "embed-lr")
    classifier_seeds: tuple[int, ...] = (0, 1, 2)
    weights: tuple[float, ...] = (0.3, 1.0)
    curate: tuple[bool, ...] = (False, True)
    #: fractions of each run's sentences for the learning curve (1.0 is the full run)
    budgets: tuple[float, ...] = (0.25, 0.5, 1.0)
    validation_fraction: float = 0.3
    validation_seed: int = 0
    #: the mode every other condition is compared against
    reference: str = "dualalign"
    n_boot: int = 2000
    n_perm: int = 2000


@dataclass(frozen=True)
class Split:
    """Train (fit + validation) and test gold, each a :class:`Gold`."""

    train: Gold
    test: Gold
    fit: Gold
    validation: Gold


def _subset(gold: Gold, patients: Sequence[str]) -> Gold:
    keep = set(patients)
    rows = [i for i, p in enumerate(gold.patients) if p in keep]
    return Gold(
        gold.path,
        [gold.texts[i] for i in rows],
        [gold.labels[i] for i in rows],
        [gold.patients[i] for i in rows],
    )


def split_gold(
    gold: Gold,
    seed: int,
    test_fraction: float,
    validation_fraction: float,
    test_patients: Sequence[str] = (),
) -> Split:
    """Test patients (seeded, or given), then a validation share of the training patients.

    Raises:
        ConfigError: a side left empty (see :func:`patient_split`).
    """
    train_p, test_p = patient_split(gold.patients, seed, test_fraction, list(test_patients) or None)
    train = _subset(gold, train_p)
    fit_p, val_p = patient_split(train.patients, seed + 1, validation_fraction)
    return Split(train, _subset(gold, test_p), _subset(train, fit_p), _subset(train, val_p))


def _seeds(classifier: str, settings: ComparisonSettings) -> tuple[int, ...]:
    seeded = bool(getattr(CLASSIFIERS[classifier], "seeded", True))
    return settings.classifier_seeds if seeded else settings.classifier_seeds[:1]


def _variants(settings: ComparisonSettings) -> list[tuple[float, bool]]:
    return list(product(settings.weights, settings.curate))


def planned_fits(runs: dict[str, list[Run]], settings: ComparisonSettings) -> int:
    """How many classifiers :func:`run_comparison` trains: its ``on_progress`` calls."""
    n_runs = sum(len(g) for g in runs.values())
    curating = any(settings.curate)
    total = 0
    for clf in settings.classifiers:
        seeds = len(_seeds(clf, settings))
        validation = n_runs * (len(_variants(settings)) + (1 if curating else 0))
        final = n_runs * seeds * len(settings.budgets) + n_runs * (1 if curating else 0)
        total += validation + seeds + final
    return total


def _curate_with(classifier: str) -> str:
    """Curation uses the classifier itself, or TF-IDF for the slow fine-tuned one."""
    return "tfidf-lr" if classifier == "finetune" else classifier


def _agree(run: Run, gold: Gold, classifier: str) -> np.ndarray:
    model = make_classifier(_curate_with(classifier), 0).fit(
        gold.texts, gold.labels, [1.0] * len(gold.texts)
    )
    return np.asarray(model.predict(run.texts)) == np.asarray(run.labels)


def _budget_index(n: int, fraction: float, seed: int) -> np.ndarray:
    """A nested, seeded subset: the first ceil(fraction * n) of one permutation."""
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: max(1, math.ceil(fraction * n))]) if n else order


@dataclass
class _Fitter:
    classifier: str
    tick: Callable[[], None]
    fits: int = 0

    def predict(
        self,
        gold: Gold,
        syn_texts: Sequence[str],
        syn_labels: Sequence[str],
        weight: float,
        seed: int,
        texts: Sequence[str],
    ) -> list[str]:
        model = make_classifier(self.classifier, seed).fit(
            [*gold.texts, *syn_texts],
            [*gold.labels, *syn_labels],
            [1.0] * len(gold.texts) + [weight] * len(syn_texts),
        )
        self.fits += 1
        self.tick()
        return model.predict(list(texts))


@dataclass
class _Record:
    """Test predictions by condition: patient counts, per-label F1 and the labels."""

    test: Gold
    patient_ids: list[str]
    labels: list[str]
    counts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    per_label: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    predictions: dict[str, list[list[str]]] = field(default_factory=dict)

    def add(self, name: str, pred: list[str]) -> None:
        t = self.test
        self.counts.setdefault(name, []).append(
            patient_counts(t.labels, pred, t.patients, self.patient_ids, self.labels)
        )
        self.per_label.setdefault(name, []).append(per_label_f1(t.labels, pred, self.labels))
        self.predictions.setdefault(name, []).append(pred)


def _mix(
    run: Run, keep: np.ndarray | None, idx: np.ndarray | None = None
) -> tuple[list[str], list[str]]:
    texts, labels = run.texts, run.labels
    rows = np.arange(len(texts)) if idx is None else idx
    if keep is not None:
        rows = rows[keep[rows]]
    return [texts[i] for i in rows], [labels[i] for i in rows]


def _choose(
    fitter: _Fitter,
    split: Split,
    group: list[Run],
    labels: list[str],
    settings: ComparisonSettings,
) -> dict[str, Any]:
    """The weight and curation with the best mean validation macro-F1 over the runs."""
    keeps = [
        _agree(r, split.fit, fitter.classifier) if any(settings.curate) else None for r in group
    ]
    if any(settings.curate):
        for _ in group:
            fitter.tick()
    table = []
    for weight, curated in _variants(settings):
        scores = []
        for run, keep in zip(group, keeps, strict=True):
            texts, labs = _mix(run, keep if curated else None)
            pred = fitter.predict(
                split.fit, texts, labs, weight, settings.classifier_seeds[0], split.validation.texts
            )
            scores.append(macro_f1(split.validation.labels, pred, labels))
        table.append(
            {"weight": weight, "curated": curated, "validation_f1": float(np.mean(scores))}
        )
    best = max(table, key=lambda row: (row["validation_f1"], -row["curated"], row["weight"]))
    return {"weight": best["weight"], "curated": best["curated"], "table": table}


def run_comparison(
    split: Split,
    runs: dict[str, list[Run]],
    labels: list[str],
    settings: ComparisonSettings,
    on_progress: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Every classifier's numbers (JSON-ready): choices, estimates, comparisons, curve."""
    tick = on_progress or (lambda: None)
    started = time.perf_counter()
    test = split.test
    patient_ids = test.patient_ids
    out: dict[str, Any] = {"classifiers": {}, "labels": labels}
    for clf in settings.classifiers:
        fitter = _Fitter(clf, tick)
        seeds = _seeds(clf, settings)
        rec = _Record(test, patient_ids, labels)
        record = rec.add
        counts, per_label, predictions = rec.counts, rec.per_label, rec.predictions

        for seed in seeds:
            record(GOLD, fitter.predict(split.train, [], [], 1.0, seed, test.texts))
        choices: dict[str, Any] = {}
        curve: dict[str, dict[str, Any]] = {}
        for mode, group in runs.items():
            choice = _choose(fitter, split, group, labels, settings)
            choices[mode] = choice
            curve[mode] = {}
            keeps = [_agree(r, split.train, clf) if choice["curated"] else None for r in group]
            if any(settings.curate):
                for _ in group:
                    tick()
            for budget in sorted(settings.budgets):
                name = mode if budget == max(settings.budgets) else f"{mode}@{budget:g}"
                sizes = []
                for g, (run, keep) in enumerate(zip(group, keeps, strict=True)):
                    idx = _budget_index(len(run.texts), budget, 7919 * (g + 1))
                    texts, labs = _mix(run, keep, idx)
                    sizes.append(len(texts))
                    for seed in seeds:
                        record(
                            name,
                            fitter.predict(
                                split.train, texts, labs, choice["weight"], seed, test.texts
                            ),
                        )
                curve[mode][f"{budget:g}"] = {"condition": name, "sentences": float(np.mean(sizes))}
        estimates = {
            name: estimate(np.stack(c), settings.n_boot, seed=11) for name, c in counts.items()
        }
        ref = settings.reference
        comparisons = []
        if ref in counts:
            others = [GOLD, *[m for m in runs if m != ref]]
            for other in others:
                c = compare(
                    np.stack(counts[ref]),
                    np.stack(counts[other]),
                    settings.n_boot,
                    settings.n_perm,
                    13,
                )
                comparisons.append(
                    {
                        "a": ref,
                        "b": other,
                        "diff": c.diff,
                        "low": c.low,
                        "high": c.high,
                        "p": c.p,
                        "verdict": c.verdict(),
                    }
                )
        for mode in runs:
            if mode == ref:
                continue
            c = compare(
                np.stack(counts[mode]), np.stack(counts[GOLD]), settings.n_boot, settings.n_perm, 17
            )
            comparisons.append(
                {
                    "a": mode,
                    "b": GOLD,
                    "diff": c.diff,
                    "low": c.low,
                    "high": c.high,
                    "p": c.p,
                    "verdict": c.verdict(),
                }
            )
        out["classifiers"][clf] = {
            "classifier_seeds": list(seeds),
            "fits": fitter.fits,
            "choices": choices,
            "conditions": {
                name: {
                    "mean": e.mean,
                    "low": e.low,
                    "high": e.high,
                    "replicates": list(e.replicates),
                    "per_label_f1": {
                        lab: float(np.mean([d[lab] for d in per_label[name]])) for lab in labels
                    },
                }
                for name, e in estimates.items()
            },
            "comparisons": comparisons,
            "curve": curve,
            "test_predictions": {name: predictions[name] for name in [GOLD, *runs]},
        }
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out
