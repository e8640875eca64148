"""Classification metrics over string labels (pure numpy; the same numbers as scikit-learn's
``f1_score(average=None/'macro', zero_division=0)`` and ``confusion_matrix``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["confusion", "macro_f1", "per_label_f1", "per_label_prf"]


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Counts [gold label, predicted label] in ``labels`` order (others are ignored)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    index = {lab: i for i, lab in enumerate(labels)}
    out = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        if g in index and p in index:
            out[index[g], index[p]] += 1
    return out


def per_label_prf(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and support per label (0 where undefined)."""
    cm = confusion(gold, pred, labels)
    tp = np.diag(cm).astype(float)
    predicted, actual = cm.sum(axis=0).astype(float), cm.sum(axis=1).astype(float)
    out = {}
    for i, lab in enumerate(labels):
        p = tp[i] / predicted[i] if predicted[i] else 0.0
        r = tp[i] / actual[i] if actual[i] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[lab] = (p, r, f, int(actual[i]))
    return out


def per_label_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """F1 per label."""
    return {k: v[2] for k, v in per_label_prf(gold, pred, labels).items()}


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 over ``labels``."""
    f1 = per_label_f1(gold, pred, labels)
    return float(np.mean([f1[lab] for lab in labels])) if labels else 0.0
