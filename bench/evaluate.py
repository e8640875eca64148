"""Benchmark: `dualalign evaluate` speed, side by side with a baseline.

1. ``tfidf-lr`` over 5 split seeds x 4 gold sizes x 5 conditions (gold + 4 runs), our solver
   (newton-cg) vs scikit-learn's default lbfgs at the same regularisation. Target: under a
   minute on 2 cores.
2. ``embed-lr`` encoding: every distinct sentence once (our cache, keyed by model and text)
   vs encoding each training set afresh for every fit, counted in sentences encoded and timed.

Runs from folders written by `dualalign generate` (or the sentences of the demo gold set when
none are given)::

    python bench/evaluate.py --run dualalign=runs/paper/dualalign-s1 --run ...
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from dualalign.evaluation import classifiers
from dualalign.evaluation.data import Run, demo_gold_path, load_gold, load_run
from dualalign.evaluation.experiment import ExperimentSettings, run_experiment
from dualalign.ontology import load_disease, resolve_disease

#: the knowledge base's label set, in label order
LABELS = [
    lab.id
    for lab in sorted(load_disease(resolve_disease("alzheimers")).labels, key=lambda x: x.order)
]


def _time(gold, runs, settings) -> tuple[float, int]:
    t0 = time.perf_counter()
    result = run_experiment(gold, runs, LABELS, settings)
    return time.perf_counter() - t0, int(result["fits"])


def main(
    run: Annotated[list[str] | None, typer.Option(help="NAME=RUN_DIR, repeatable.")] = None,
) -> None:
    gold = load_gold(demo_gold_path(), LABELS)
    runs: dict[str, list[Run]] = {}
    for spec in run or []:
        name, _, folder = spec.partition("=")
        runs.setdefault(name, []).append(load_run(name, folder, LABELS))
    if not runs:
        import pandas as pd

        frame = pd.DataFrame({"text": gold.texts, "label": gold.labels})
        runs = {f"copy{i}": [Run(f"copy{i}", "demo", frame, 0, 0, {})] for i in range(4)}
    settings = ExperimentSettings(seeds=(0, 1, 2, 3, 4), gold_patients=(5, 10, 20, None))
    ours = _time(gold, runs, settings)
    original = classifiers._logreg

    def lbfgs(seed: int):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed)

    classifiers._logreg = lbfgs
    try:
        base = _time(gold, runs, settings)
    finally:
        classifiers._logreg = original
    print(f"tfidf-lr, 5 seeds x 4 gold sizes x {1 + len(runs)} conditions ({ours[1]} fits)")
    print(f"  ours (newton-cg)  {ours[0]:7.1f} s   {'met' if ours[0] < 60 else 'missed'} (< 60 s)")
    print(f"  baseline (lbfgs)  {base[0]:7.1f} s   ratio {base[0] / ours[0]:.2f}x")
    texts = list(gold.texts)
    for frames in runs.values():
        for r in frames:
            texts += r.texts
    cache = classifiers.EmbeddingCache(classifiers.minilm_path())
    encoder = cache._encoder()
    t0 = time.perf_counter()
    cache.encode(texts)
    cached = time.perf_counter() - t0
    fits = 20
    t0 = time.perf_counter()
    encoder.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    fresh_one = time.perf_counter() - t0
    distinct = len(set(texts))
    print(f"embed-lr encoding, {len(texts)} sentences ({distinct} distinct) per fit, {fits} fits:")
    print(f"  cached: {distinct} encodings, {cached:.1f} s once; later fits 0 s")
    print(
        f"  afresh: {len(texts) * fits} encodings, about {fresh_one * fits:.1f} s "
        f"({fresh_one * fits / cached:.0f}x)"
    )


if __name__ == "__main__":
    typer.run(main)
