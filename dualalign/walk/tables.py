"""Sampling tables built once per graph snapshot, and per-persona effects applied on top.

The base mention kernel of a stage is P(j | i) = p_direct(i) * TRANSITIONS_TO(i, j) /
mass(i) + (1 - p_direct(i)) * EMITS(j), with p_direct(i) = mass(i) / (mass(i) + RESAMPLES(i)).
A persona's risk factors multiply target weights: P'(j | i) is proportional to
P(j | i) * M(j). Draws from P' propose from P (alias tables, O(1)) and accept with
probability M(j) / max M, which is exact and needs no per-persona tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dualalign.types import Persona
from dualalign.walk.alias import RowSampler
from dualalign.walk.snapshot import TrajectorySnapshot

__all__ = ["BaseTables", "PersonaEffects", "categorical", "draw_weighted"]

#: Rejection rounds before the remaining draws use exact inverse-CDF sampling.
_MAX_ROUNDS = 32


def categorical(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of ``probs`` (rows need not be normalised); -1 for all-zero rows."""
    cdf = np.cumsum(probs, axis=1)
    total = cdf[:, -1]
    u = rng.random(probs.shape[0]) * total
    out = (u[:, None] >= cdf).sum(axis=1)
    out = np.minimum(out, probs.shape[1] - 1)
    return np.where(total > 0, out, -1)


@dataclass(frozen=True)
class BaseTables:
    """Alias samplers of the unmodified graph probabilities."""

    prior: RowSampler  # rows: period index -> stage
    notes: RowSampler  # rows: period index -> note type
    emission: RowSampler  # rows: stage -> symptom
    direct: RowSampler  # rows: stage * K + symptom -> symptom
    p_direct: np.ndarray  # [S, K]

    @classmethod
    def build(cls, snap: TrajectorySnapshot) -> BaseTables:
        """Build every sampler from the snapshot's arrays."""
        S, K = snap.emission.shape
        stacked = np.concatenate([snap.direct[s] for s in range(S)])  # [S*K, K]
        rows, cols = np.nonzero(stacked)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=S * K))])
        mass = stacked.sum(axis=1).reshape(S, K)
        redraw = snap.resample * snap.emission.sum(axis=1, keepdims=True)
        total = mass + redraw
        p_direct = np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)
        return cls(
            RowSampler.dense(snap.period_stage),
            RowSampler.dense(snap.note_share),
            RowSampler.dense(snap.emission),
            RowSampler(indptr, cols, stacked[rows, cols]),
            p_direct,
        )

    def mention_kernel(self, stage: int, size: int) -> np.ndarray:
        """The base one-step mention kernel of a stage, dense [K, K] (for tests)."""
        direct = np.stack([self.direct.row(stage * size + i, size) for i in range(size)])
        pd = self.p_direct[stage][:, None]
        return np.asarray(pd * direct + (1 - pd) * self.emission.row(stage, size)[None, :])


def draw_weighted(
    propose: Callable[[np.ndarray], np.ndarray],
    weight: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ceiling: np.ndarray,
    n: int,
    rng: np.random.Generator,
    exact: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Draw ``n`` outcomes from proposal * weight by rejection.

    Args:
        propose: draws proposals for the given draw indices.
        weight: the multiplier of each (draw index, proposed outcome).
        ceiling: per draw, an upper bound of the multiplier.
        exact: fallback sampler for draws still rejected after ``_MAX_ROUNDS`` rounds.
    """
    out = np.full(n, -1, dtype=np.int64)
    pending = np.arange(n)
    for _ in range(_MAX_ROUNDS):
        if pending.size == 0:
            return out
        cand = propose(pending)
        ok = cand < 0  # dead ends are final
        live = ~ok
        ok[live] = rng.random(int(live.sum())) * ceiling[pending[live]] < weight(
            pending[live], cand[live]
        )
        out[pending[ok]] = cand[ok]
        pending = pending[~ok]
    if pending.size:
        out[pending] = exact(pending)
    return out


class PersonaEffects:
    """Risk-factor multipliers of a batch of personas.

    Attributes:
        emit: [n, S, K] multiplier on each symptom's weight.
        emit_max: [n, S] its maximum over symptoms.
        stage_matrix: [n, S, S] annual stage transitions after modifiers, rows renormalised.
    """

    def __init__(self, snap: TrajectorySnapshot, personas: list[Persona]) -> None:
        n = len(personas)
        S, K = snap.emission.shape
        self.emit = np.ones((n, S, K))
        stage_mult = np.ones((n, S, S))
        for p, persona in enumerate(personas):
            for rf in persona.risk_factors:
                for mod in snap.modifiers.get(rf, ()):
                    if mod.kind == "emission":
                        idx = np.asarray(mod.targets, dtype=np.int64)
                        self.emit[p][np.ix_(mod.stages, idx)] *= mod.multiplier
                    else:
                        for a, b in mod.targets:  # type: ignore[misc]
                            stage_mult[p, a, b] *= mod.multiplier
        self.emit_max = self.emit.max(axis=2)
        weighted = snap.stage_matrix[None, :, :] * stage_mult
        total = weighted.sum(axis=2, keepdims=True)
        self.stage_matrix = np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)
