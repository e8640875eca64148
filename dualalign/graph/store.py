"""The GraphStore protocol every backend satisfies, and the small value types it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from dualalign.graph import schema
from dualalign.graph.data import GraphData, Node, Rel
from dualalign.graph.named_queries import NamedQuery

__all__ = ["PRESERVED_LABELS", "GraphStats", "GraphStore", "LoadReport", "Progress"]

#: Told how many more nodes and relationships were written (e.g. to advance a progress bar).
Progress = Callable[[int], None]

#: Labels a disease (re)load leaves alone: they are written by later steps, not by the KB.
PRESERVED_LABELS: tuple[str, ...] = (schema.Node.PERSONA,)


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    disease: str
    nodes: int
    rels: int
    removed: int
    checksum: str
    seconds: float


@dataclass(frozen=True)
class GraphStats:
    """What a store holds."""

    disease: str
    checksum: str
    counts: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class GraphStore(Protocol):
    """A place a disease graph lives: load it, add to it, export it, query it."""

    kind: ClassVar[str]
    supports_cypher: ClassVar[bool]

    def load(
        self, graph: GraphData, *, replace: bool = False, on_progress: Progress | None = None
    ) -> LoadReport:
        """Make the store hold ``graph`` (idempotent); personas already there are kept.

        ``on_progress`` is told how many nodes and relationships were written as it goes
        (in all, ``len(graph.nodes) + len(graph.rels)``).
        """
        ...

    def add(self, nodes: Sequence[Node], rels: Sequence[Rel]) -> None:
        """Merge extra nodes and relationships (e.g. personas) into the loaded graph."""
        ...

    def export(self) -> GraphData:
        """Return everything the store holds, in canonical order."""
        ...

    def stats(self) -> GraphStats:
        """Counts per label and relationship type, and the checksum of the export."""
        ...

    def query(self, query: NamedQuery, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run a named exploration query with already-validated parameters."""
        ...

    def close(self) -> None:
        """Release connections or files."""
        ...
