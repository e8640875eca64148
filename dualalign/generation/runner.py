"""Run note tasks concurrently and journal each finished one at once.

The per-task work is :class:`~dualalign.generation.worker.TaskWorker`'s, carried out by an
:class:`Execute` -- a thread pool here, Ray actors in :mod:`~dualalign.generation.on_ray`.
This module only feeds it, commits results in task order (so every executor writes the same
files), keeps running totals for progress, and decides which finished tasks a rerun should do
again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from dualalign.generation.context import NoteTask
from dualalign.generation.journal import Journal
from dualalign.generation.worker import TaskResult, TaskWorker
from dualalign.records import FailureRow, TaskUsage

__all__ = ["Execute", "Job", "Progress", "Runner", "tasks_to_retry", "threaded"]

logger = logging.getLogger(__name__)


@dataclass
class Progress:
    """Running totals of this process, for a progress display."""

    done: int = 0
    total: int = 0
    sentences: int = 0
    failures: int = 0
    tokens: int = 0

    def add(self, result: TaskResult) -> None:
        self.done += 1
        self.sentences += len(result.sentences)
        self.failures += len(result.failures)
        if result.usage is not None:
            self.tokens += result.usage.input_tokens + result.usage.output_tokens


#: A task and its round (0 for the first try; a retry's attempts get fresh seeds).
Job = tuple[NoteTask, int]


class Execute(Protocol):
    """Runs jobs (read lazily) and yields each one's result in the jobs' order."""

    def __call__(self, jobs: Iterable[Job]) -> Iterator[TaskResult]: ...


def threaded(worker: TaskWorker, concurrency: int) -> Execute:
    """An :class:`Execute` on ``concurrency`` threads sharing ``worker``'s model, with at most
    twice that many jobs started ahead of the oldest unfinished one."""

    def run(jobs: Iterable[Job]) -> Iterator[TaskResult]:
        window = 2 * max(1, concurrency)
        source = iter(jobs)
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            pending: list[Future[TaskResult]] = [
                pool.submit(worker.run, *job) for job in islice(source, window)
            ]
            while pending:
                result = pending.pop(0).result()
                pending.extend(pool.submit(worker.run, *job) for job in islice(source, 1))
                yield result

    return run


def tasks_to_retry(failures: Sequence[FailureRow], retry_rejected: bool) -> set[str]:
    """Finished tasks a rerun does again: those that met an error (server down, timeouts),
    and with ``retry_rejected`` also those whose sentences failed the grounding checks."""
    return {f.task_id for f in failures if f.kind == "error" or retry_rejected}


def _merge(old: TaskUsage | None, new: TaskUsage, round_: int) -> TaskUsage:
    """A retried task's usage: what every round spent."""
    if old is None:
        return new.model_copy(update={"round": round_})
    return new.model_copy(
        update={
            "attempts": old.attempts + new.attempts,
            "retries": old.retries + new.retries,
            "input_tokens": old.input_tokens + new.input_tokens,
            "output_tokens": old.output_tokens + new.output_tokens,
            "round": round_,
        }
    )


class Runner:
    """Runs tasks with an :class:`Execute`, journaling each as it is committed."""

    def __init__(self, execute: Execute) -> None:
        self.execute = execute
        self.progress = Progress()

    def run(
        self,
        tasks: Sequence[NoteTask],
        journal: Journal,
        *,
        previous: dict[str, TaskUsage] | None = None,
        on_done: Callable[[Progress], None] = lambda _: None,
    ) -> Progress:
        """Run every task not yet in the journal. ``previous`` holds the usage of tasks taken
        back for a retry: their next round gets fresh seeds, and their totals carry over."""
        prior = previous or {}
        todo = [t for t in tasks if t.task_id not in journal.done]
        self.progress = Progress(done=len(tasks) - len(todo), total=len(tasks))
        started = time.perf_counter()

        def round_of(task: NoteTask) -> int:
            old = prior.get(task.task_id)
            return old.round + 1 if old is not None else 0

        for task, result in zip(todo, self.execute((t, round_of(t)) for t in todo), strict=True):
            if result.usage is not None:
                result.usage = _merge(prior.get(task.task_id), result.usage, round_of(task))
            journal.commit(
                result.task_id,
                {
                    "sentences": result.sentences,
                    "notes": result.notes,
                    "failures": result.failures,
                    "usage": [result.usage] if result.usage else [],
                },
            )
            self.progress.add(result)
            on_done(self.progress)
        logger.info("ran %d tasks in %.1f s", len(todo), time.perf_counter() - started)
        return self.progress
