"""The GraphStore contract, run against every implementation (memory and a real Neo4j)."""

from __future__ import annotations

import pytest

from dualalign.errors import GraphEmptyError, StoreError
from dualalign.graph import GraphData, GraphStore, Node, Rel, load_named_queries
from dualalign.graph.named_queries import coerce_params


def _personas() -> tuple[list[Node], list[Rel]]:
    nodes = [
        Node(label="Persona", id=f"p{i}", props={"age_band": "75_84", "sex": "female"})
        for i in range(3)
    ]
    rels = [
        Rel(
            type="HAS_RISK_FACTOR",
            src_label="Persona",
            src="p0",
            dst_label="RiskFactor",
            dst="depression",
        ),
        Rel(
            type="IN_POPULATION", src_label="Persona", src="p0", dst_label="Population", dst="us-ad"
        ),
    ]
    return nodes, rels


def _edited(graph: GraphData) -> GraphData:
    """The same graph with one probability changed and one relationship removed."""
    first = next(r for r in graph.rels if r.type == "PROGRESSES_TO")
    changed = first.model_copy(update={"props": {**first.props, "probability": 0.123}})
    dropped = next(r for r in graph.rels if r.type == "CITES")
    rels = [
        changed if r.identity == first.identity else r
        for r in graph.rels
        if r.identity != dropped.identity
    ]
    return GraphData.build(graph.disease, graph.nodes, rels)


def test_satisfies_protocol(store):
    assert isinstance(store, GraphStore)


def test_empty_store_says_load_first(store):
    with pytest.raises(GraphEmptyError, match="dualalign graph load"):
        store.export()
    query = load_named_queries()["note_type_mix"]
    with pytest.raises(GraphEmptyError, match="dualalign graph load"):
        store.query(query, coerce_params(query, {}))


def test_load_round_trips_exactly(store, alz_graph):
    report = store.load(alz_graph)
    exported = store.export()
    assert exported == alz_graph
    assert report.checksum == alz_graph.checksum
    assert store.stats().counts == alz_graph.counts()


def test_load_reports_progress(store, alz_graph):
    seen: list[int] = []
    store.load(alz_graph, on_progress=seen.append)
    assert seen and sum(seen) == len(alz_graph.nodes) + len(alz_graph.rels)


def test_loading_twice_changes_nothing(store, alz_graph):
    first = store.load(alz_graph)
    second = store.load(alz_graph)
    assert (second.nodes, second.rels, second.checksum) == (first.nodes, first.rels, first.checksum)
    assert second.removed == 0
    assert store.stats().checksum == alz_graph.checksum


def test_reload_applies_edits_and_removes_stale(store, alz_graph):
    store.load(alz_graph)
    edited = _edited(alz_graph)
    store.load(edited)
    assert store.export() == edited
    assert store.export().checksum != alz_graph.checksum


def test_personas_survive_a_disease_reload(store, alz_graph):
    store.load(alz_graph)
    nodes, rels = _personas()
    store.add(nodes, rels)
    store.load(alz_graph)
    exported = store.export()
    assert {n.id for n in exported.nodes if n.label == "Persona"} == {"p0", "p1", "p2"}
    assert sum(r.type == "HAS_RISK_FACTOR" for r in exported.rels) == 1
    rows = store.query(load_named_queries()["risk_factor_effects"], {"risk_factor": "depression"})
    assert rows and all(r["carriers"] == 1 and r["personas"] == 3 for r in rows)


def test_other_disease_needs_replace(store, alz_graph):
    store.load(alz_graph)
    other = GraphData.build("other", [Node(label="Disease", id="other", props={"label": "x"})], [])
    with pytest.raises(StoreError, match="--replace"):
        store.load(other)
    store.load(other, replace=True)
    assert store.export() == other
