"""The graph built from the knowledge base: distributions are proper, edits flow through."""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest

from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import disease_graph
from tests.conftest import ALZ
from tests.ontology.breakers import read_rows, write_rows


def _sums(graph, rel_type, group) -> dict:
    totals: dict = defaultdict(float)
    for r in graph.rels:
        if r.type == rel_type:
            totals[group(r)] += r.props["probability"]
    return totals


def test_stage_emissions_are_distributions(alz_graph, alz_model):
    totals = _sums(alz_graph, "EMITS", lambda r: r.src)
    living = {s.id for s in alz_model.stages if not s.terminal}
    assert set(totals) == living
    assert all(t == pytest.approx(1.0, abs=1e-9) for t in totals.values())


def test_mention_kernel_rows_sum_to_one(alz_graph, alz_model):
    totals: dict = defaultdict(float)
    for r in alz_graph.rels:
        if r.type == "TRANSITIONS_TO":
            totals[(r.src, r.props["stage"])] += r.props["probability"]
        elif r.type == "RESAMPLES":
            totals[(r.src, r.dst)] += r.props["probability"]
    living = [s for s in alz_model.stages if not s.terminal]
    assert len(totals) == len(alz_model.symptoms) * len(living)
    assert all(t == pytest.approx(1.0, abs=1e-9) for t in totals.values())


def test_evolution_only_into_terms_already_documented(alz_graph, alz_model):
    order = {s.id: s.order for s in alz_model.stages}
    onset = {s.id: order[s.onset_stage] for s in alz_model.symptoms}
    for r in alz_graph.rels:
        if r.type == "TRANSITIONS_TO" and r.props["kind"] == "evolve":
            assert onset[r.dst] <= order[r.props["stage"]]


def test_note_type_shares_and_stage_rows(alz_graph):
    assert all(
        t == pytest.approx(1.0) for t in _sums(alz_graph, "HAS_NOTE_TYPE", lambda r: r.src).values()
    )
    assert all(
        t == pytest.approx(1.0) for t in _sums(alz_graph, "PROGRESSES_TO", lambda r: r.src).values()
    )


def test_editing_a_prior_changes_the_graph(tmp_path, alz_graph):
    folder = tmp_path / "alz"
    shutil.copytree(ALZ, folder)
    header, rows = read_rows(folder / "stage_transitions.csv")
    a = next(i for i, r in enumerate(rows) if r["from_stage"] == r["to_stage"])
    b = next(i for i, r in enumerate(rows) if r["from_stage"] == rows[a]["from_stage"] and i != a)
    moved = 0.01
    rows[a]["probability"] = f"{float(rows[a]['probability']) - moved:.10g}"
    rows[b]["probability"] = f"{float(rows[b]['probability']) + moved:.10g}"
    write_rows(folder / "stage_transitions.csv", header, rows)
    edited = disease_graph(load_disease(folder))
    assert edited.checksum != alz_graph.checksum
    stay = next(
        r
        for r in edited.rels
        if r.type == "PROGRESSES_TO"
        and r.src == rows[a]["from_stage"]
        and r.dst == rows[a]["to_stage"]
    )
    assert stay.props["probability"] == pytest.approx(float(rows[a]["probability"]))


def test_building_is_deterministic(alz_model, alz_graph):
    assert disease_graph(alz_model).checksum == alz_graph.checksum
