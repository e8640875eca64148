"""``generate --executor ray``: note tasks on Ray actors, results streamed to one writer.

Each actor builds its own models -- the in-process local model, or an OpenAI-compatible
client to its share of the base URLs -- and runs :class:`TaskWorker` on the tasks sent to it.
Only the driver journals, committing results in task order, so resume after ``kill -9`` and
the manifest keep their guarantees, and the files equal the single-process run's. An actor
that dies is restarted and its unfinished tasks re-run by Ray (a task's seeds are fixed, so a
re-run gives the same rows); results reach the journal once.

Workers receive vocabulary and settings, never a store connection.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from dualalign.errors import ConfigError
from dualalign.generation.config import GenerationSettings
from dualalign.generation.context import NoteTask
from dualalign.generation.models import build_models, use_cache
from dualalign.generation.runner import Execute, Job
from dualalign.generation.style import StyleExamples
from dualalign.generation.vocabulary import Vocabulary
from dualalign.generation.worker import TaskResult, TaskWorker
from dualalign.llm import LLMSpec
from dualalign.llm.factory import Backend
from dualalign.settings import ENVIRONMENT_VARIABLES

__all__ = ["MAX_RESTARTS", "RayPlan", "TaskActor", "on_ray", "worker_env", "worker_specs"]

#: set in the driver, passed on to workers (a cluster's workers start with the head's
#: environment, not the driver's): where models and caches live, offline switches, the key
_PASSED_ON = (*ENVIRONMENT_VARIABLES, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")

#: times Ray restarts a dead actor, and re-runs each task it held
MAX_RESTARTS = 3


@dataclass(frozen=True)
class RayPlan:
    """Where and how wide a Ray run is (none of it changes what is written)."""

    address: str = "auto"
    #: actors; None: one per CPU of the cluster
    workers: int | None = None
    #: OpenAI-compatible servers, spread over the actors (empty: the request's own)
    base_urls: tuple[str, ...] = ()


def worker_env(spec: LLMSpec) -> dict[str, str]:
    """The driver's settings each worker needs: dualalign's variables (``DUALALIGN_HOME``,
    say, so the local model's copy and caches go where the driver's go) and the API key."""
    names = (*_PASSED_ON, spec.api_key_env)
    return {name: os.environ[name] for name in names if name in os.environ}


def worker_specs(spec: LLMSpec, workers: int, base_urls: tuple[str, ...]) -> list[LLMSpec]:
    """Each actor's model settings: base URLs dealt round-robin; an in-process model gets
    one thread per actor unless told otherwise (each actor holds one CPU)."""
    if base_urls and spec.backend != Backend.OPENAI:
        raise ConfigError("several --base-url need --llm openai; drop the extra --base-url values")
    out = []
    for i in range(workers):
        update: dict[str, Any] = {}
        if base_urls:
            update["base_url"] = base_urls[i % len(base_urls)]
        if spec.backend == Backend.LOCAL and spec.n_threads is None:
            update["n_threads"] = 1
        out.append(spec.model_copy(update=update))
    return out


class TaskActor:
    """One worker: its own models, and a :class:`TaskWorker` over them."""

    def __init__(
        self,
        spec: LLMSpec,
        generation: GenerationSettings,
        vocab: Vocabulary,
        style: StyleExamples | None,
        cache: Path | None,
    ) -> None:
        llm, annotator = build_models(spec, generation)
        self.cache = use_cache(cache, llm, annotator)
        self.worker = TaskWorker(llm, vocab, generation, annotator_llm=annotator, style=style)

    def run(self, task: NoteTask, round_: int) -> TaskResult:
        return self.worker.run(task, round_)

    def pid(self) -> int:
        """The actor's process id (tests kill it)."""
        return os.getpid()


def on_ray(
    plan: RayPlan,
    spec: LLMSpec,
    generation: GenerationSettings,
    vocab: Vocabulary,
    style: StyleExamples | None,
    concurrency: int,
    cache: Path | None = None,
) -> Execute:
    """An :class:`Execute` on Ray actors, ``concurrency`` calls in flight on each.

    Raises:
        ConfigError: Ray is missing, or no cluster answers at ``plan.address``.
    """
    from dualalign.cluster import connect

    ray = connect(plan.address, plan.workers or os.cpu_count() or 1)
    workers = plan.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    specs = worker_specs(spec, workers, plan.base_urls)
    actor_class = ray.remote(
        num_cpus=1,
        max_restarts=MAX_RESTARTS,
        max_task_retries=MAX_RESTARTS,
        max_concurrency=max(1, concurrency),
        runtime_env={"env_vars": worker_env(spec)},
    )(TaskActor)

    def run(jobs: Iterable[Job]) -> Iterator[TaskResult]:
        actors = [actor_class.remote(s, generation, vocab, style, cache) for s in specs]
        source = iter(jobs)
        pending: deque[Any] = deque()
        turn = 0

        def submit(count: int) -> None:
            nonlocal turn
            for task, round_ in islice(source, count):
                pending.append(actors[turn % workers].run.remote(task, round_))
                turn += 1

        try:
            submit(2 * workers * max(1, concurrency))
            while pending:
                result: TaskResult = ray.get(pending.popleft())
                submit(1)
                yield result
        finally:
            for actor in actors:
                ray.kill(actor)

    return run
