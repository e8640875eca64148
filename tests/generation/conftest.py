"""Shared inputs for the generation tests: the Alzheimer's vocabulary, and real walks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dualalign.generation.vocabulary import Vocabulary
from dualalign.graph import GraphData
from dualalign.persona import PersonaDistributions, sample_personas
from dualalign.types import Trajectory
from dualalign.walk import TrajectorySnapshot, simulate


@pytest.fixture(scope="session")
def vocab(alz_graph: GraphData) -> Vocabulary:
    return Vocabulary.from_graph(alz_graph)


@pytest.fixture(scope="session")
def walk(alz_graph: GraphData) -> Callable[[int, int], list[Trajectory]]:
    """``walk(patients, seed)``: that many us-ad personas, sampled and walked with the seed."""
    snap = TrajectorySnapshot.from_graph(alz_graph)
    dists = PersonaDistributions.from_graph(alz_graph)

    def run(patients: int, seed: int) -> list[Trajectory]:
        people = sample_personas(dists, "us-ad", patients, seed)
        return [Trajectory.model_validate(r) for r in simulate(snap, people, seed)]

    return run
