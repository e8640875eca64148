"""Read and write graphs as portable JSON files, atomically (temp file + fsync + rename)."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from dualalign.errors import ConfigError, StoreError
from dualalign.graph.data import GraphData

__all__ = ["atomic_write_bytes", "read_graph_file", "write_graph_file"]


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` so that ``path`` holds either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_graph_file(graph: GraphData, path: Path) -> None:
    """Write a graph as JSON (gzip-compressed when the name ends in ``.gz``)."""
    payload = graph.model_dump_json().encode()
    if path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    atomic_write_bytes(path, payload)


def read_graph_file(path: Path) -> GraphData:
    """Read a graph written by :func:`write_graph_file` (or ``dualalign graph export``).

    Raises:
        ConfigError: the file is missing or is not a dualalign graph.
    """
    if not path.is_file():
        raise ConfigError(f"{path}: no such graph file; export one with `dualalign graph export`")
    raw = path.read_bytes()
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        graph = GraphData.model_validate_json(raw)
    except (ValidationError, OSError, ValueError, EOFError) as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(
            f"{path}: not a dualalign graph file ({first}); "
            "use a file written by `dualalign graph export`"
        ) from exc
    if graph.format != "dualalign-graph":
        raise StoreError(f"{path}: format '{graph.format}' is not 'dualalign-graph'")
    return graph
