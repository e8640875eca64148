"""Progress bars for long commands: on a terminal only, silent with ``--quiet`` or in a pipe."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Protocol

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from dualalign.cli._app import err_console

__all__ = ["Bar", "Quiet", "progress_bar"]

#: The ``--quiet`` option every long command takes.
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar (none is shown off a terminal).")
]


class Bar(Protocol):
    """What a command reports progress through."""

    def advance(self, n: int = 1, note: str | None = None) -> None: ...

    def total(self, total: int | None) -> None: ...

    def set(self, completed: int, note: str | None = None) -> None: ...


class _Rate(ProgressColumn):
    """Items per second, from rich's own moving estimate."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f} {self.unit}/s" if speed else f"- {self.unit}/s")


class _Silent:
    def advance(self, n: int = 1, note: str | None = None) -> None:
        pass

    def total(self, total: int | None) -> None:
        pass

    def set(self, completed: int, note: str | None = None) -> None:
        pass


class _Rich:
    def __init__(self, progress: Progress, task: int) -> None:
        self._progress, self._task = progress, task

    def advance(self, n: int = 1, note: str | None = None) -> None:
        self._progress.update(self._task, advance=n, note=note or "")  # type: ignore[arg-type]

    def total(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)  # type: ignore[arg-type]

    def set(self, completed: int, note: str | None = None) -> None:
        self._progress.update(self._task, completed=completed, note=note or "")  # type: ignore[arg-type]


@contextmanager
def progress_bar(
    description: str, total: int | None, *, quiet: bool = False, unit: str = "items"
) -> Iterator[Bar]:
    """A bar with count, rate and ETA on stderr when it is a terminal and ``quiet`` is off."""
    if quiet or not err_console.is_terminal:
        yield _Silent()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _Rate(unit),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task(description, total=total, note="")
        yield _Rich(progress, task)
