"""The named exploration queries in ``cypher/``: discovery, header parsing, parameter checks.

Each ``cypher/<name>.cypher`` starts with a comment header that Neo4j Browser ignores::

    // Purpose: what the query answers
    // :param symptom => "recent_memory_loss"   (required)
    // :param limit => 10   (range 1..1000)

An integer parameter may document its inclusive range; values outside it are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualalign.errors import ConfigError
from dualalign.settings import bundled_path

__all__ = ["NamedQuery", "coerce_params", "load_named_queries"]

_PARAM_RE = re.compile(
    r"^//\s*:param\s+(\w+)\s*=>\s*(.+?)((?:\s*\((?:required|range\s+-?\d+\.\.-?\d+)\))*)\s*$"
)
_RANGE_RE = re.compile(r"\(range\s+(-?\d+)\.\.(-?\d+)\)")
_PURPOSE_RE = re.compile(r"^//\s*Purpose:\s*(.+)$")


@dataclass(frozen=True)
class NamedQuery:
    """One exploration query: its Cypher text and declared parameters.

    ``ranges`` holds the documented inclusive range of integer parameters that have one.
    """

    name: str
    purpose: str
    cypher: str
    defaults: dict[str, Any]
    required: tuple[str, ...]
    path: Path
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def describe(self, param: str) -> str:
        """``name``, ``name*`` (required) or ``name (lo..hi)``, for listings."""
        text = param + ("*" if param in self.required else "")
        if param in self.ranges:
            lo, hi = self.ranges[param]
            text += f" ({lo}..{hi})"
        return text


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    purpose = ""
    defaults: dict[str, Any] = {}
    required: list[str] = []
    ranges: dict[str, tuple[int, int]] = {}
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        if match := _PURPOSE_RE.match(line):
            purpose = match.group(1).strip()
        elif match := _PARAM_RE.match(line):
            name, raw, notes = match.groups()
            defaults[name] = json.loads(raw)
            if "(required)" in notes:
                required.append(name)
            if bounds := _RANGE_RE.search(notes):
                ranges[name] = (int(bounds.group(1)), int(bounds.group(2)))
    return NamedQuery(path.stem, purpose, text, defaults, tuple(required), path, ranges)


def load_named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.cypher`` query with a header (``schema.cypher`` is documentation only)."""
    root = folder or bundled_path("cypher")
    found = {}
    for path in sorted(root.glob("*.cypher")):
        if path.stem != "schema":
            query = _parse(path)
            found[query.name] = query
    return found


def _coerce(name: str, raw: object, default: object) -> object:
    if not isinstance(raw, str):
        return raw
    try:
        if isinstance(default, bool):
            return {"true": True, "false": False}[raw.lower()]
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, list):
            return (
                json.loads(raw)
                if raw.startswith("[")
                else [v.strip() for v in raw.split(",") if v.strip()]
            )
    except (ValueError, KeyError) as exc:
        kind = type(default).__name__
        raise ConfigError(
            f"parameter '{name}': cannot read {raw!r} as {kind}; "
            f"give a {kind} like {json.dumps(default)}"
        ) from exc
    if raw.lower() == "null":
        return None
    return raw


def _example(value: object) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return value if isinstance(value, str) else json.dumps(value)


def coerce_params(query: NamedQuery, given: Mapping[str, object]) -> dict[str, Any]:
    """Check names, fill defaults and convert text values to the declared types.

    Raises:
        ConfigError: an unknown or missing parameter, a value of the wrong type, or one outside
            the parameter's documented range.
    """
    unknown = sorted(set(given) - set(query.defaults))
    if unknown:
        raise ConfigError(
            f"query '{query.name}' has no parameter {', '.join(unknown)}; "
            f"its parameters are {', '.join(query.defaults) or '(none)'}"
        )
    missing = [p for p in query.required if p not in given]
    if missing:
        example = " ".join(f"--param {p}={_example(query.defaults[p])}" for p in missing)
        raise ConfigError(f"query '{query.name}' needs {', '.join(missing)}; e.g. {example}")
    params = {
        name: _coerce(name, given[name], default) if name in given else default
        for name, default in query.defaults.items()
    }
    for name, value in params.items():
        _check_range(query, name, value)
    return params


def _check_range(query: NamedQuery, name: str, value: object) -> None:
    if name not in query.ranges:
        return
    lo, hi = query.ranges[name]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(
            f"query '{query.name}': parameter '{name}' is {value!r}, outside {lo}..{hi}; "
            f"give a whole number in that range, e.g. --param {name}={query.defaults[name]}"
        )
