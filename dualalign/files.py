"""Writing files so that a crash never leaves a half-written one: temp file, fsync, rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from dualalign.errors import ConfigError

__all__ = ["atomic_open", "atomic_write_bytes", "read_jsonl", "write_jsonl"]

M = TypeVar("M", bound=BaseModel)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary sibling of ``path``; on success it replaces ``path``, else vanishes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` so that ``path`` holds either the old or the new content, never half."""
    with atomic_open(path, "wb") as fh:
        fh.write(payload)


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | BaseModel]) -> int:
    """Write one JSON object per line, atomically; returns the number of lines."""
    count = 0
    with atomic_open(path) as fh:
        for record in records:
            line = (
                record.model_dump_json()
                if isinstance(record, BaseModel)
                else json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            )
            fh.write(line + "\n")
            count += 1
    return count


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    """Read and validate a JSONL file, naming the line of the first bad record.

    Raises:
        ConfigError: missing file, bad JSON or a record that does not fit ``model``.
    """
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    out = []
    with path.open(encoding="utf-8") as fh:
        lines = enumerate(fh, start=1)
        number = 0
        while True:
            try:
                number, line = next(lines)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                raise ConfigError(
                    f"{path}:{number + 1}: not UTF-8 text; "
                    f"expected JSON lines, one {model.__name__} per line"
                ) from exc
            if not line.strip():
                continue
            try:
                out.append(model.model_validate_json(line))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(map(str, first["loc"])) or "record"
                raise ConfigError(
                    f"{path}:{number}: {where}: {first['msg']}; expected a "
                    f"{model.__name__} per line"
                ) from exc
    return out
