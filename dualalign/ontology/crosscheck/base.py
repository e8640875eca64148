"""What every cross-file rule works on, and the checks the rules are built from: a column
refers to a defined entity, a key is unique, a group of probabilities sums to 1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from dualalign.errors import Problem
from dualalign.ontology.entities import Located
from dualalign.ontology.tables import TABLES, Row

__all__ = ["DURATION_TOLERANCE", "TOLERANCE", "CheckerBase"]

#: How far a probability sum may be from 1.
TOLERANCE = 1e-6
#: How far a stage's stated mean duration may be from what its stay probability implies.
DURATION_TOLERANCE = 0.10


class CheckerBase:
    """The folder's entities, identifiers and table rows, the problems found so far, and the
    checks the rules are made of (references, unique keys, sums of 1)."""

    def __init__(
        self, ents: dict[str, list[Located]], ids: dict[str, set[str]], rows: dict[str, list[Row]]
    ) -> None:
        self.ents = ents
        self.rows = rows
        self.problems: list[Problem] = []
        self.ids = ids
        self.terminal = {loc.value.id for loc in ents["Stage"] if loc.value.terminal}

    def add(self, table: str, line: int | None, message: str, fix: str) -> None:
        """A problem at ``line`` of ``table``'s file (None: the whole file)."""
        self.problems.append(Problem(TABLES[table].file, message, fix, line))

    def refs(self, table: str, column: str, cls: str, allow: Iterable[str] = ()) -> None:
        """Every non-empty ``column`` of ``table`` names a defined ``cls`` (or is in ``allow``)."""
        allowed = self.ids.get(cls, set()) | set(allow)
        for row in self.rows[table]:
            value = getattr(row.value, column)
            if value is not None and value not in allowed:
                choices = ", ".join(sorted(self.ids.get(cls, set()))[:12])
                self.add(
                    table,
                    row.line,
                    f"{column} '{value}' is not a defined {cls}",
                    f"use one of: {choices}",
                )

    def unique(self, table: str, key: Callable[[Any], tuple[object, ...]], what: str) -> None:
        """No two rows of ``table`` share a ``key``."""
        seen: dict[tuple[object, ...], int] = {}
        for row in self.rows[table]:
            k = key(row.value)
            if k in seen:
                self.add(
                    table,
                    row.line,
                    f"duplicate {what} {k} (first at line {seen[k]})",
                    "keep one row per key",
                )
            else:
                seen[k] = row.line

    def sums(self, table: str, group: Callable[[Any], object], value: str, what: str) -> None:
        """The ``value`` column of ``table`` sums to 1 within each ``group``."""
        totals: dict[object, float] = defaultdict(float)
        first: dict[object, int] = {}
        for row in self.rows[table]:
            g = group(row.value)
            totals[g] += getattr(row.value, value)
            first.setdefault(g, row.line)
        for g, total in totals.items():
            if abs(total - 1.0) > TOLERANCE:
                self.add(
                    table,
                    first[g],
                    f"{what} {g!r}: {value} values sum to {total:.6g}, not 1",
                    f"adjust the rows of {g!r} so they sum to 1 (within {TOLERANCE:g})",
                )
