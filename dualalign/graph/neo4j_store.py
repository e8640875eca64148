"""The Neo4j store: the official driver over Bolt, batched UNWIND/MERGE loads in retried
transactions, and the named queries run as they are written in ``cypher/``."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from dualalign.errors import GraphEmptyError, StoreError, StoreUnavailableError
from dualalign.graph import queries as q
from dualalign.graph.data import GraphData, Node, Rel
from dualalign.graph.named_queries import NamedQuery
from dualalign.graph.store import GraphStats, LoadReport, Progress
from dualalign.graph.validate import check_graph

__all__ = ["Neo4jGraphStore", "Neo4jSettings"]

BATCH = 5000


class Neo4jSettings:
    """Connection settings: explicit values win over NEO4J_* environment variables."""

    def __init__(
        self,
        uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> None:
        self.uri = uri or os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
        self.username = username or os.environ.get("NEO4J_USERNAME", "neo4j")
        self.password = password or os.environ.get("NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("NEO4J_DATABASE", "neo4j")


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


class Neo4jGraphStore:
    """A :class:`GraphStore` backed by a Neo4j 5 server. APOC is never used; GDS is detected.

    Args:
        driver: A connected driver (injected; see :meth:`from_settings`).
        database: The database to use.
        uri: For error messages only.
    """

    kind: ClassVar[str] = "neo4j"
    supports_cypher: ClassVar[bool] = True

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j", uri: str = "") -> None:
        self._driver = driver
        self.database = database
        self.uri = uri
        self.has_gds = bool(self._read(q.HAS_GDS)[0]["ok"])

    @classmethod
    def from_settings(cls, settings: Neo4jSettings | None = None) -> Neo4jGraphStore:
        """Connect and verify; translate connection problems into one clear error."""
        s = settings or Neo4jSettings()
        try:
            driver = GraphDatabase.driver(
                s.uri,
                auth=(s.username, s.password),
                connection_timeout=10,
                max_transaction_retry_time=30,
                notifications_disabled_classifications=["UNRECOGNIZED"],
            )
        except ValueError as exc:  # the driver's ConfigurationError is a ValueError
            raise StoreUnavailableError(
                f"NEO4J_URI {s.uri!r} is not a Neo4j URI ({exc}); use e.g. bolt://127.0.0.1:7687"
            ) from exc
        try:
            driver.verify_connectivity()
            return cls(driver, s.database, s.uri)
        except AuthError as exc:
            driver.close()
            raise StoreUnavailableError(
                f"Neo4j at {s.uri} rejected the credentials for user '{s.username}'; check "
                "NEO4J_USERNAME and NEO4J_PASSWORD (or --neo4j-user/--neo4j-password)"
            ) from exc
        except (ServiceUnavailable, OSError) as exc:
            driver.close()
            raise StoreUnavailableError(
                f"cannot reach Neo4j at {s.uri}; start one with `docker compose up -d` "
                "or set NEO4J_URI"
            ) from exc
        except Neo4jError as exc:
            driver.close()
            raise StoreUnavailableError(f"Neo4j at {s.uri}: {exc.message}") from exc

    @property
    def driver(self) -> neo4j.Driver:
        """The driver this store uses (for callers that need raw Cypher, e.g. benchmarks)."""
        return self._driver

    def __repr__(self) -> str:
        return f"Neo4jGraphStore({self.uri!r}, database={self.database!r})"

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except ServiceUnavailable as exc:
            raise StoreUnavailableError(
                f"lost Neo4j at {self.uri} while {what}; check the server (`docker compose ps`)"
            ) from exc
        except Neo4jError as exc:
            raise StoreError(f"Neo4j failed while {what}: {exc.message}") from exc

    def _read(self, cypher: str, *, write: bool = False, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = self._driver.execute_query(
            cypher,
            params,
            database_=self.database,
            routing_=RoutingControl.WRITE if write else RoutingControl.READ,
        )
        return [r.data() for r in records]

    def _write(
        self,
        cypher: str,
        rows: list[dict[str, Any]],
        on_progress: Progress | None = None,
        **params: Any,
    ) -> None:
        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> None:
            tx.run(cypher, rows=batch, **params).consume()

        with self._driver.session(database=self.database) as session:
            for batch in _batches(rows):
                session.execute_write(work, batch)  # retried on transient errors
                if on_progress is not None:
                    on_progress(len(batch))

    def _disease(self) -> str:
        found = [r["id"] for r in self._read(q.DISEASES)]
        if not found:
            raise GraphEmptyError(
                f"the Neo4j database '{self.database}' at {self.uri} holds no "
                "graph; run `dualalign graph load --store neo4j` first"
            )
        return str(found[0])

    def upsert(
        self,
        nodes: Sequence[Node],
        rels: Sequence[Rel],
        disease: str,
        tag: str,
        on_progress: Progress | None = None,
    ) -> None:
        """Batched UNWIND ... MERGE of nodes, then relationships, grouped by label and type;
        ``on_progress`` hears the size of each batch written."""
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in nodes:
            by_label[n.label].append({"id": n.id, "props": n.props})
        for label in sorted(by_label):
            self._write(
                q.merge_nodes(label), by_label[label], on_progress, disease=disease, tag=tag
            )
        by_kind: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in rels:
            by_kind[(r.type, r.src_label, r.dst_label)].append(
                {"src": r.src, "dst": r.dst, "key": r.key, "props": r.props}
            )
        for kind in sorted(by_kind):
            self._write(q.merge_rels(*kind), by_kind[kind], on_progress, disease=disease, tag=tag)

    def load(
        self, graph: GraphData, *, replace: bool = False, on_progress: Progress | None = None
    ) -> LoadReport:
        """MERGE every node and relationship, then delete what the new graph no longer has.

        ``on_progress`` hears the size of each batch written.
        """
        start = time.perf_counter()
        check_graph(graph, f"graph '{graph.disease}'")
        with self._errors("loading the graph"):
            for statement in q.CONSTRAINTS:
                self._driver.execute_query(statement, database_=self.database)
            present = [r["id"] for r in self._read(q.DISEASES)]
            if any(d != graph.disease for d in present):
                if not replace:
                    raise StoreError(
                        f"the Neo4j database holds '{present[0]}', not "
                        f"'{graph.disease}'; pass --replace to overwrite it"
                    )
                with self._driver.session(database=self.database) as session:
                    session.run(q.DELETE_OTHER_DISEASES, disease=graph.disease).consume()
            tag = graph.checksum
            self.upsert(graph.nodes, graph.rels, graph.disease, tag, on_progress)
            removed = self._read(q.DELETE_STALE_RELS, write=True, disease=graph.disease, tag=tag)[
                0
            ]["removed"]
            removed += self._read(q.DELETE_STALE_NODES, write=True, disease=graph.disease, tag=tag)[
                0
            ]["removed"]
        stored = self.export()
        return LoadReport(
            graph.disease,
            len(stored.nodes),
            len(stored.rels),
            int(removed),
            stored.checksum,
            time.perf_counter() - start,
        )

    def add(self, nodes: Sequence[Node], rels: Sequence[Rel]) -> None:
        """MERGE extra nodes and relationships (tagged so a disease reload keeps them)."""
        with self._errors("adding to the graph"):
            self.upsert(nodes, rels, self._disease(), "added")

    def export(self) -> GraphData:
        """Read back every node and relationship of the stored disease."""
        with self._errors("exporting the graph"):
            disease = self._disease()
            drop = set(q.INTERNAL_PROPS)
            nodes = [
                Node(
                    label=r["label"],
                    id=r["id"],
                    props={k: v for k, v in r["props"].items() if k not in drop},
                )
                for r in self._read(q.EXPORT_NODES, disease=disease)
            ]
            rels = [
                Rel(
                    type=r["type"],
                    src_label=r["src_label"],
                    src=r["src"],
                    dst_label=r["dst_label"],
                    dst=r["dst"],
                    key=r["key"],
                    props={k: v for k, v in r["props"].items() if k not in drop},
                )
                for r in self._read(q.EXPORT_RELS, disease=disease)
            ]
        return GraphData.build(disease, nodes, rels)

    def stats(self) -> GraphStats:
        """Counts and checksum of the export."""
        data = self.export()
        return GraphStats(data.disease, data.checksum, data.counts())

    def query(self, query: NamedQuery, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run the query file's Cypher text with the parameters passed as parameters."""
        with self._errors(f"running query '{query.name}'"):
            self._disease()
            return self._read(query.cypher, **dict(params))

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()
