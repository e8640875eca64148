"""Graph fixtures: the Alzheimer's graph, and both stores (Neo4j only where a server is set)."""

from __future__ import annotations

import os

import pytest
from neo4j import GraphDatabase

from dualalign.graph import GraphData, MemoryGraphStore
from dualalign.graph.neo4j_store import Neo4jGraphStore, Neo4jSettings
from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import disease_graph
from tests.paths import ALZ


@pytest.fixture(scope="session")
def alz_model():
    return load_disease(ALZ)


@pytest.fixture(scope="session")
def alz_graph(alz_model) -> GraphData:
    return disease_graph(alz_model)


@pytest.fixture(scope="session")
def neo4j_settings() -> Neo4jSettings:
    """Settings of the test server. Missing: skip locally, fail under CI."""
    if not os.environ.get("NEO4J_URI"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but NEO4J_URI is not set: .ci/run must start Neo4j")
        pytest.skip("no Neo4j server configured: set NEO4J_URI (README, Tests)")
    return Neo4jSettings()


def wipe(settings: Neo4jSettings) -> None:
    """Empty the test database (tests only ever talk to the server .ci/run started)."""
    with GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=settings.database)


@pytest.fixture
def neo4j_store(neo4j_settings):
    wipe(neo4j_settings)
    store = Neo4jGraphStore.from_settings(neo4j_settings)
    yield store
    store.close()


@pytest.fixture
def memory_store(tmp_path):
    return MemoryGraphStore(tmp_path / "graph.json")


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """Each contract test runs once per store implementation."""
    return request.getfixturevalue(f"{request.param}_store")
