"""Walks on a Ray cluster: one task per block of ``CHUNK`` patients, gathered in order.

Each task walks a block-aligned slice with its own seed stream, so the result is row for row
the single-process walk. Workers receive the immutable :class:`WalkJob` (the graph snapshot,
put once in Ray's object store) and their personas, never a store connection. A task whose
worker dies is retried by Ray (``max_retries``); a retry recomputes the same rows, and the
driver writes each block once, in order, so nothing is lost or duplicated.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from dualalign.types import Persona
from dualalign.walk.engine import CHUNK
from dualalign.walk.output import Block, WalkJob, walk_block

__all__ = ["MAX_RETRIES", "shard_bounds", "walk_on_ray"]

#: times Ray re-runs a block whose worker died
MAX_RETRIES = 3


def shard_bounds(n: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each block of a run of ``n`` patients."""
    return [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)]


def walk_on_ray(
    ray: Any,
    job: WalkJob,
    personas: Sequence[Persona],
    workers: int,
    on_progress: Callable[[int], None],
) -> Iterator[Block]:
    """Yield encoded blocks in patient order, keeping about two per worker in flight."""
    remote = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(walk_block)
    job_ref = ray.put(job)
    pending: deque[Any] = deque()
    bounds = iter(shard_bounds(len(personas)))
    window = max(1, 2 * workers)

    def submit() -> None:
        for lo, hi in bounds:
            pending.append(remote.remote(job_ref, list(personas[lo:hi]), lo))
            return

    for _ in range(window):
        submit()
    while pending:
        block: Block = ray.get(pending.popleft())
        submit()
        on_progress(block[1].patients)
        yield block
