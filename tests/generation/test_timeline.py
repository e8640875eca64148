"""Notes come from the whole timeline: the written notes' stage mix follows the walked visits'."""

from __future__ import annotations

from collections import Counter

import pytest
from scipy import stats

from dualalign.generation.tasks import build_tasks, pick_visits
from dualalign.types import Trajectory


@pytest.fixture(scope="module")
def trajectories(walk) -> list[Trajectory]:
    return walk(400, 11)


def _tasks(trajectories, per_patient):
    return build_tasks(
        trajectories, "dualalign", 11, per_patient, 4, ["cognitive_impairment"], ["x"]
    )


def test_one_note_per_patient_follows_the_visit_stage_mix(trajectories):
    visits = Counter(v.stage for t in trajectories for v in t.visits)
    notes = Counter(task.visit.stage for task in _tasks(trajectories, 1))
    assert len(notes) >= 4  # not just the first year's stage
    total, n = sum(visits.values()), sum(notes.values())
    stages = [s for s in visits if visits[s] / total * n >= 5]
    observed = [notes[s] for s in stages]
    expected = [visits[s] / total * n for s in stages]
    if n - sum(expected) > 1e-6:  # the rare stages, pooled
        observed.append(n - sum(observed))
        expected.append(n - sum(expected))
    result = stats.chisquare(observed, expected)
    assert result.pvalue > 1e-3, (observed, expected)


def test_all_takes_every_visit_and_picks_are_reproducible(trajectories):
    assert len(_tasks(trajectories, None)) == sum(len(t.visits) for t in trajectories)
    first = [pick_visits(t, 11, 3) for t in trajectories[:20]]
    assert first == [pick_visits(t, 11, 3) for t in trajectories[:20]]
    assert first != [pick_visits(t, 12, 3) for t in trajectories[:20]]
    assert all(len(p) == min(3, len(t.visits)) for p, t in zip(first, trajectories, strict=False))


def test_tasks_carry_each_terms_reporter(trajectories):
    tasks = _tasks(trajectories, 2)
    planned = [(s, t.reporter_of(s)) for t in tasks for s in t.terms]
    assert planned and all(r in {"patient", "family", "clinician"} for _, r in planned)
    assert len({r for _, r in planned}) == 3
