"""Value objects shared by every layer: personas, visits and trajectories.

They are pydantic models because they cross boundaries: written to JSONL, read back by
`dualalign generate`, and stored as graph nodes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Mention", "Persona", "Provenance", "Trajectory", "Visit"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Persona(_Frozen):
    """A synthetic patient: demographics and risk factors sampled for a target population."""

    id: str
    population: str
    age_band: str
    age_at_diagnosis: int = Field(ge=0, le=120)
    sex: str
    race_ethnicity: str
    education: str
    risk_factors: tuple[str, ...] = ()


class Mention(_Frozen):
    """One planned symptom mention in a note, and how it arose from the previous visit."""

    symptom: str
    domain: str
    via: Literal["new", "persist", "evolve", "redrawn"]
    #: who reports it (a Reporter id of the graph); None for graphs without reporters
    reporter: str | None = None


class Visit(_Frozen):
    """One note in a patient's timeline, with its symptom plan."""

    index: int = Field(ge=0)
    years_from_diagnosis: float
    period: int
    stage: str
    note_type: str
    mentions: tuple[Mention, ...] = ()

    @property
    def domains(self) -> tuple[str, ...]:
        """The lexicon domains of the planned mentions, in order."""
        return tuple(m.domain for m in self.mentions)


class Provenance(_Frozen):
    """Where a trajectory came from: enough to reproduce it."""

    graph_checksum: str
    disease: str
    seed: int
    density_multiplier: float
    years_before: int
    years_after: int
    dualalign_version: str


class Trajectory(_Frozen):
    """A persona's visits over the years around diagnosis."""

    id: str
    persona: Persona
    visits: tuple[Visit, ...]
    stages_by_year: dict[int, str]
    died_at_period: int | None = None
    provenance: Provenance
