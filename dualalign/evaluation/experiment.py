"""The utility experiment: does synthetic data help a classifier trained on scarce gold?

For each split seed, gold is split by patient into train and test. For each gold size (a
nested sample of training patients), classifiers are trained under each condition and scored
on the same test sentences:

* ``gold``: gold only;
* ``gold+RUN w=W``: gold plus the run's sentences, each weighted W (a sweep);
* ``gold+RUN w=W curated``: the same with only the synthetic sentences whose label a
  gold-trained classifier agrees with;
* ``RUN alone``: the run's sentences alone (full-gold size only; it uses no gold).

Runs sharing a name (e.g. one per generation seed) pool into one condition: mean and spread
are over split seeds x runs.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dualalign.evaluation.classifiers import make_classifier
from dualalign.evaluation.data import Gold, Run, patient_split
from dualalign.evaluation.metrics import confusion, macro_f1, per_label_f1

__all__ = ["ExperimentSettings", "curate_mask", "planned_fits", "run_experiment"]


@dataclass(frozen=True)
class ExperimentSettings:
    """What to train and how often."""

    classifier: str = "tfidf-lr"
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    gold_patients: tuple[int | None, ...] = (None,)  # None: all training patients
    weights: tuple[float, ...] = (1.0,)
    curate: bool = False
    test_fraction: float = 0.3
    test_patients: tuple[str, ...] = ()


@dataclass
class _Scores:
    macro: list[float] = field(default_factory=list)
    per_label: list[dict[str, float]] = field(default_factory=list)
    train_sizes: list[int] = field(default_factory=list)


def curate_mask(
    texts: Sequence[str],
    labels: Sequence[str],
    gold_texts: Sequence[str],
    gold_labels: Sequence[str],
    classifier: str,
    seed: int,
) -> np.ndarray:
    """Which synthetic sentences a classifier trained on the gold sentences labels the same."""
    model = make_classifier(classifier, seed).fit(gold_texts, gold_labels, [1.0] * len(gold_texts))
    return np.asarray(model.predict(texts)) == np.asarray(labels)


def _size_name(size: int | None) -> str:
    return "all" if size is None else str(size)


def _fits_per_run(run: Run, size: int | None, settings: ExperimentSettings) -> int:
    """Models one run takes at one gold size: curation, each weight (twice when curating)
    and, at full gold with two labels or more, the run alone."""
    curate = 1 if settings.curate else 0
    alone = 1 if size is None and len(set(run.labels)) >= 2 else 0
    return curate + len(settings.weights) * (1 + curate) + alone


def planned_fits(runs: dict[str, list[Run]], settings: ExperimentSettings) -> int:
    """How many classifiers :func:`run_experiment` trains (curation models included): the
    number of ``on_progress`` calls it makes."""
    per_seed = sum(
        1 + sum(_fits_per_run(run, size, settings) for group in runs.values() for run in group)
        for size in settings.gold_patients
    )
    return per_seed * len(settings.seeds)


def run_experiment(
    gold: Gold,
    runs: dict[str, list[Run]],
    labels: list[str],
    settings: ExperimentSettings,
    on_progress: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Train and score every condition; returns the numbers the report shows.

    ``on_progress`` is called once for each classifier trained, :func:`planned_fits` times.
    """
    tick = on_progress or (lambda: None)
    started = time.perf_counter()
    scores: dict[tuple[str, str], _Scores] = defaultdict(_Scores)
    meta: dict[str, dict[str, Any]] = {}
    kept_after_curation: dict[str, list[float]] = defaultdict(list)
    confusions: dict[str, np.ndarray] = {}
    g_texts, g_labels = np.asarray(gold.texts, dtype=object), np.asarray(gold.labels)
    g_patients = np.asarray(gold.patients)
    fits = 0

    def score(
        name: str,
        size: str,
        texts: list[str],
        labs: list[str],
        weights: list[float],
        test_idx: np.ndarray,
        seed: int,
    ) -> list[str]:
        nonlocal fits
        model = make_classifier(settings.classifier, seed).fit(texts, labs, weights)
        fits += 1
        tick()
        pred = model.predict(list(g_texts[test_idx]))
        truth = list(g_labels[test_idx])
        s = scores[(name, size)]
        s.macro.append(macro_f1(truth, pred, labels))
        s.per_label.append(per_label_f1(truth, pred, labels))
        s.train_sizes.append(len(texts))
        cm = confusion(truth, pred, labels)
        confusions[f"{name}|{size}"] = confusions.get(f"{name}|{size}", 0) + cm
        return pred

    for seed in settings.seeds:
        train_p, test_p = patient_split(
            gold.patients, seed, settings.test_fraction, list(settings.test_patients) or None
        )
        test_idx = np.flatnonzero(np.isin(g_patients, test_p))
        order = [train_p[i] for i in np.random.default_rng(seed + 10_007).permutation(len(train_p))]
        for size in settings.gold_patients:
            chosen = order if size is None else order[: min(size, len(order))]
            size_name = _size_name(size)
            idx = np.flatnonzero(np.isin(g_patients, chosen))
            base_t, base_l = list(g_texts[idx]), list(g_labels[idx])
            meta.setdefault("gold", {"kind": "gold", "run": None, "weight": None, "curated": False})
            score("gold", size_name, base_t, base_l, [1.0] * len(base_t), test_idx, seed)
            for run_name, group in runs.items():
                for run in group:
                    syn_t, syn_l = run.texts, run.labels
                    variants = [(False, syn_t, syn_l)]
                    if settings.curate:
                        keep = curate_mask(syn_t, syn_l, base_t, base_l, settings.classifier, seed)
                        tick()
                        kept_after_curation[run_name].append(float(keep.mean()) if keep.size else 0)
                        variants.append(
                            (
                                True,
                                [t for t, k in zip(syn_t, keep, strict=True) if k],
                                [lab for lab, k in zip(syn_l, keep, strict=True) if k],
                            )
                        )
                    for curated, vt, vl in variants:
                        for w in settings.weights:
                            name = f"gold+{run_name} w={w:g}" + (" curated" if curated else "")
                            meta[name] = {
                                "kind": "gold+run",
                                "run": run_name,
                                "weight": w,
                                "curated": curated,
                            }
                            score(
                                name,
                                size_name,
                                base_t + vt,
                                base_l + vl,
                                [1.0] * len(base_t) + [w] * len(vt),
                                test_idx,
                                seed,
                            )
                    if size is None and len(set(syn_l)) >= 2:
                        meta[f"{run_name} alone"] = {
                            "kind": "run",
                            "run": run_name,
                            "weight": None,
                            "curated": False,
                        }
                        score(
                            f"{run_name} alone",
                            "all",
                            syn_t,
                            syn_l,
                            [1.0] * len(syn_t),
                            test_idx,
                            seed,
                        )
    conditions = []
    kinds = {"gold": 0, "gold+run": 1, "run": 2}
    for (name, size_key), s in sorted(
        scores.items(), key=lambda kv: (kv[0][1], kinds[meta[kv[0][0]]["kind"]], kv[0][0])
    ):
        values = np.asarray(s.macro)
        conditions.append(
            {
                "name": name,
                **meta[name],
                "classifier": settings.classifier,
                "gold_patients": size_key,
                "train_sentences": float(np.mean(s.train_sizes)),
                "n": len(values),
                "macro_f1": {
                    "mean": float(values.mean()),
                    "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                    "values": [float(v) for v in values],
                },
                "per_label_f1": {
                    lab: float(np.mean([d[lab] for d in s.per_label])) for lab in labels
                },
            }
        )
    full = [c for c in conditions if c["gold_patients"] == "all"]
    gold_full = next((c for c in full if c["name"] == "gold"), None)
    best: dict[str, Any] = {}
    for run_name in runs:
        mixes = [c for c in full if c["kind"] == "gold+run" and c["run"] == run_name]
        if mixes:
            top = max(mixes, key=lambda c: c["macro_f1"]["mean"])
            best[run_name] = {
                "condition": top["name"],
                "weight": top["weight"],
                "curated": top["curated"],
                "macro_f1": top["macro_f1"]["mean"],
                "gain_over_gold": top["macro_f1"]["mean"] - gold_full["macro_f1"]["mean"]
                if gold_full
                else None,
            }
    return {
        "conditions": conditions,
        "best": best,
        "curation_kept": {k: float(np.mean(v)) for k, v in kept_after_curation.items()},
        "confusion": {k: v.tolist() for k, v in confusions.items()},
        "labels": labels,
        "fits": fits,
        "seconds": round(time.perf_counter() - started, 2),
    }
