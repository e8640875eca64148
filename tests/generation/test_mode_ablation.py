"""The ablations hold back what their names say: trajectory-only walks and writes without the
persona, and every mode that plans terms is held to writing them (pure logic: no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dualalign.generation.config import GenerationSettings
from dualalign.generation.context import render_sentence_request
from dualalign.generation.grounding import check_note
from dualalign.generation.modes import Mode
from dualalign.generation.pipeline import RunRequest, prepare_tasks


def _tasks(alz_graph, mode: str, patients: int = 40):
    req = RunRequest(patients=patients, seed=5, generation=GenerationSettings(mode=Mode(mode)))
    return prepare_tasks(req, alz_graph)


def test_trajectory_only_walks_without_risk_factors(alz_graph):
    full = _tasks(alz_graph, "dualalign")
    bare = _tasks(alz_graph, "trajectory-only")
    assert any(t.persona.risk_factors for t in full)
    assert not any(t.persona.risk_factors for t in bare)
    # the same people (ids, sexes, ages) walked: only the risk factors' effect is gone
    assert [t.persona.id for t in full] == [t.persona.id for t in bare]
    assert [t.persona.sex for t in full] == [t.persona.sex for t in bare]
    # and with risk factors gone, some walks (and so some plans) differ
    assert [t.terms for t in full] != [t.terms for t in bare]


def test_trajectory_only_requests_do_not_reveal_the_persona(alz_graph, vocab):
    bare = _tasks(alz_graph, "trajectory-only")
    reported = [(t, s) for t in bare for s in t.terms if t.reporter_of(s) in ("family", "patient")]
    assert reported
    for task, term in reported:
        text = render_sentence_request(task, vocab, term).lower()
        for word in (" she ", " he ", " her ", " his ", "husband", "wife", "year-old"):
            assert word not in f" {text} ", (word, text)
        assert "the patient" in text
    full = _tasks(alz_graph, "dualalign")
    shown = [
        render_sentence_request(t, vocab, s).lower()
        for t in full
        for s in t.terms
        if t.reporter_of(s) in ("family", "patient")
    ]
    assert any(" her " in f" {x} " or " his " in f" {x} " or " she " in f" {x} " for x in shown)


@pytest.mark.parametrize("mode", ["dualalign", "trajectory-only", "persona-only"])
def test_every_planned_term_must_be_written(alz_graph, vocab, mode):
    task = next(t for t in _tasks(alz_graph, mode, 10) if t.terms)
    term = task.terms[0]
    one = replace(task, terms=(term,), reporters=(None,))
    assert check_note(one, "BP 130/80, continue lisinopril.", vocab).problems
    written = f"Pt has {vocab.phrases(term)[0]}."
    assert term in check_note(one, written, vocab).expressed
