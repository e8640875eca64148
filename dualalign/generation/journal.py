"""A run folder that survives crashes (even kill -9): rows are appended and fsynced, and a
task counts as done only once its id is fsynced to ``tasks.done``. On resume, rows of tasks
that never reached ``tasks.done`` (and any torn last line) are dropped, so nothing is lost or
duplicated.

Folder layout: ``manifest.json`` (atomic), ``sentences.jsonl``, ``notes.jsonl``,
``failures.jsonl``, ``usage.jsonl`` (what each task cost), ``tasks.done``.

A finished task whose work failed can be taken back with :meth:`Journal.forget`, so a rerun
does it again.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dualalign.errors import ConfigError
from dualalign.files import atomic_open, atomic_write_bytes

__all__ = ["TABLES", "Journal"]

TABLES = ("sentences", "notes", "failures", "usage")


def _line(row: BaseModel | dict[str, Any]) -> str:
    if isinstance(row, BaseModel):
        return row.model_dump_json()
    return json.dumps(row, ensure_ascii=False)


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())


class Journal:
    """Append-and-fsync writer for one run folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self.done: set[str] = set()

    def path(self, name: str) -> Path:
        """A file of the run."""
        return self.folder / (f"{name}.jsonl" if name in TABLES else name)

    def open(self, identity: dict[str, Any], manifest: dict[str, Any]) -> int:
        """Start or resume. Returns how many tasks are already done.

        Raises:
            ConfigError: the folder holds a different run.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest_path = self.path("manifest.json")
        if manifest_path.is_file():
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
            if old.get("identity") != identity:
                raise ConfigError(
                    f"{self.folder} holds a run with other settings; use another "
                    "--out, or --overwrite to start again"
                )
            self._recover()
        else:
            for name in (*TABLES, "tasks.done"):
                self.path(name).unlink(missing_ok=True)
        self.write_manifest({**manifest, "identity": identity})
        return len(self.done)

    def _recover(self) -> None:
        done_path = self.path("tasks.done")
        text = done_path.read_text(encoding="utf-8") if done_path.is_file() else ""
        complete = text.split("\n")[:-1] if not text.endswith("\n") else text.split("\n")
        self.done = {t for t in complete if t}
        self._keep(lambda task_id: task_id in self.done)

    def forget(self, task_ids: Iterable[str]) -> None:
        """Take finished tasks back: their rows go and they count as not done (atomically per
        file, ``tasks.done`` first, so a crash midway leaves rows that the next open drops)."""
        gone = set(task_ids)
        if not gone:
            return
        with self._lock:
            self.done -= gone
            self._keep(lambda task_id: task_id in self.done)

    def _keep(self, wanted: Callable[[Any], bool]) -> None:
        """Rewrite ``tasks.done`` and every table with only the rows of wanted tasks."""
        atomic_write_bytes(
            self.path("tasks.done"), "".join(f"{t}\n" for t in sorted(self.done)).encode()
        )
        for name in TABLES:
            path = self.path(name)
            if not path.is_file():
                continue
            kept = []
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.endswith("\n"):
                        continue  # torn write
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if wanted(row.get("task_id")):
                        kept.append(line)
            with atomic_open(path) as out:
                out.writelines(kept)

    def commit(
        self, task_id: str, rows: Mapping[str, Sequence[BaseModel | dict[str, Any]]]
    ) -> None:
        """Append a finished task's rows, then mark it done (both fsynced)."""
        with self._lock:
            for name, items in rows.items():
                if name not in TABLES:
                    raise ValueError(f"unknown journal table {name!r}")
                if items:
                    _append(self.path(name), [_line(r) for r in items])
            _append(self.path("tasks.done"), [task_id])
            self.done.add(task_id)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        atomic_write_bytes(
            self.path("manifest.json"), json.dumps(manifest, indent=2, sort_keys=True).encode()
        )

    def rows(self, name: str) -> list[dict[str, Any]]:
        """Every row of a table."""
        path = self.path(name)
        if not path.is_file():
            return []
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
