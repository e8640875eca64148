"""Where a mode's sentences help or hurt: error analysis against the *training* gold.

Per mode (runs pooled over generation seeds): the label mix against the gold's, per label and
per stage how often a classifier trained on the training gold disagrees with the sentence's
label (a label-noise estimate), near-duplicates within a run, sentence length and vocabulary
against the gold, and a few of the disagreements to read. Nothing here looks at the test
patients; per-label test F1 against gold only is added by the report from the comparison.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualalign.evaluation.classifiers import make_classifier
from dualalign.evaluation.data import Gold, Run

__all__ = ["NEAR_DUPLICATE", "diagnose", "near_duplicates"]

#: Two sentences whose word sets overlap at least this much (Jaccard) are near-duplicates.
NEAR_DUPLICATE = 0.8
_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def near_duplicates(texts: Sequence[str], threshold: float = NEAR_DUPLICATE) -> int:
    """How many sentences have an earlier one whose word set is at least ``threshold``
    Jaccard-similar (exact repeats included)."""
    sets = [frozenset(_words(t)) for t in texts]
    count = 0
    for i, s in enumerate(sets):
        for other in sets[:i]:
            union = len(s | other)
            if union and len(s & other) / union >= threshold:
                count += 1
                break
    return count


def _share(values: Sequence[str]) -> dict[str, float]:
    n = len(values)
    return {k: v / n for k, v in sorted(Counter(values).items())} if n else {}


def _tv(a: dict[str, float], b: dict[str, float]) -> float:
    """Total variation distance between two label mixes."""
    return 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in set(a) | set(b))


def diagnose(
    train: Gold, runs: dict[str, list[Run]], labels: list[str], examples: int = 4
) -> dict[str, Any]:
    """Per-mode error analysis (JSON-ready)."""
    judge = make_classifier("tfidf-lr", 0).fit(train.texts, train.labels, [1.0] * len(train.texts))
    gold_mix = _share(train.labels)
    gold_vocab = {w for t in train.texts for w in _words(t)}
    gold_len = float(np.mean([len(_words(t)) for t in train.texts]))
    out: dict[str, Any] = {
        "gold": {"sentences": len(train.texts), "label_mix": gold_mix, "mean_words": gold_len},
        "modes": {},
    }
    for mode, group in runs.items():
        texts = [t for r in group for t in r.texts]
        labs = [lab for r in group for lab in r.labels]
        stages = [
            str(s)
            for r in group
            for s in (
                r.frame["stage"].tolist() if "stage" in r.frame.columns else [None] * len(r.texts)
            )
        ]
        if not texts:
            out["modes"][mode] = {"sentences": 0}
            continue
        judged = judge.predict(texts)
        disagree = np.asarray(judged) != np.asarray(labs)
        words = [_words(t) for t in texts]
        tokens = [w for ws in words for w in ws]
        by_label = {}
        for lab in labels:
            mask = np.asarray(labs) == lab
            by_label[lab] = {
                "sentences": int(mask.sum()),
                "disagreement": float(disagree[mask].mean()) if mask.any() else None,
            }
        by_stage = {}
        for st in sorted(set(stages)):
            mask = np.asarray(stages) == st
            by_stage[st] = {
                "sentences": int(mask.sum()),
                "disagreement": float(disagree[mask].mean()),
                "labels": dict(sorted(Counter(np.asarray(labs)[mask].tolist()).items())),
            }
        mix = _share(labs)
        out["modes"][mode] = {
            "sentences": len(texts),
            "label_mix": mix,
            "label_mix_tv_to_gold": _tv(mix, gold_mix),
            "disagreement": float(disagree.mean()),
            "by_label": by_label,
            "by_stage": by_stage,
            "near_duplicates": sum(near_duplicates(r.texts) for r in group),
            "mean_words": float(np.mean([len(ws) for ws in words])),
            "unseen_word_share": float(np.mean([w not in gold_vocab for w in tokens]))
            if tokens
            else 0.0,
            "distinct_words": len(set(tokens)),
            "disagreements": [
                {"text": t, "label": lab, "gold_model": j}
                for t, lab, j, d in zip(texts, labs, judged, disagree, strict=True)
                if d
            ][:examples],
        }
    return out
