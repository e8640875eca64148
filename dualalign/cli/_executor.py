"""Options shared by commands that can run on Ray: ``--executor``, ``--ray-address``, ``--workers``.

(No ``from __future__ import annotations`` here: typer reads these annotations at run time.)
"""

from enum import StrEnum
from typing import Annotated

import typer

from dualalign.errors import ConfigError

__all__ = ["Executor", "ExecutorOption", "RayAddress", "Workers", "check_ray_options"]


class Executor(StrEnum):
    """Where the work runs."""

    single = "single"
    ray = "ray"


ExecutorOption = Annotated[
    Executor,
    typer.Option(
        help="single: this process; ray: a Ray cluster (extra 'ray'; see --ray-address). "
        "The output is the same either way."
    ),
]
RayAddress = Annotated[
    str,
    typer.Option(
        envvar="DUALALIGN_RAY_ADDRESS",
        help="With --executor ray: auto (the cluster `ray start --head` started here), "
        "HOST:PORT of a head, or local (start one in this process).",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=4096,
        help="With --executor ray: tasks in flight, about one per CPU "
        "(default: the cluster's CPUs; with local, this machine's).",
    ),
]


def check_ray_options(executor: Executor, workers: int | None) -> None:
    """Refuse Ray settings given without ``--executor ray`` (they would be ignored)."""
    if executor is Executor.single and workers is not None:
        raise ConfigError("--workers needs --executor ray; add --executor ray or drop --workers")
