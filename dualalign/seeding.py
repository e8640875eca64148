"""One place that turns a user's seed into numpy generators (never a global RNG)."""

from __future__ import annotations

import numpy as np

__all__ = ["SeedLike", "rng_for"]

SeedLike = int | np.random.Generator | None


def rng_for(seed: SeedLike, *stream: int) -> np.random.Generator:
    """A generator for ``seed``; ``stream`` numbers give independent, reproducible sub-streams.

    The same seed and stream always give the same sequence; a passed Generator is used as is.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=tuple(stream)))
