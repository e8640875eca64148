"""A plain summary of a batch of trajectories: visits per patient, stage mix, top symptoms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from dualalign.types import Trajectory

__all__ = ["TrajectorySummary", "summarise"]


@dataclass
class TrajectorySummary:
    """Running totals over trajectories."""

    patients: int = 0
    visits: list[int] = field(default_factory=list)
    mentions: int = 0
    deaths: int = 0
    stages: Counter[str] = field(default_factory=Counter)
    note_types: Counter[str] = field(default_factory=Counter)
    symptoms: Counter[str] = field(default_factory=Counter)
    domains: Counter[str] = field(default_factory=Counter)

    def add(self, trajectory: Trajectory) -> None:
        """Count one trajectory."""
        self.patients += 1
        self.visits.append(len(trajectory.visits))
        self.deaths += trajectory.died_at_period is not None
        for visit in trajectory.visits:
            self.stages[visit.stage] += 1
            self.note_types[visit.note_type] += 1
            self.mentions += len(visit.mentions)
            for m in visit.mentions:
                self.symptoms[m.symptom] += 1
                self.domains[m.domain] += 1

    def merge(self, other: TrajectorySummary) -> None:
        """Add another summary's totals (e.g. one shard's, walked elsewhere)."""
        self.patients += other.patients
        self.visits.extend(other.visits)
        self.mentions += other.mentions
        self.deaths += other.deaths
        self.stages.update(other.stages)
        self.note_types.update(other.note_types)
        self.symptoms.update(other.symptoms)
        self.domains.update(other.domains)

    @property
    def visits_per_patient(self) -> tuple[float, float]:
        """Mean and median visits per patient."""
        if not self.visits:
            return 0.0, 0.0
        arr = np.asarray(self.visits)
        return float(arr.mean()), float(np.median(arr))


def summarise(trajectories: Iterable[Trajectory]) -> TrajectorySummary:
    """Summarise trajectories."""
    summary = TrajectorySummary()
    for trajectory in trajectories:
        summary.add(trajectory)
    return summary
