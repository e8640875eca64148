"""Writing files so that a crash never leaves a half-written one: temp file, fsync, rename.

Folders get the same treatment with :func:`staged_folder`: built in a temporary sibling, moved
into place only once complete."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from dualalign.errors import ConfigError

__all__ = ["atomic_open", "atomic_write_bytes", "read_jsonl", "staged_folder", "write_jsonl"]

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


def _check_target(path: Path, overwrite: bool) -> None:
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{path} is a file, not a folder; give a new folder path")
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} exists; give a new folder, or --overwrite to replace it")


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` (writers such as pyarrow do not)."""
    for folder, _, files in os.walk(root):
        for name in files:
            fd = os.open(Path(folder) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _missing_ancestors(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet, deepest first."""
    out = []
    for parent in path.absolute().parents:
        if parent.exists():
            break
        out.append(parent)
    return out


def _install(staging: Path, path: Path) -> None:
    """Move the finished ``staging`` folder to ``path``, replacing an old folder there only now.

    A folder cannot be swapped in one rename, so the old one is first renamed aside (and put
    back if the second rename fails): only between the two renames is ``path`` absent.
    """
    if not path.exists():
        os.rename(staging, path)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    old = aside / path.name
    try:
        os.rename(path, old)
    except BaseException:
        aside.rmdir()
        raise
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(old, path)
        aside.rmdir()
        raise
    shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def staged_folder(path: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty temporary sibling of ``path`` to fill; on success it becomes ``path``.

    On an error (or an interrupt) the temporary folder, and any parent folder made for it, is
    removed, so ``path`` is as it was: absent, or the old folder. With ``overwrite`` an existing
    folder at ``path`` is replaced only once the new one is complete and flushed to disk.

    Raises:
        ConfigError: ``path`` is a file, or an existing folder and ``overwrite`` is false.
    """
    _check_target(path, overwrite)
    made = _missing_ancestors(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; give the usual permissions
        yield staging
        _check_target(path, overwrite)  # made by someone else meanwhile?
        _fsync_tree(staging)
        _install(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in made:
            with suppress(OSError):
                folder.rmdir()  # only if still empty
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
