"""Neo4j failure modes give one clear error that says what to do."""

from __future__ import annotations

import socket

import pytest

from dualalign.errors import StoreUnavailableError
from dualalign.graph.neo4j_store import Neo4jGraphStore, Neo4jSettings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_names_uri_and_compose():
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreUnavailableError) as info:
        Neo4jGraphStore.from_settings(Neo4jSettings(uri, "neo4j", "x"))
    message = str(info.value)
    assert uri in message and "docker compose up -d" in message


@pytest.mark.neo4j
def test_wrong_credentials_say_so(neo4j_settings):
    bad = Neo4jSettings(neo4j_settings.uri, neo4j_settings.username, "wrong-password")
    with pytest.raises(StoreUnavailableError, match="rejected the credentials"):
        Neo4jGraphStore.from_settings(bad)
