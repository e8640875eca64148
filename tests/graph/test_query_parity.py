"""Every named query gives identical rows on the embedded store and on a real Neo4j server."""

from __future__ import annotations

import re

import pytest

from dualalign.graph import coerce_params, load_named_queries
from dualalign.graph.memory_queries import MEMORY_QUERIES

QUERIES = load_named_queries()


def _cases(alz_model) -> list[tuple[str, dict]]:
    """Parameter sets per query, computed from the knowledge base, including edge cases."""
    stages = [s.id for s in alz_model.stages if not s.terminal]
    evolving = sorted({r.from_symptom for r in alz_model.symptom_transitions})
    modified = sorted({r.risk_factor for r in alz_model.risk_modifiers})
    domains = [d.id for d in alz_model.lexicon_domains]
    seq = [evolving[0], evolving[1], evolving[0]]
    return [
        ("top_transitions", {"symptom": evolving[0]}),
        ("top_transitions", {"symptom": evolving[-1], "stage": stages[-1], "limit": 200}),
        ("top_transitions", {"symptom": "no_such_symptom"}),
        *[
            ("likely_trajectories", {"symptom": evolving[i], "stage": st, "steps": k})
            for i in (0, 5)
            for st in stages[1:3]
            for k in (1, 3)
        ],
        ("domain_share_by_stage", {}),
        ("domain_share_by_stage", {"domain": domains[0]}),
        ("domain_share_by_period", {}),
        ("domain_share_by_period", {"domain": domains[-1]}),
        ("symptom_by_stage", {"symptom": evolving[3]}),
        ("note_type_mix", {}),
        ("note_type_mix", {"from_period": -2, "to_period": 0}),
        ("reporter_mix", {}),
        ("reporter_mix", {"note_type": "nursing_telephone"}),
        ("reporter_mix", {"note_type": "no_such_note_type"}),
        *[("risk_factor_effects", {"risk_factor": rf}) for rf in modified],
        ("sequence_probability", {"symptoms": seq, "stage": stages[1]}),
        ("sequence_probability", {"symptoms": [*seq, "no_such_symptom"], "stage": stages[2]}),
    ]


def test_every_query_file_has_an_embedded_twin():
    assert set(QUERIES) == set(MEMORY_QUERIES)
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_declares_exactly_the_parameters_used(name):
    query = QUERIES[name]
    body = "\n".join(line for line in query.cypher.splitlines() if not line.startswith("//"))
    used = set(re.findall(r"\$(\w+)", body))
    assert used == set(query.defaults), (used, query.defaults)
    assert query.purpose


@pytest.mark.neo4j
def test_all_queries_identical_on_both_stores(alz_model, alz_graph, memory_store, neo4j_store):
    memory_store.load(alz_graph)
    neo4j_store.load(alz_graph)
    covered = set()
    for name, given in _cases(alz_model):
        params = coerce_params(QUERIES[name], given)
        mem = memory_store.query(QUERIES[name], params)
        neo = neo4j_store.query(QUERIES[name], params)
        assert mem == neo, (name, given)
        if mem:
            covered.add(name)
    assert covered == set(QUERIES)  # every query returned rows in at least one case
