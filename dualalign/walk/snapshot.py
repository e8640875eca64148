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
from dualalign.graph.data import GraphData, PropValue, as_float
from dualalign.graph.data import Rel as GraphRel
from dualalign.graph.schema import Node, Rel
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
        nodes = _nodes_by_label(graph)
        ix = _Index.build(nodes)
        rels = _rels_by_type(graph)
        symptom_domain, members = _symptom_domains(rels[Rel.IN_DOMAIN], ix)
        visit_rate, note_share = _note_tables(rels[Rel.HAS_NOTE_TYPE], ix)
        return cls(
            graph.disease,
            graph.checksum,
            ix.stages,
            np.array([bool(nodes[Node.STAGE][s].get("terminal", False)) for s in ix.stages]),
            _stage_matrix(rels[Rel.PROGRESSES_TO], ix),
            ix.periods,
            _period_stage(rels[Rel.IN_STAGE], ix),
            ix.note_types,
            visit_rate,
            note_share,
            np.array([as_float(nodes[Node.PERIOD][str(p)]["mean_mentions"]) for p in ix.periods]),
            ix.symptoms,
            ix.domains,
            symptom_domain,
            _emission(rels[Rel.EMITS], ix),
            _direct(rels[Rel.TRANSITIONS_TO], ix),
            _resample(rels[Rel.RESAMPLES], ix),
            _modifiers(rels[Rel.MODIFIES], ix, members),
            _parameters(nodes[Node.DISEASE][graph.disease]),
            ix.reporters,
            _reporter_share(rels[Rel.REPORTED_BY], ix),
        )

    def parameter(self, name: str, default: float) -> float:
        """A knowledge-base parameter stored on the Disease node."""
        return self.parameters.get(name, default)


Props = dict[str, PropValue]


@dataclass(frozen=True)
class _Index:
    """The ids of each kind in array order, and each id's position."""

    stages: tuple[str, ...]
    periods: tuple[int, ...]
    note_types: tuple[str, ...]
    symptoms: tuple[str, ...]
    domains: tuple[str, ...]
    reporters: tuple[str, ...]
    stage: dict[str, int]
    period: dict[str, int]
    note_type: dict[str, int]
    symptom: dict[str, int]
    domain: dict[str, int]
    reporter: dict[str, int]

    @classmethod
    def build(cls, nodes: dict[str, dict[str, Props]]) -> _Index:
        """Stages and reporters by their ``order``; periods by offset; the rest by id."""
        if not nodes.get(Node.STAGE) or not nodes.get(Node.SYMPTOM):
            raise GraphEmptyError(
                "the graph has no stages or symptoms; run `dualalign graph load` first"
            )
        stage_props, reporter_props = nodes[Node.STAGE], nodes.get(Node.REPORTER, {})
        stages = tuple(sorted(stage_props, key=lambda s: (_order(stage_props[s]), s)))
        periods = tuple(sorted(int(as_float(p["offset"])) for p in nodes[Node.PERIOD].values()))
        if not periods:
            raise ConfigError("the graph has no periods; check period_stage.csv")
        reporters = tuple(sorted(reporter_props, key=lambda r: _order(reporter_props[r])))
        note_types = tuple(sorted(nodes[Node.NOTE_TYPE]))
        symptoms = tuple(sorted(nodes[Node.SYMPTOM]))
        domains = tuple(sorted(nodes[Node.LEXICON_DOMAIN]))
        return cls(
            stages,
            periods,
            note_types,
            symptoms,
            domains,
            reporters,
            _positions(stages),
            _positions(tuple(map(str, periods))),
            _positions(note_types),
            _positions(symptoms),
            _positions(domains),
            _positions(reporters),
        )


def _positions(ids: tuple[str, ...]) -> dict[str, int]:
    return {x: i for i, x in enumerate(ids)}


def _order(props: Props) -> float:
    return as_float(props["order"])


def _nodes_by_label(graph: GraphData) -> dict[str, dict[str, Props]]:
    """label -> id -> properties (missing labels read as empty)."""
    out: dict[str, dict[str, Props]] = defaultdict(dict)
    for n in graph.nodes:
        out[n.label][n.id] = n.props
    return out


def _rels_by_type(graph: GraphData) -> dict[str, list[GraphRel]]:
    """type -> relationships in canonical order (missing types read as empty)."""
    out: dict[str, list[GraphRel]] = defaultdict(list)
    for r in graph.rels:
        out[r.type].append(r)
    return out


def _probability(r: GraphRel) -> float:
    return as_float(r.props["probability"])


def _symptom_domains(rels: list[GraphRel], ix: _Index) -> tuple[np.ndarray, dict[int, list[int]]]:
    """IN_DOMAIN: each symptom's domain index, and each domain's symptom indices."""
    symptom_domain = np.full(len(ix.symptoms), -1)
    members: dict[int, list[int]] = defaultdict(list)
    for r in rels:
        symptom_domain[ix.symptom[r.src]] = ix.domain[r.dst]
        members[ix.domain[r.dst]].append(ix.symptom[r.src])
    return symptom_domain, members


def _stage_matrix(rels: list[GraphRel], ix: _Index) -> np.ndarray:
    """PROGRESSES_TO as [S, S]."""
    S = len(ix.stages)
    out = np.zeros((S, S))
    for r in rels:
        out[ix.stage[r.src], ix.stage[r.dst]] = _probability(r)
    return out


def _period_stage(rels: list[GraphRel], ix: _Index) -> np.ndarray:
    """IN_STAGE as [T, S]."""
    out = np.zeros((len(ix.periods), len(ix.stages)))
    for r in rels:
        out[ix.period[r.src], ix.stage[r.dst]] = _probability(r)
    return out


def _note_tables(rels: list[GraphRel], ix: _Index) -> tuple[np.ndarray, np.ndarray]:
    """HAS_NOTE_TYPE as visits per year and note share, both [T, N]."""
    shape = (len(ix.periods), len(ix.note_types))
    visit_rate, note_share = np.zeros(shape), np.zeros(shape)
    for r in rels:
        at = (ix.period[r.src], ix.note_type[r.dst])
        visit_rate[at] = as_float(r.props["visits_per_year"])
        note_share[at] = _probability(r)
    return visit_rate, note_share


def _emission(rels: list[GraphRel], ix: _Index) -> np.ndarray:
    """EMITS as [S, K]."""
    out = np.zeros((len(ix.stages), len(ix.symptoms)))
    for r in rels:
        out[ix.stage[r.src], ix.symptom[r.dst]] = _probability(r)
    return out


def _resample(rels: list[GraphRel], ix: _Index) -> np.ndarray:
    """RESAMPLES (symptom -> stage) as [S, K]."""
    out = np.zeros((len(ix.stages), len(ix.symptoms)))
    for r in rels:
        out[ix.stage[r.dst], ix.symptom[r.src]] = _probability(r)
    return out


def _direct(rels: list[GraphRel], ix: _Index) -> dict[int, np.ndarray]:
    """TRANSITIONS_TO per stage as {stage: [K, K]}."""
    K = len(ix.symptoms)
    out = {s: np.zeros((K, K)) for s in range(len(ix.stages))}
    for r in rels:
        out[ix.stage[str(r.props["stage"])]][ix.symptom[r.src], ix.symptom[r.dst]] = _probability(r)
    return out


def _reporter_share(rels: list[GraphRel], ix: _Index) -> np.ndarray:
    """REPORTED_BY as [S, N, R] (R = 0 when the graph has no reporters)."""
    out = np.zeros((len(ix.stages), len(ix.note_types), len(ix.reporters)))
    for r in rels:
        note = ix.note_type[str(r.props["note_type"])]
        out[ix.stage[r.src], note, ix.reporter[r.dst]] = _probability(r)
    return out


def _modifier(r: GraphRel, ix: _Index, members: dict[int, list[int]]) -> Modifier:
    """One MODIFIES edge resolved to indices: a stage transition, a domain or a symptom."""
    p = r.props
    S = len(ix.stages)
    mask = np.ones(S, bool) if p["stage"] == "*" else np.arange(S) == ix.stage[str(p["stage"])]
    mult = as_float(p["multiplier"])
    if p["target_kind"] == "stage_transition":
        edge = (ix.stage[str(p["from_stage"])], ix.stage[r.dst])
        return Modifier("stage", (edge,), mask, mult)
    if p["target_kind"] == "domain":
        return Modifier("emission", tuple(sorted(members[ix.domain[r.dst]])), mask, mult)
    return Modifier("emission", (ix.symptom[r.dst],), mask, mult)


def _modifiers(
    rels: list[GraphRel], ix: _Index, members: dict[int, list[int]]
) -> dict[str, tuple[Modifier, ...]]:
    """MODIFIES grouped by risk factor, in edge order."""
    out: dict[str, list[Modifier]] = defaultdict(list)
    for r in rels:
        out[r.src].append(_modifier(r, ix, members))
    return {k: tuple(v) for k, v in out.items()}


def _parameters(disease: Props) -> dict[str, float]:
    """The Disease node's ``param_*`` properties, without the prefix."""
    prefix = "param_"
    return {k[len(prefix) :]: as_float(v) for k, v in disease.items() if k.startswith(prefix)}
