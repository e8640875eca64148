"""Intervals and paired tests for macro-F1, computed from per-patient confusion counts.

A condition's predictions on the test sentences are kept as counts: for each replicate (a
generation seed x classifier seed), each test patient and each label, the true positives,
false positives and false negatives. Macro-F1 of any resample is then a sum and a division:

* the point estimate is the mean over replicates of each replicate's macro-F1;
* the 95 % interval is a percentile bootstrap that resamples replicates and test patients
  (patients, not sentences: a patient's sentences are not independent);
* a paired comparison applies the same resamples to both conditions, and its p-value is a
  paired randomisation test that swaps the two conditions' predictions patient by patient
  within each replicate (two-sided).

Pure numpy; F1 per label is ``2 tp / (2 tp + fp + fn)``, 0 where that is 0 / 0, which is
scikit-learn's ``f1_score(zero_division=0)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Comparison",
    "Estimate",
    "compare",
    "estimate",
    "macro_f1_counts",
    "patient_counts",
]


def patient_counts(
    truth: Sequence[str],
    pred: Sequence[str],
    patients: Sequence[str],
    patient_ids: Sequence[str],
    labels: Sequence[str],
) -> np.ndarray:
    """Counts ``[patient, label, (tp, fp, fn)]`` of one set of predictions."""
    if not len(truth) == len(pred) == len(patients):
        raise ValueError(f"{len(truth)} labels, {len(pred)} predictions, {len(patients)} patients")
    p_index = {p: i for i, p in enumerate(patient_ids)}
    l_index = {lab: i for i, lab in enumerate(labels)}
    out = np.zeros((len(patient_ids), len(labels), 3), dtype=np.int64)
    for t, y, p in zip(truth, pred, patients, strict=True):
        i = p_index[p]
        if t == y:
            out[i, l_index[t], 0] += 1
            continue
        if y in l_index:
            out[i, l_index[y], 1] += 1
        if t in l_index:
            out[i, l_index[t], 2] += 1
    return out


def macro_f1_counts(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 over the last two axes ``[..., label, (tp, fp, fn)]``."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    denom = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denom, out=np.zeros(denom.shape, dtype=float), where=denom > 0)
    return np.asarray(f1.mean(axis=-1))


@dataclass(frozen=True)
class Estimate:
    """A condition's macro-F1: mean over replicates, and a 95 % bootstrap interval."""

    mean: float
    low: float
    high: float
    replicates: tuple[float, ...]


@dataclass(frozen=True)
class Comparison:
    """A minus B in macro-F1, with a bootstrap interval and a paired randomisation p-value."""

    diff: float
    low: float
    high: float
    p: float

    @property
    def measurable(self) -> bool:
        """Whether the interval excludes zero."""
        return self.low > 0 or self.high < 0

    def verdict(self) -> str:
        """'gain', 'loss' or 'no measurable gain' (the interval includes zero)."""
        if not self.measurable:
            return "no measurable gain"
        return "gain" if self.diff > 0 else "loss"


def _weights(rng: np.random.Generator, n_boot: int, n: int) -> np.ndarray:
    """Bootstrap multiplicities ``[boot, n]`` (each row sums to n)."""
    draws = rng.integers(0, n, size=(n_boot, n))
    return np.stack([np.bincount(row, minlength=n) for row in draws]).astype(float)


def _boot_scores(counts: np.ndarray, w_rep: np.ndarray, w_pat: np.ndarray) -> np.ndarray:
    """Mean macro-F1 per bootstrap draw for ``counts[replicate, patient, label, 3]``."""
    summed = np.einsum("bp,rplk->brlk", w_pat, counts.astype(float))
    f1 = macro_f1_counts(summed)  # [boot, replicate]
    return np.asarray((f1 * w_rep).sum(axis=1) / w_rep.sum(axis=1))


def _check(counts: np.ndarray) -> np.ndarray:
    arr = np.asarray(counts)
    if arr.ndim != 4 or arr.shape[-1] != 3 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"counts must be [replicate, patient, label, 3]; got {arr.shape}")
    return arr


def estimate(counts: np.ndarray, n_boot: int = 2000, seed: int = 0) -> Estimate:
    """Mean macro-F1 of ``counts[replicate, patient, label, 3]`` and its 95 % interval."""
    arr = _check(counts)
    per_rep = macro_f1_counts(arr.sum(axis=1))
    rng = np.random.default_rng(seed)
    boots = _boot_scores(
        arr, _weights(rng, n_boot, arr.shape[0]), _weights(rng, n_boot, arr.shape[1])
    )
    low, high = np.percentile(boots, [2.5, 97.5])
    return Estimate(float(per_rep.mean()), float(low), float(high), tuple(map(float, per_rep)))


def compare(
    a: np.ndarray, b: np.ndarray, n_boot: int = 2000, n_perm: int = 2000, seed: int = 0
) -> Comparison:
    """A minus B, paired by replicate and patient.

    Replicates are ordered generation seed first, classifier seed second. A condition with
    fewer replicates whose number divides the other's (gold only: one per classifier seed,
    no generation seed) is repeated in that order, so each run pairs with gold only trained
    with the same classifier seed.
    """
    a, b = _check(a), _check(b)
    if a.shape[0] > b.shape[0] and a.shape[0] % b.shape[0] == 0:
        b = np.concatenate([b] * (a.shape[0] // b.shape[0]))
    if b.shape[0] > a.shape[0] and b.shape[0] % a.shape[0] == 0:
        a = np.concatenate([a] * (b.shape[0] // a.shape[0]))
    if a.shape != b.shape:
        raise ValueError(f"cannot pair counts of shapes {a.shape} and {b.shape}")
    n_rep, n_pat = a.shape[:2]
    observed = float((macro_f1_counts(a.sum(axis=1)) - macro_f1_counts(b.sum(axis=1))).mean())
    rng = np.random.default_rng(seed)
    w_rep, w_pat = _weights(rng, n_boot, n_rep), _weights(rng, n_boot, n_pat)
    boots = _boot_scores(a, w_rep, w_pat) - _boot_scores(b, w_rep, w_pat)
    low, high = np.percentile(boots, [2.5, 97.5])
    # randomisation: per replicate and patient, swap A's and B's predictions with p = 1/2
    swap = rng.integers(0, 2, size=(n_perm, n_rep, n_pat)).astype(float)
    delta = (b - a).astype(float)
    moved = np.einsum("zrp,rplk->zrlk", swap, delta)
    a_perm = a.sum(axis=1)[None] + moved
    b_perm = b.sum(axis=1)[None] - moved
    null = (macro_f1_counts(a_perm) - macro_f1_counts(b_perm)).mean(axis=1)
    p = (1 + int((np.abs(null) >= abs(observed) - 1e-12).sum())) / (n_perm + 1)
    return Comparison(observed, float(low), float(high), float(p))
