"""One run's intrinsic quality: fidelity to its plan and graph, diversity, privacy, and (with
gold) closeness to real note language. Walks and personas are re-drawn from the run's seed
and the graph (the same seed and graph give the same ones), so they need not be stored."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from dualalign.evaluation.data import Gold, Run
from dualalign.evaluation.intrinsic import (
    chi_square,
    distinct_n,
    longest_shared_ngram,
    ngram_index,
    phi_scan,
    self_bleu,
)
from dualalign.graph.data import GraphData
from dualalign.persona import PersonaDistributions, sample_personas
from dualalign.types import Trajectory
from dualalign.walk import TrajectorySnapshot, simulate

__all__ = ["COPY_N", "intrinsic_report"]

#: A synthetic sentence sharing a run of this many words with gold counts as a copy.
COPY_N = 8


def _counts(values: list[Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(Counter(values).items(), key=lambda kv: str(kv[0]))}


def _walks(run: Run, graph: GraphData) -> tuple[list[Trajectory], dict[str, Any]] | None:
    """The run's trajectories re-drawn from its seed, if the run walked them itself."""
    config = run.manifest.get("config", {})
    if not isinstance(config, dict) or config.get("trajectories"):
        return None
    dists = PersonaDistributions.from_graph(graph)
    people = sample_personas(
        dists, str(config["population"]), int(config["patients"]), int(config["seed"])
    )
    snap = TrajectorySnapshot.from_graph(graph)
    walks = list(simulate(snap, people, int(config["seed"])))
    return walks, {"personas": people, "snapshot": snap, "dists": dists, "config": config}


def _persona_fit(people: list[Any], dists: PersonaDistributions, population: str) -> dict[str, Any]:
    pop = dists.population(population)
    out = {}
    for attr, (cats, probs) in pop.attributes.items():
        observed = Counter(getattr(p, attr) for p in people)
        stat, dof, p = chi_square(dict(observed), dict(zip(cats, probs.tolist(), strict=True)))
        out[attr] = {
            "chi2": stat,
            "dof": dof,
            "p": p,
            "observed": _counts(list(observed.elements())),
        }
    return out


def _walk_fit(walks: list[Trajectory], snap: TrajectorySnapshot) -> dict[str, Any]:
    """Stage at diagnosis vs IN_STAGE of year 0, and note types vs HAS_NOTE_TYPE overall."""
    t0 = snap.periods.index(0)
    at_dx = Counter(t.stages_by_year[0] for t in walks if 0 in t.stages_by_year)
    prior = dict(zip(snap.stages, snap.period_stage[t0].tolist(), strict=True))
    stage = chi_square(dict(at_dx), prior)
    notes = Counter(v.note_type for t in walks for v in t.visits)
    periods = Counter(v.period for t in walks for v in t.visits)
    expected: dict[str, float] = {}
    for period, n in periods.items():
        row = snap.note_share[snap.periods.index(period)]
        for j, nt in enumerate(snap.note_types):
            expected[nt] = expected.get(nt, 0.0) + n * float(row[j])
    note = chi_square(dict(notes), dict(expected))
    return {
        "stage_at_diagnosis": {"chi2": stage[0], "dof": stage[1], "p": stage[2]},
        "note_types": {"chi2": note[0], "dof": note[1], "p": note[2]},
        "visits": int(sum(periods.values())),
        "patients": len(walks),
    }


def intrinsic_report(
    run: Run, graph: GraphData, gold: Gold | None = None, embed: bool = True
) -> dict[str, Any]:
    """Every intrinsic number of one run (JSON-ready)."""
    frame = run.frame
    texts = run.texts
    out: dict[str, Any] = {"run": run.path, "sentences": len(texts)}
    out["excluded"] = {"failed_grounding": run.failed, "unlabelled": run.unlabelled}
    planned_total = len(texts) + run.failed
    out["grounding_rate"] = len(texts) / planned_total if planned_total else None
    out["agreement"] = run.manifest.get("agreement", {})
    labels = frame["label"].astype(str).tolist()
    out["labels"] = _counts(labels)
    if "planned_label" in frame.columns:
        planned = frame["planned_label"].dropna().astype(str).tolist()
        with_plan = frame[frame["planned_label"].notna()]
        out["planned_labels"] = _counts(planned)
        out["label_matches_plan"] = (
            float((with_plan["label"] == with_plan["planned_label"]).mean())
            if len(with_plan)
            else None
        )
        stat, dof, p = chi_square(
            out["labels"], {k: float(v) for k, v in out["planned_labels"].items()}
        )
        out["labels_vs_plan"] = {"chi2": stat, "dof": dof, "p": p}
    if "reporter" in frame.columns:
        out["reporters"] = _counts(frame["reporter"].fillna("routine").astype(str).tolist())
    stages = frame["stage"].astype(str).tolist() if "stage" in frame.columns else []
    out["stages"] = _counts(stages)
    out["stage_by_label"] = {
        st: _counts([lab for s, lab in zip(stages, labels, strict=True) if s == st])
        for st in sorted(set(stages))
    }
    out["diversity"] = {
        "distinct_1": distinct_n(texts, 1),
        "distinct_2": distinct_n(texts, 2),
        "distinct_3": distinct_n(texts, 3),
        "self_bleu": self_bleu(texts),
    }
    out["phi"] = phi_scan(texts)
    walked = _walks(run, graph)
    if walked is not None:
        walks, ctx = walked
        visit_stages = Counter(v.stage for t in walks for v in t.visits)
        note_stages = (
            Counter(frame.drop_duplicates("note_id")["stage"]) if "note_id" in frame else Counter()
        )
        stat, dof, p = chi_square(dict(note_stages), {k: float(v) for k, v in visit_stages.items()})
        out["note_stages_vs_walks"] = {
            "chi2": stat,
            "dof": dof,
            "p": p,
            "notes": _counts(list(note_stages.elements())),
            "visits": _counts(list(visit_stages.elements())),
        }
        out["personas_vs_population"] = _persona_fit(
            ctx["personas"], ctx["dists"], str(ctx["config"]["population"])
        )
        out["walks_vs_graph"] = _walk_fit(walks, ctx["snapshot"])
        written = set(frame["trajectory_id"].astype(str)) if "trajectory_id" in frame else set()
        tasks = set(frame["task_id"].astype(str)) if "task_id" in frame else set()
        out["timelines"] = [
            {
                "id": t.id,
                "visits": [
                    {
                        "t": v.years_from_diagnosis,
                        "stage": v.stage,
                        "written": f"{t.id}:{v.index}" in tasks,
                    }
                    for v in t.visits
                ],
            }
            for t in walks
            if t.id in written
        ][:6]
    if gold is not None:
        index = ngram_index(gold.texts, COPY_N)
        longest = [longest_shared_ngram(t, index, COPY_N) for t in texts]
        out["gold_overlap"] = {
            "longest_shared_ngram_mean": float(np.mean(longest)) if longest else 0.0,
            "longest_shared_ngram_max": int(max(longest, default=0)),
            f"copies_{COPY_N}gram": int(sum(n >= COPY_N for n in longest)),
        }
        if embed and texts:
            from dualalign.evaluation.classifiers import EmbeddingCache, minilm_path

            cache = EmbeddingCache(minilm_path())
            syn, ref = cache.encode(texts), cache.encode(gold.texts)
            nn = (syn @ ref.T).max(axis=1)
            c_syn, c_ref = syn.mean(axis=0), ref.mean(axis=0)
            cos = float(c_syn @ c_ref / (np.linalg.norm(c_syn) * np.linalg.norm(c_ref)))
            out["embedding"] = {
                "centroid_cosine_distance": 1.0 - cos,
                "nearest_gold_cosine_mean": float(nn.mean()),
                "nearest_gold_cosine": [float(x) for x in nn],
            }
    return out
