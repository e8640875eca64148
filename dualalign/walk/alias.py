"""Row-wise weighted sampling with Vose alias tables: O(1) per draw, vectorised over draws.

A :class:`RowSampler` holds one discrete distribution per row of a CSR matrix (row ``r``'s
outcomes are ``indices[indptr[r]:indptr[r + 1]]`` with weights ``weights[...]``). Drawing for
an array of rows costs one uniform number and a few gathers per draw, whatever the row sizes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RowSampler"]


def _vose_row(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alias table of one row (probabilities summing to 1): keep-probabilities and alias slots."""
    n = p.size
    scaled = (p * n).tolist()
    prob = [1.0] * n
    alias = list(range(n))
    small = [i for i, v in enumerate(scaled) if v < 1.0]
    large = [i for i, v in enumerate(scaled) if v >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        prob[s], alias[s] = scaled[s], g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        (small if scaled[g] < 1.0 else large).append(g)
    return np.asarray(prob), np.asarray(alias)


class RowSampler:
    """Alias tables for every row of a non-negative CSR weight matrix.

    Rows whose weights sum to zero (or are empty) are dead ends: drawing from them gives -1.

    Args:
        indptr: Row offsets, length ``rows + 1``.
        indices: Outcome of each entry (e.g. a target node id).
        weights: Non-negative weight of each entry.
    """

    __slots__ = (
        "alias_outcome",
        "any_dead",
        "dead",
        "degree",
        "indptr",
        "keep",
        "outcome",
        "probability",
        "row_mass",
        "start",
    )

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray) -> None:
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.outcome = np.asarray(indices, dtype=np.int64)
        w = np.asarray(weights, dtype=np.float64)
        self.keep = np.ones(w.size, dtype=np.float64)
        self.alias_outcome = self.outcome.copy()
        rows = self.indptr.size - 1
        sizes = np.diff(self.indptr)
        self.row_mass = np.bincount(
            np.repeat(np.arange(rows), sizes), weights=w, minlength=rows
        ).astype(np.float64)
        mass = np.repeat(self.row_mass, sizes)
        self.probability = np.divide(w, mass, out=np.zeros_like(w), where=mass > 0)
        # Compact index types: gathers of 4-byte integers are markedly faster.
        small = max(self.outcome.size, rows) < 2**31 - 1
        itype = np.int32 if small else np.int64
        self.degree = sizes.astype(itype)
        self.start = self.indptr[:-1].astype(itype)
        self.dead = (sizes == 0) | (self.row_mass <= 0)
        self.any_dead = bool(self.dead.any())
        for r in np.flatnonzero((sizes > 1) & (self.row_mass > 0)):
            a, b = self.indptr[r], self.indptr[r + 1]
            prob, alias = _vose_row(self.probability[a:b])
            self.keep[a:b] = prob
            self.alias_outcome[a:b] = self.outcome[a + alias]
        self.outcome = self.outcome.astype(itype)
        self.alias_outcome = self.alias_outcome.astype(itype)

    @classmethod
    def dense(cls, matrix: np.ndarray) -> RowSampler:
        """One row per matrix row; outcomes are column numbers with positive weight."""
        m = np.asarray(matrix, dtype=np.float64)
        rows, cols = np.nonzero(m > 0)
        indptr = np.zeros(m.shape[0] + 1, dtype=np.int64)
        np.add.at(indptr, rows + 1, 1)
        return cls(np.cumsum(indptr), cols, m[rows, cols])

    def row(self, r: int, size: int) -> np.ndarray:
        """Row ``r`` as a dense probability vector over outcomes ``0 .. size - 1``."""
        out = np.zeros(size)
        a, b = self.indptr[r], self.indptr[r + 1]
        np.add.at(out, self.outcome[a:b], self.probability[a:b])
        return out

    @property
    def rows(self) -> int:
        """Number of rows."""
        return int(self.indptr.size - 1)

    def draw(self, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One outcome per entry of ``rows`` (-1 for a dead-end row)."""
        rows = np.asarray(rows)
        if self.outcome.size == 0:
            return np.full(rows.size, -1, dtype=np.int64)
        # One uniform per draw: its integer part picks the slot, its fraction is the coin.
        scaled = rng.random(rows.size) * self.degree[rows]
        slot = scaled.astype(self.start.dtype)
        coin = scaled - slot
        pick = self.start[rows] + slot
        if self.any_dead:
            np.minimum(pick, self.outcome.size - 1, out=pick)
        out = np.where(coin < self.keep[pick], self.outcome[pick], self.alias_outcome[pick])
        if self.any_dead:
            out = out.astype(np.int64)
            out[self.dead[rows]] = -1
        return out
