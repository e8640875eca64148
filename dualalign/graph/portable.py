"""Read and write graphs as portable JSON files, atomically (temp file + fsync + rename).

Reading checks the whole file (format, version, every node and relationship) before anyone
can store it: a broken file is refused in one line, and nothing is replaced.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dualalign.errors import ConfigError
from dualalign.files import atomic_write_bytes
from dualalign.graph.data import GraphData
from dualalign.graph.schema import GRAPH_FORMAT
from dualalign.graph.validate import FIX, check_graph, check_header

__all__ = ["read_graph_file", "write_graph_file"]

_GZIP_MAGIC = b"\x1f\x8b"


def write_graph_file(graph: GraphData, path: Path) -> None:
    """Write a graph as JSON (gzip-compressed when the name ends in ``.gz``)."""
    payload = graph.model_dump_json().encode()
    if path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    atomic_write_bytes(path, payload)


def _not_a_graph(path: Path, why: str) -> ConfigError:
    return ConfigError(
        f"{path}: not a dualalign graph file ({why}); "
        "use a file written by `dualalign graph export`"
    )


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise ConfigError(
            f"{path} is a folder, not a graph file; give a file written by `dualalign graph export`"
        )
    if not path.is_file():
        raise ConfigError(f"{path}: no such graph file; export one with `dualalign graph export`")
    raw = path.read_bytes()
    if not raw.strip():
        raise _not_a_graph(path, "the file is empty")
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise _not_a_graph(path, f"broken gzip data: {exc}") from exc


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8
        raise _not_a_graph(path, f"bad JSON: {str(exc).splitlines()[0]}") from exc
    if not isinstance(obj, dict):
        raise _not_a_graph(path, f"a JSON {type(obj).__name__}, not an object")
    return obj


def _model(path: Path, obj: dict[str, Any]) -> GraphData:
    try:
        return GraphData.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "graph"
        raise _not_a_graph(path, f"{where}: {first['msg']}") from exc


def read_graph_file(path: Path) -> GraphData:
    """Read and check a graph written by :func:`write_graph_file` (or ``dualalign graph export``).

    Raises:
        ConfigError: the file is missing, is not a dualalign graph, has an unsupported version
            or breaks the graph model (e.g. a relationship to a missing node).
    """
    obj = _parse(path, _read_bytes(path))
    if obj.get("format") != GRAPH_FORMAT:
        raise _not_a_graph(path, f"format {obj.get('format')!r} is not {GRAPH_FORMAT!r}")
    header = check_header(obj["format"], obj.get("version"))
    if header:
        raise ConfigError(f"{path}: {header}; {FIX}")
    graph = _model(path, obj)
    check_graph(graph, str(path))
    return graph
