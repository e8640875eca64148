"""Open a graph store by name: ``memory`` (embedded default) or ``neo4j``."""

from __future__ import annotations

import os
from pathlib import Path

from dualalign.errors import ConfigError
from dualalign.graph.memory_store import MemoryGraphStore
from dualalign.graph.store import GraphStore
from dualalign.settings import data_home

__all__ = ["STORE_KINDS", "default_graph_file", "open_store"]

STORE_KINDS = ("memory", "neo4j")


def default_graph_file() -> Path:
    """Where the embedded store keeps its graph: ``$DUALALIGN_HOME/graph/graph.json``."""
    return data_home() / "graph" / "graph.json"


def open_store(
    kind: str | None = None,
    *,
    graph_file: Path | None = None,
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> GraphStore:
    """Open a store. ``kind`` defaults to ``$DUALALIGN_STORE`` or ``memory``.

    Raises:
        ConfigError: unknown kind.
        StoreUnavailableError: the Neo4j server cannot be reached or refused the login.
    """
    chosen = kind or os.environ.get("DUALALIGN_STORE", "memory")
    if chosen == "memory":
        return MemoryGraphStore(graph_file or default_graph_file())
    if chosen == "neo4j":
        from dualalign.graph.neo4j_store import Neo4jGraphStore, Neo4jSettings

        return Neo4jGraphStore.from_settings(Neo4jSettings(uri, username, password, database))
    raise ConfigError(f"unknown store '{chosen}'; use one of {', '.join(STORE_KINDS)}")
