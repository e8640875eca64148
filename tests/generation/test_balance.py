"""Label balancing of a run's plan (pure logic: no model is called)."""

from __future__ import annotations

from collections import Counter

import pytest

from dualalign.generation.tasks import LabelBalance, build_tasks

#: a target far from what the walks give on their own (few requires_assistance mentions)
TARGET = {
    "cognitive_impairment": 2.0,
    "concern_by_others": 1.0,
    "requires_assistance": 1.0,
    "physiological_changes": 1.0,
    "neuropsychiatric": 1.0,
}


@pytest.fixture(scope="module")
def trajectories(walk):
    return walk(12, 3)


def _tasks(trajectories, vocab, mode, balanced, notes=2):
    focus = [k for k in vocab.labels if k != "none"]
    balance = LabelBalance(TARGET, vocab.planned_label) if balanced else None
    return build_tasks(
        trajectories, mode, 5, notes, 3, focus, sorted(vocab.symptoms), balance=balance
    )


def _mix(tasks, vocab) -> Counter[str]:
    out: Counter[str] = Counter()
    for t in tasks:
        out.update(vocab.planned_label(s, t.reporter_of(s)) for s in t.terms)
        if t.focus_label:
            out[t.focus_label] += 1
    return out


def _distance(mix: Counter[str]) -> float:
    total, want = sum(mix.values()), sum(TARGET.values())
    return 0.5 * sum(abs(mix[k] / total - v / want) for k, v in TARGET.items())


@pytest.mark.parametrize("mode", ["dualalign", "trajectory-only", "persona-only"])
def test_balancing_moves_the_planned_labels_to_the_target(trajectories, vocab, mode):
    walked = _distance(_mix(_tasks(trajectories, vocab, mode, False), vocab))
    balanced = _distance(_mix(_tasks(trajectories, vocab, mode, True), vocab))
    assert balanced < walked and balanced < 0.1, (walked, balanced)


def test_balanced_terms_are_still_the_walked_visits_mentions(trajectories, vocab):
    tasks = _tasks(trajectories, vocab, "dualalign", True)
    assert len(tasks) == 2 * len(trajectories)
    for t in tasks:
        first: dict[str, str | None] = {}
        for m in t.visit.mentions:
            first.setdefault(m.symptom, m.reporter)
        assert t.terms and len(t.terms) <= 3
        for term, reporter in zip(t.terms, t.reporters, strict=True):
            assert first[term] == reporter  # the mention's own reporter, as walked
    assert tasks == _tasks(trajectories, vocab, "dualalign", True)  # reproducible


def test_every_visit_keeps_its_note_and_unconstrained_follows_the_target(trajectories, vocab):
    every = _tasks(trajectories[:2], vocab, "dualalign", True, notes=None)
    assert len(every) == sum(len(t.visits) for t in trajectories[:2])
    focus = Counter(t.focus_label for t in _tasks(trajectories, vocab, "unconstrained", True))
    assert focus["cognitive_impairment"] == max(focus.values())
    assert _distance(focus) < 0.1


def test_order_prefers_the_neediest_label():
    labels = {"a": "x", "b": "y", "c": "y"}
    balance = LabelBalance({"x": 1.0, "y": 1.0}, lambda s, _r: labels[s])
    balance.take(["y", "y"])
    assert balance.order([("b", None), ("a", None), ("c", None)], 1) == [1]
    assert balance.gain([("a", None)], 1) > balance.gain([("b", None)], 1)


def test_within_a_label_an_unused_term_comes_first():
    labels = {"a": "x", "b": "x", "c": "x"}
    balance = LabelBalance({"x": 1.0}, lambda s, _r: labels[s])
    balance.take(["x"], ["a"])
    pairs = [("a", None), ("b", None), ("c", None)]
    assert balance.order(pairs, 1) == [1]  # b: as needy as a, and not planned yet
    assert balance.gain([("b", None)], 1) > balance.gain([("a", None)], 1)


@pytest.mark.parametrize("mode", ["dualalign", "persona-only"])
def test_balanced_runs_cover_more_terms(trajectories, vocab, mode):
    def distinct(tasks) -> float:
        terms = [s for t in tasks for s in t.terms]
        return len(set(terms)) / len(terms)

    balanced = _tasks(trajectories, vocab, mode, True, notes=3)
    plain = _tasks(trajectories, vocab, mode, False, notes=3)
    assert distinct(balanced) > distinct(plain), (distinct(balanced), distinct(plain))


def test_balancing_without_a_gold_fails_in_one_line_before_any_walk(alz_graph, monkeypatch):
    from dualalign.errors import ConfigError
    from dualalign.generation import pipeline
    from dualalign.generation.pipeline import BALANCE_NEEDS_GOLD, RunRequest, prepare_tasks

    def no_walk(*_a, **_k):
        raise AssertionError("walked before the settings were checked")

    monkeypatch.setattr(pipeline, "_trajectories", no_walk)
    with pytest.raises(ConfigError) as err:
        prepare_tasks(RunRequest(balance_labels=True), alz_graph)
    assert str(err.value) == BALANCE_NEEDS_GOLD and "\n" not in BALANCE_NEEDS_GOLD
    assert "--style-examples" in BALANCE_NEEDS_GOLD
