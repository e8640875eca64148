"""Compare a mined disease folder with the graph it was walked from: the numbers walks use."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.persona.distributions import PersonaDistributions
from dualalign.walk import TrajectorySnapshot
from dualalign.walk.tables import BaseTables


def _kernels(snap: TrajectorySnapshot) -> np.ndarray:
    base = BaseTables.build(snap)
    K = len(snap.symptoms)
    live = [s for s in range(len(snap.stages)) if not snap.terminal[s]]
    return np.stack([base.mention_kernel(s, K) for s in live])


def _evolve(snap: TrajectorySnapshot) -> np.ndarray:
    return np.stack([d - np.diag(np.diag(d)) for d in snap.direct.values()])


def max_errors(truth_folder: Path, mined_folder: Path) -> dict[str, float]:
    """Max absolute error per quantity (relative for visits per year and mentions per note)."""
    true_g = disease_graph(load_disease(truth_folder))
    mined_g = disease_graph(load_disease(mined_folder))
    t, m = TrajectorySnapshot.from_graph(true_g), TrajectorySnapshot.from_graph(mined_g)
    tp, mp = PersonaDistributions.from_graph(true_g), PersonaDistributions.from_graph(mined_g)
    out = {
        "symptom_persistence": abs(
            t.parameter("symptom_persistence", 0) - m.parameter("symptom_persistence", 0)
        ),
        "symptom_evolution": abs(
            t.parameter("symptom_evolution", 0) - m.parameter("symptom_evolution", 0)
        ),
        "mention_kernel P(j|i,stage)": float(np.abs(_kernels(t) - _kernels(m)).max()),
        "evolve edges TRANSITIONS_TO": float(np.abs(_evolve(t) - _evolve(m)).max()),
        "resample RESAMPLES": float(np.abs(t.resample - m.resample).max()),
        "emission EMITS": float(np.abs(t.emission - m.emission).max()),
        "note-type share": float(np.abs(t.note_share - m.note_share).max()),
        "reporter share": float(np.abs(t.reporter_share - m.reporter_share).max()),
        "visits/year (relative)": float(
            np.abs(m.visit_rate.sum(1) / t.visit_rate.sum(1) - 1).max()
        ),
        "mentions/note (relative)": float(np.abs(m.mean_mentions / t.mean_mentions - 1).max()),
    }
    marg = 0.0
    tpop, mpop = tp.population("us-ad"), mp.population("us-ad")
    for attr, (_, probs) in tpop.attributes.items():
        marg = max(marg, float(np.abs(probs - mpop.attributes[attr][1]).max()))
    out["persona marginals"] = marg
    out["risk-factor prevalence"] = float(np.abs(tpop.base - mpop.base).max())
    return out
