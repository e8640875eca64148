"""Read and write graphs as portable JSON files, atomically (temp file + fsync + rename)."""

from __future__ import annotations

import gzip
from pathlib import Path

from pydantic import ValidationError

from dualalign.errors import ConfigError, StoreError
from dualalign.files import atomic_write_bytes
from dualalign.graph.data import GraphData

__all__ = ["read_graph_file", "write_graph_file"]


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
