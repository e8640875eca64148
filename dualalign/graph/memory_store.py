"""The embedded default store: a networkx graph in process, persisted to one JSON file."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from dualalign.errors import ConfigError, GraphEmptyError, StoreError
from dualalign.graph.data import GraphData, Node, Rel
from dualalign.graph.memory_queries import MEMORY_QUERIES
from dualalign.graph.named_queries import NamedQuery
from dualalign.graph.portable import read_graph_file, write_graph_file
from dualalign.graph.store import PRESERVED_LABELS, GraphStats, LoadReport, Progress
from dualalign.graph.validate import check_graph

__all__ = ["MemoryGraphStore"]


class MemoryGraphStore:
    """A :class:`GraphStore` needing no server. Every write replaces the file atomically.

    Args:
        path: The JSON file the graph lives in (created on first load).
    """

    kind: ClassVar[str] = "memory"
    supports_cypher: ClassVar[bool] = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: GraphData | None = read_graph_file(path) if path.is_file() else None
        self._nx: nx.MultiDiGraph | None = None

    def __repr__(self) -> str:
        return f"MemoryGraphStore({str(self.path)!r})"

    def _require(self) -> GraphData:
        if self._data is None:
            raise GraphEmptyError(
                f"the graph store at {self.path} is empty; run "
                "`dualalign graph load --disease alzheimers` first"
            )
        return self._data

    def _save(self, data: GraphData) -> None:
        write_graph_file(data, self.path)
        self._data, self._nx = data, None

    def load(
        self, graph: GraphData, *, replace: bool = False, on_progress: Progress | None = None
    ) -> LoadReport:
        """Hold exactly ``graph`` plus the personas already stored for the same disease.

        One atomic file write: ``on_progress`` hears of every item at once, when it is done.
        """
        start = time.perf_counter()
        check_graph(graph, f"graph '{graph.disease}'")
        kept_nodes: list[Node] = []
        kept_rels: list[Rel] = []
        removed = 0
        if self._data is not None:
            if self._data.disease != graph.disease and not replace:
                raise StoreError(
                    f"the store holds '{self._data.disease}', not "
                    f"'{graph.disease}'; pass --replace to overwrite it"
                )
            if self._data.disease == graph.disease:
                kept_nodes = [n for n in self._data.nodes if n.label in PRESERVED_LABELS]
                kept_rels = [r for r in self._data.rels if r.src_label in PRESERVED_LABELS]
            old = {(n.label, n.id) for n in self._data.nodes}
            removed = len(old - {(n.label, n.id) for n in [*graph.nodes, *kept_nodes]})
        merged = GraphData.build(
            graph.disease, [*graph.nodes, *kept_nodes], [*graph.rels, *kept_rels]
        )
        self._save(merged)
        if on_progress is not None:
            on_progress(len(graph.nodes) + len(graph.rels))
        return LoadReport(
            graph.disease,
            len(merged.nodes),
            len(merged.rels),
            removed,
            merged.checksum,
            time.perf_counter() - start,
        )

    def add(self, nodes: Sequence[Node], rels: Sequence[Rel]) -> None:
        """Merge nodes and relationships; an existing one with the same identity is replaced."""
        data = self._require()
        node_map = {(n.label, n.id): n for n in data.nodes}
        node_map.update({(n.label, n.id): n for n in nodes})
        rel_map = {r.identity: r for r in data.rels}
        rel_map.update({r.identity: r for r in rels})
        for r in rels:
            for end in ((r.src_label, r.src), (r.dst_label, r.dst)):
                if end not in node_map:
                    raise StoreError(f"relationship {r.type} points to missing node {end}")
        self._save(GraphData.build(data.disease, node_map.values(), rel_map.values()))

    def export(self) -> GraphData:
        """Everything stored, canonical."""
        return self._require()

    def stats(self) -> GraphStats:
        """Counts and checksum."""
        data = self._require()
        return GraphStats(data.disease, data.checksum, data.counts())

    def graph(self) -> nx.MultiDiGraph:
        """The graph as networkx: nodes keyed (label, id), edges keyed (type, key)."""
        if self._nx is None:
            data = self._require()
            g = nx.MultiDiGraph()
            for n in data.nodes:
                g.add_node((n.label, n.id), id=n.id, **n.props)
            for r in data.rels:
                g.add_edge(
                    (r.src_label, r.src), (r.dst_label, r.dst), key=(r.type, r.key), **r.props
                )
            self._nx = g
        return self._nx

    def query(self, query: NamedQuery, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named query with its Python twin."""
        impl = MEMORY_QUERIES.get(query.name)
        if impl is None:
            raise ConfigError(
                f"query '{query.name}' has no embedded implementation; run it with --store neo4j"
            )
        return impl(self.graph(), dict(params))

    def close(self) -> None:
        """Nothing to release."""
