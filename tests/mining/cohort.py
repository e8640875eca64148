"""Synthetic cohorts for mining tests: dualalign's own walks exported as observations."""

from __future__ import annotations

import pandas as pd

from dualalign.graph.data import GraphData
from dualalign.persona.distributions import PersonaDistributions
from dualalign.persona.sampler import sample_personas
from dualalign.walk import TrajectorySnapshot, WalkSettings, simulate


def walked_observations(
    graph: GraphData, patients: int, *, seed: int = 5, density_multiplier: float = 1.0
) -> pd.DataFrame:
    """One row per planned mention (and one row with an empty term per note without any).

    Personas are sampled for ``us-ad`` and their demographics and risk factors exported, but
    they walk *without* risk-factor modifiers, so every patient follows the base kernel that
    the estimators are compared with (the miner estimates cohort averages; modifiers are
    not mined).
    """
    snap = TrajectorySnapshot.from_graph(graph)
    personas = sample_personas(PersonaDistributions.from_graph(graph), "us-ad", patients, seed)
    plain = [p.model_copy(update={"risk_factors": ()}) for p in personas]
    settings = WalkSettings(snap, density_multiplier=density_multiplier)
    rows: list[tuple] = []
    for persona, traj in zip(personas, simulate(snap, plain, seed, settings), strict=True):
        demo = (
            persona.age_band,
            persona.sex,
            persona.race_ethnicity,
            persona.education,
            "|".join(persona.risk_factors),
        )
        for v in traj.visits:
            note = f"{persona.id}-n{v.index}"
            base = (persona.id, v.years_from_diagnosis, note, v.note_type, v.stage)
            if not v.mentions:
                rows.append((*base, "", "", 0, *demo))
            for k, m in enumerate(v.mentions):
                rows.append((*base, m.symptom, m.reporter or "", k, *demo))
    return pd.DataFrame(
        rows,
        columns=[
            "patient_id",
            "years_from_diagnosis",
            "note_id",
            "note_type",
            "stage",
            "term",
            "reporter",
            "mention_index",
            "age_band",
            "sex",
            "race_ethnicity",
            "education",
            "risk_factors",
        ],
    )


#: the diagnosis date every exported patient shares (walk years are relative to diagnosis)
DIAGNOSIS = pd.Timestamp("2020-01-01")


def walked_stage_observations(graph: GraphData, patients: int, *, seed: int = 7) -> pd.DataFrame:
    """One note per patient and year with a visit (its stage; an empty term), with
    ``diagnosis_date`` and, for patients whose walk died, ``death_date`` mid-way through the
    year of death: what stage mining needs, in few rows. Personas walk without risk-factor
    modifiers, so every patient follows the base stage model.
    """
    snap = TrajectorySnapshot.from_graph(graph)
    personas = sample_personas(PersonaDistributions.from_graph(graph), "us-ad", patients, seed)
    plain = [p.model_copy(update={"risk_factors": ()}) for p in personas]
    rows: list[tuple] = []
    day = pd.Timedelta(days=365.25)
    for persona, traj in zip(plain, simulate(snap, plain, seed, WalkSettings(snap)), strict=True):
        death = (
            ""
            if traj.died_at_period is None
            else (DIAGNOSIS + (traj.died_at_period + 0.5) * day).date().isoformat()
        )
        seen: set[int] = set()
        for v in traj.visits:
            year = int(v.years_from_diagnosis // 1)
            if year in seen:
                continue
            seen.add(year)
            rows.append((persona.id, v.years_from_diagnosis, v.stage, "", "2020-01-01", death))
    return pd.DataFrame(
        rows,
        columns=[
            "patient_id",
            "years_from_diagnosis",
            "stage",
            "term",
            "diagnosis_date",
            "death_date",
        ],
    )
