"""A compact, array-based snapshot of the disease graph for walking.

Built once from a store's export (:class:`GraphData`, canonical order), so the same graph gives
the same arrays -- and the same walks -- whichever store it came from. Every probability the
walk engine uses is read here from graph edges; none is a constant in code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from dualalign.errors import ConfigError, GraphEmptyError
from dualalign.graph.data import GraphData
from dualalign.graph.store import PRESERVED_LABELS

__all__ = ["Modifier", "TrajectorySnapshot"]


@dataclass(frozen=True)
class Modifier:
    """One risk-factor modifier, resolved to array indices.

    ``kind`` is ``emission`` (targets: symptom indices; a domain modifier lists all its
    symptoms) or ``stage`` (target: (from, to) stage indices). ``stages`` masks the stages it
    applies in.
    """

    kind: str
    targets: tuple[int, ...] | tuple[tuple[int, int], ...]
    stages: np.ndarray
    multiplier: float


@dataclass(frozen=True)
class TrajectorySnapshot:
    """Everything a trajectory walk needs, as arrays indexed by sorted ids."""

    disease: str
    checksum: str
    stages: tuple[str, ...]
    terminal: np.ndarray
    stage_matrix: np.ndarray  # [S, S] annual PROGRESSES_TO
    periods: tuple[int, ...]
    period_stage: np.ndarray  # [T, S] IN_STAGE
    note_types: tuple[str, ...]
    visit_rate: np.ndarray  # [T, N] HAS_NOTE_TYPE.visits_per_year
    note_share: np.ndarray  # [T, N] HAS_NOTE_TYPE.probability
    mean_mentions: np.ndarray  # [T] Period.mean_mentions
    symptoms: tuple[str, ...]
    domains: tuple[str, ...]
    symptom_domain: np.ndarray  # [K] index into domains
    emission: np.ndarray  # [S, K] EMITS
    direct: dict[int, np.ndarray] = field(repr=False)  # stage -> [K, K] TRANSITIONS_TO (sparse)
    resample: np.ndarray = field(repr=False)  # [S, K] RESAMPLES
    modifiers: dict[str, tuple[Modifier, ...]] = field(default_factory=dict, repr=False)
    parameters: dict[str, float] = field(default_factory=dict)
    reporters: tuple[str, ...] = ()
    reporter_share: np.ndarray = field(  # [S, N, R] REPORTED_BY (empty when the KB has none)
        default_factory=lambda: np.zeros((0, 0, 0)), repr=False
    )

    @classmethod
    def from_graph(cls, graph: GraphData) -> TrajectorySnapshot:
        """Read the stage, period, note-type, mention and modifier edges of a disease graph.

        Personas stored in the graph are ignored, so the checksum names the disease graph only.
        """
        graph = graph.without(PRESERVED_LABELS)
        by_label: dict[str, dict[str, dict]] = defaultdict(dict)
        for n in graph.nodes:
            by_label[n.label][n.id] = n.props
        if not by_label.get("Stage") or not by_label.get("Symptom"):
            raise GraphEmptyError(
                "the graph has no stages or symptoms; run `dualalign graph load` first"
            )
        stages = tuple(sorted(by_label["Stage"], key=lambda s: (by_label["Stage"][s]["order"], s)))
        s_idx = {s: i for i, s in enumerate(stages)}
        periods = tuple(sorted(int(p["offset"]) for p in by_label["Period"].values()))
        t_idx = {str(p): i for i, p in enumerate(periods)}
        note_types = tuple(sorted(by_label["NoteType"]))
        n_idx = {n: i for i, n in enumerate(note_types)}
        symptoms = tuple(sorted(by_label["Symptom"]))
        k_idx = {k: i for i, k in enumerate(symptoms)}
        domains = tuple(sorted(by_label["LexiconDomain"]))
        d_idx = {d: i for i, d in enumerate(domains)}
        S, T, N, K = len(stages), len(periods), len(note_types), len(symptoms)
        stage_matrix = np.zeros((S, S))
        period_stage = np.zeros((T, S))
        visit_rate = np.zeros((T, N))
        note_share = np.zeros((T, N))
        emission = np.zeros((S, K))
        resample = np.zeros((S, K))
        direct = {s: np.zeros((K, K)) for s in range(S)}
        symptom_domain = np.full(K, -1)
        reporters = tuple(
            sorted(by_label.get("Reporter", {}), key=lambda r: by_label["Reporter"][r]["order"])
        )
        r_idx = {r: i for i, r in enumerate(reporters)}
        reporter_share = np.zeros((S, N, len(reporters)))
        raw_mods: dict[str, list[Modifier]] = defaultdict(list)
        members: dict[int, list[int]] = defaultdict(list)
        for r in graph.rels:
            p = r.props
            if r.type == "IN_DOMAIN":
                symptom_domain[k_idx[r.src]] = d_idx[r.dst]
                members[d_idx[r.dst]].append(k_idx[r.src])
        for r in graph.rels:
            p = r.props
            if r.type == "PROGRESSES_TO":
                stage_matrix[s_idx[r.src], s_idx[r.dst]] = p["probability"]
            elif r.type == "IN_STAGE":
                period_stage[t_idx[r.src], s_idx[r.dst]] = p["probability"]
            elif r.type == "HAS_NOTE_TYPE":
                visit_rate[t_idx[r.src], n_idx[r.dst]] = p["visits_per_year"]
                note_share[t_idx[r.src], n_idx[r.dst]] = p["probability"]
            elif r.type == "EMITS":
                emission[s_idx[r.src], k_idx[r.dst]] = p["probability"]
            elif r.type == "RESAMPLES":
                resample[s_idx[r.dst], k_idx[r.src]] = p["probability"]
            elif r.type == "TRANSITIONS_TO":
                direct[s_idx[str(p["stage"])]][k_idx[r.src], k_idx[r.dst]] = p["probability"]
            elif r.type == "REPORTED_BY":
                reporter_share[s_idx[r.src], n_idx[str(p["note_type"])], r_idx[r.dst]] = p[
                    "probability"
                ]
            elif r.type == "MODIFIES":
                mask = (
                    np.ones(S, bool)
                    if p["stage"] == "*"
                    else np.arange(S) == s_idx[str(p["stage"])]
                )
                mult = float(p["multiplier"])
                if p["target_kind"] == "stage_transition":
                    raw_mods[r.src].append(
                        Modifier(
                            "stage", ((s_idx[str(p["from_stage"])], s_idx[r.dst]),), mask, mult
                        )
                    )
                elif p["target_kind"] == "domain":
                    raw_mods[r.src].append(
                        Modifier("emission", tuple(sorted(members[d_idx[r.dst]])), mask, mult)
                    )
                else:
                    raw_mods[r.src].append(Modifier("emission", (k_idx[r.dst],), mask, mult))
        density = np.array([float(by_label["Period"][str(p)]["mean_mentions"]) for p in periods])
        disease = by_label["Disease"][graph.disease]
        params = {
            k[len("param_") :]: float(v) for k, v in disease.items() if k.startswith("param_")
        }
        terminal = np.array([bool(by_label["Stage"][s].get("terminal", False)) for s in stages])
        if not periods:
            raise ConfigError("the graph has no periods; check period_stage.csv")
        return cls(
            graph.disease,
            graph.checksum,
            stages,
            terminal,
            stage_matrix,
            periods,
            period_stage,
            note_types,
            visit_rate,
            note_share,
            density,
            symptoms,
            domains,
            symptom_domain,
            emission,
            direct,
            resample,
            {k: tuple(v) for k, v in raw_mods.items()},
            params,
            reporters,
            reporter_share,
        )

    def parameter(self, name: str, default: float) -> float:
        """A knowledge-base parameter stored on the Disease node."""
        return self.parameters.get(name, default)
