"""First-order weighted random walks over a CSR graph, vectorised across walks."""

from __future__ import annotations

import numpy as np

from dualalign.seeding import SeedLike, rng_for
from dualalign.walk.alias import RowSampler

__all__ = ["random_walks"]


def random_walks(
    sampler: RowSampler,
    starts: np.ndarray,
    length: int,
    seed: SeedLike = 0,
    *,
    chunk: int = 100_000,
) -> np.ndarray:
    """Walk ``length`` steps from every start node.

    Each step picks an out-neighbour with probability proportional to the edge weight. A walk
    that reaches a node without out-edges (a dead end) stops there: its remaining positions
    are -1. Walks are processed ``chunk`` at a time to bound memory.

    Returns:
        An int32 array of shape ``(len(starts), length + 1)``; column 0 holds the starts.
    """
    starts = np.asarray(starts, dtype=np.int64)
    out = np.empty((starts.size, length + 1), dtype=np.int32)
    rng = rng_for(seed, 2)
    for lo in range(0, starts.size, chunk):
        cur = starts[lo : lo + chunk].copy()
        block = out[lo : lo + chunk]
        block[:, 0] = cur
        if not sampler.any_dead:  # fast path: every node has out-edges
            steps = np.empty((length + 1, cur.size), dtype=np.int32)  # contiguous rows
            steps[0] = cur
            for step in range(1, length + 1):
                cur = sampler.draw(cur, rng)
                steps[step] = cur
            block[:] = steps.T
            continue
        alive = np.ones(cur.size, dtype=bool)
        for step in range(1, length + 1):
            nxt = np.full(cur.size, -1, dtype=np.int64)
            idx = np.flatnonzero(alive)
            if idx.size:
                nxt[idx] = sampler.draw(cur[idx], rng)
            alive &= nxt >= 0
            block[:, step] = nxt
            cur = np.where(alive, nxt, 0)
    return out
