"""Reporters: a graph edge like every other prior, queryable, and the walks follow it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pytest
from scipy import stats

from dualalign.graph.memory_store import MemoryGraphStore
from dualalign.types import Trajectory
from dualalign.walk import TrajectorySnapshot, simulate
from tests.walk.test_engine import ALPHA, _plain, _pooled_chi2


def walked(trajectories: Iterable[Trajectory]) -> list[dict[str, Any]]:
    """The walks as the JSON records `dualalign walk` writes."""
    return [t.model_dump(mode="json") for t in trajectories]


@pytest.fixture(scope="module")
def snap(alz_graph):
    return TrajectorySnapshot.from_graph(alz_graph)


def _shares(graph) -> dict[tuple[str, str], dict[str, float]]:
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for r in graph.rels:
        if r.type == "REPORTED_BY":
            out[(r.src, str(r.props["note_type"]))][r.dst] = float(r.props["probability"])
    return out


def test_every_stage_and_note_type_has_reporter_shares(alz_graph, snap):
    shares = _shares(alz_graph)
    living = [s for s, dead in zip(snap.stages, snap.terminal, strict=True) if not dead]
    assert {k for k in shares} == {(s, n) for s in living for n in snap.note_types}
    for key, row in shares.items():
        assert sum(row.values()) == pytest.approx(1.0), key
    # the family share rises with stage (the knowledge base's claim, checked on its numbers)
    family = [shares[(s, "primary_care")]["family"] for s in living]
    assert family == sorted(family) and family[-1] > family[0]


def test_walked_reporters_follow_the_table(alz_graph, snap):
    """Chi-square: reporter counts per (stage, note type) against REPORTED_BY."""
    records = walked(simulate(snap, _plain(600), seed=5))
    observed: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for rec in records:
        for visit in rec["visits"]:
            for m in visit["mentions"]:
                observed[(visit["stage"], visit["note_type"])][m["reporter"]] += 1
    assert sum(sum(c.values()) for c in observed.values()) > 10_000
    expected = _shares(alz_graph)
    chi2, dof = _pooled_chi2(dict(observed), expected)
    assert dof >= 20
    assert stats.chi2.sf(chi2, dof) > ALPHA, (chi2, dof)


def test_a_changed_table_changes_the_walks(alz_copy):
    """The reporter mix comes from the knowledge base, not from code."""
    from dualalign.ontology import load_disease
    from dualalign.ontology.to_graph import disease_graph
    from tests.ontology.breakers import read_rows, write_rows

    header, rows = read_rows(alz_copy / "reporter_rates.csv")
    for row in rows:
        row["probability"] = "1" if row["reporter"] == "clinician" else "0"
    write_rows(alz_copy / "reporter_rates.csv", header, rows)
    snap = TrajectorySnapshot.from_graph(disease_graph(load_disease(alz_copy)))
    seen = Counter(
        m["reporter"]
        for rec in walked(simulate(snap, _plain(30), seed=1))
        for v in rec["visits"]
        for m in v["mentions"]
    )
    assert set(seen) == {"clinician"}


def test_reporter_mix_query_answers_from_the_graph(alz_graph, tmp_path):
    from dualalign.graph.named_queries import coerce_params, load_named_queries

    store = MemoryGraphStore(tmp_path / "graph.json")
    store.load(alz_graph)
    query = load_named_queries()["reporter_mix"]
    rows = store.query(query, coerce_params(query, {"note_type": "social_work"}))
    expected = _shares(alz_graph)
    assert len(rows) == sum(len(v) for (s, n), v in expected.items() if n == "social_work")
    for row in rows:
        assert row["probability"] == expected[(row["stage"], "social_work")][row["reporter"]]
        assert row["report_label"] == ("concern_by_others" if row["reporter"] == "family" else None)
    assert [r["stage_order"] for r in rows] == sorted(r["stage_order"] for r in rows)
