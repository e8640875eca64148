"""Turn a validated disease model into graph content (nodes and probability-bearing edges).

Derived probabilities are computed here once, in a fixed order, so every store holds the very
same numbers:

* ``EMITS`` (stage -> symptom): share of the symptom's lexicon domain in that stage, times the
  symptom's weight within the domain among the terms already documented by that stage
  (onset stage at or before it). The weight is the published stage prevalence where the
  knowledge base has one, else the mean of the known prevalences of that domain and stage, else
  uniform.
* ``TRANSITIONS_TO`` (symptom -> symptom, per stage): the symptom persists with probability
  ``symptom_persistence``; if curated evolution edges leave it, ``symptom_evolution`` is spread
  over them by weight. ``RESAMPLES`` carries the rest: the mention is drawn afresh from the
  stage's ``EMITS``. So P(j | i, s) = TRANSITIONS_TO(i, j, s) + RESAMPLES(i, s) * EMITS(s, j).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from dualalign.graph.data import GraphData, Node, Rel
from dualalign.ontology.model import DiseaseModel, Symptom

__all__ = ["disease_graph", "emission_weights"]


def _fsum_ordered(values: list[float]) -> float:
    total = 0.0
    for v in values:
        total += v
    return total


def emission_weights(model: DiseaseModel) -> dict[str, dict[str, float]]:
    """P(symptom | stage) for a freshly drawn mention, for every non-terminal stage."""
    order = {s.id: s.order for s in model.stages}
    prevalence = {(r.stage, r.symptom): r.prevalence for r in model.symptom_prevalence}
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for row in model.domain_prevalence:
        shares[row.stage][row.domain] = row.proportion
    by_domain: dict[str, list[Symptom]] = defaultdict(list)
    for sym in sorted(model.symptoms, key=lambda s: s.id):
        by_domain[sym.lexicon_domain].append(sym)
    out: dict[str, dict[str, float]] = {}
    for stage in sorted(model.stages, key=lambda s: s.order):
        if stage.terminal:
            continue
        probs: dict[str, float] = {}
        for domain in sorted(shares[stage.id]):
            share = shares[stage.id][domain]
            eligible = [s for s in by_domain[domain] if order[s.onset_stage] <= stage.order]
            if share <= 0 or not eligible:
                continue
            known = [
                prevalence[(stage.id, s.id)] for s in eligible if (stage.id, s.id) in prevalence
            ]
            fallback = _fsum_ordered(known) / len(known) if known else 1.0
            weights = [prevalence.get((stage.id, s.id), fallback) for s in eligible]
            total = _fsum_ordered(weights)
            for sym, w in zip(eligible, weights, strict=True):
                probs[sym.id] = share * w / total
        out[stage.id] = probs
    return out


def _vocabulary(model: DiseaseModel, nodes: list[Node], rels: list[Rel]) -> None:
    d = model.disease
    params = {f"param_{p.name}": p.value for p in model.parameters}
    nodes.append(
        Node(
            label="Disease",
            id=d.id,
            props={
                "label": d.label,
                "definition": d.definition,
                "format_version": d.format_version,
                "xrefs": list(d.xrefs),
                "kb_checksum": model.checksum,
                **params,
            },
        )
    )
    for src in model.sources:
        nodes.append(Node(label="Source", id=src.key, props=src.model_dump(exclude={"key"})))
    simple = (
        ("LexiconDomain", model.lexicon_domains),
        ("PhenotypeDomain", model.phenotype_domains),
        ("Label", model.labels),
        ("NoteType", model.note_types),
        ("RiskFactorGroup", model.risk_factor_groups),
        ("Population", model.populations),
    )
    for label, items in simple:
        for item in items:
            nodes.append(Node(label=label, id=item.id, props=item.model_dump(exclude={"id"})))
    for st in model.stages:
        nodes.append(Node(label="Stage", id=st.id, props=st.model_dump(exclude={"id"})))
    for rf in model.risk_factors:
        nodes.append(Node(label="RiskFactor", id=rf.id, props=rf.model_dump(exclude={"id"})))
        rels.append(Rel.between("IN_GROUP", ("RiskFactor", rf.id), ("RiskFactorGroup", rf.group)))
    for sym in model.symptoms:
        nodes.append(
            Node(
                label="Symptom",
                id=sym.id,
                props=sym.model_dump(
                    exclude={
                        "id",
                        "lexicon_domain",
                        "phenotype_domains",
                        "default_label",
                        "onset_stage",
                    }
                ),
            )
        )
        s = ("Symptom", sym.id)
        rels.append(Rel.between("IN_DOMAIN", s, ("LexiconDomain", sym.lexicon_domain)))
        rels.extend(
            Rel.between("IN_PHENOTYPE", s, ("PhenotypeDomain", p)) for p in sym.phenotype_domains
        )
        rels.append(Rel.between("DEFAULT_LABEL", s, ("Label", sym.default_label)))
        rels.append(Rel.between("ONSET_IN", s, ("Stage", sym.onset_stage)))
    for label, items in (
        ("Stage", model.stages),
        ("Population", model.populations),
        ("Symptom", model.symptoms),
    ):
        for item in items:
            rels.append(Rel.between("CITES", (label, item.id), ("Source", item.source)))


def _timeline(model: DiseaseModel, nodes: list[Node], rels: list[Rel]) -> None:
    for row in model.stage_transitions:
        rels.append(
            Rel.between(
                "PROGRESSES_TO",
                ("Stage", row.from_stage),
                ("Stage", row.to_stage),
                probability=row.probability,
                source=row.source,
            )
        )
    density = {r.period: r for r in model.mention_density}
    periods = model.periods
    for offset in periods:
        nodes.append(
            Node(
                label="Period",
                id=str(offset),
                props={
                    "offset": offset,
                    "mean_mentions": density[offset].mean_mentions,
                    "source": density[offset].source,
                },
            )
        )
    for a, b in itertools.pairwise(periods):
        rels.append(Rel.between("NEXT", ("Period", str(a)), ("Period", str(b))))
    for row in model.period_stage:
        rels.append(
            Rel.between(
                "IN_STAGE",
                ("Period", str(row.period)),
                ("Stage", row.stage),
                probability=row.probability,
                source=row.source,
            )
        )
    by_period: dict[int, list] = defaultdict(list)
    for row in sorted(model.note_type_rates, key=lambda r: (r.period, r.note_type)):
        by_period[row.period].append(row)
    for period, rows in by_period.items():
        total = _fsum_ordered([r.visits_per_year for r in rows])
        for r in rows:
            rels.append(
                Rel.between(
                    "HAS_NOTE_TYPE",
                    ("Period", str(period)),
                    ("NoteType", r.note_type),
                    visits_per_year=r.visits_per_year,
                    probability=r.visits_per_year / total,
                    source=r.source,
                )
            )


def _symptom_dynamics(model: DiseaseModel, rels: list[Rel]) -> None:
    for row in model.domain_prevalence:
        rels.append(
            Rel.between(
                "DOMAIN_SHARE",
                ("Stage", row.stage),
                ("LexiconDomain", row.domain),
                probability=row.proportion,
                source=row.source,
            )
        )
    for row in model.symptom_prevalence:
        rels.append(
            Rel.between(
                "PREVALENCE",
                ("Stage", row.stage),
                ("Symptom", row.symptom),
                prevalence=row.prevalence,
                source=row.source,
            )
        )
    emits = emission_weights(model)
    for stage_id, probs in emits.items():
        for sym_id in sorted(probs):
            rels.append(
                Rel.between(
                    "EMITS", ("Stage", stage_id), ("Symptom", sym_id), probability=probs[sym_id]
                )
            )
    persist = model.parameter("symptom_persistence")
    evolve = model.parameter("symptom_evolution")
    for stage_id, probs in emits.items():
        edges: dict[str, dict[str, float]] = defaultdict(dict)
        for row in model.symptom_transitions:
            if row.stage in (None, stage_id) and row.to_symptom in probs:
                edges[row.from_symptom][row.to_symptom] = (
                    edges[row.from_symptom].get(row.to_symptom, 0.0) + row.weight
                )
        for sym in sorted(model.symptoms, key=lambda s: s.id):
            s = ("Symptom", sym.id)
            out = edges.get(sym.id, {})
            rels.append(
                Rel.between(
                    "TRANSITIONS_TO",
                    s,
                    s,
                    key=stage_id,
                    stage=stage_id,
                    kind="persist",
                    probability=persist,
                )
            )
            mass = evolve if out else 0.0
            total = _fsum_ordered([out[k] for k in sorted(out)])
            for target in sorted(out):
                rels.append(
                    Rel.between(
                        "TRANSITIONS_TO",
                        s,
                        ("Symptom", target),
                        key=stage_id,
                        stage=stage_id,
                        kind="evolve",
                        probability=mass * out[target] / total,
                    )
                )
            rels.append(
                Rel.between("RESAMPLES", s, ("Stage", stage_id), probability=1.0 - persist - mass)
            )


def _personas(model: DiseaseModel, nodes: list[Node], rels: list[Rel]) -> None:
    seen: set[str] = set()
    for row in model.persona_marginals:
        demo = f"{row.attribute}={row.category}"
        if demo not in seen:
            seen.add(demo)
            nodes.append(
                Node(
                    label="Demographic",
                    id=demo,
                    props={"attribute": row.attribute, "category": row.category},
                )
            )
        rels.append(
            Rel.between(
                "HAS_CATEGORY",
                ("Population", row.population),
                ("Demographic", demo),
                probability=row.probability,
                source=row.source,
            )
        )
    for row in model.risk_factor_prevalence:
        cond = (
            "*" if row.condition is None else f"{row.condition.attribute}={row.condition.category}"
        )
        rels.append(
            Rel.between(
                "PREVALENT_IN",
                ("RiskFactor", row.risk_factor),
                ("Population", row.population),
                key=cond,
                condition=cond,
                prevalence=row.prevalence,
                source=row.source,
            )
        )
    for row in model.risk_modifiers:
        stage = row.stage or "*"
        key = f"{row.target_kind}:{row.target}:{stage}"
        common = {
            "target_kind": row.target_kind,
            "stage": stage,
            "multiplier": row.multiplier,
            "source": row.source,
        }
        if row.target_kind == "stage_transition":
            a, _, b = row.target.partition(">")
            rels.append(
                Rel.between(
                    "MODIFIES",
                    ("RiskFactor", row.risk_factor),
                    ("Stage", b),
                    key=key,
                    from_stage=a,
                    **common,
                )
            )
        else:
            label = "LexiconDomain" if row.target_kind == "domain" else "Symptom"
            rels.append(
                Rel.between(
                    "MODIFIES",
                    ("RiskFactor", row.risk_factor),
                    (label, row.target),
                    key=key,
                    **common,
                )
            )


def _reporters(model: DiseaseModel, nodes: list[Node], rels: list[Rel]) -> None:
    """Reporter nodes, and ``REPORTED_BY`` shares per stage and note type (a ``*`` row of
    reporter_rates.csv stands for every note type without rows of its own)."""
    for rep in model.reporters:
        nodes.append(
            Node(label="Reporter", id=rep.id, props=rep.model_dump(exclude={"id", "label_for"}))
        )
        if rep.label_for is not None:
            rels.append(Rel.between("REPORT_LABEL", ("Reporter", rep.id), ("Label", rep.label_for)))
    specific = {(r.stage, r.note_type) for r in model.reporter_rates if r.note_type is not None}
    for row in model.reporter_rates:
        targets = (
            [row.note_type]
            if row.note_type is not None
            else [n.id for n in model.note_types if (row.stage, n.id) not in specific]
        )
        for note_type in sorted(targets):
            rels.append(
                Rel.between(
                    "REPORTED_BY",
                    ("Stage", row.stage),
                    ("Reporter", row.reporter),
                    key=note_type,
                    note_type=note_type,
                    probability=row.probability,
                    source=row.source,
                )
            )


def _instruments(model: DiseaseModel, nodes: list[Node], rels: list[Rel]) -> None:
    for row in model.screening_instruments:
        nodes.append(
            Node(
                label="Instrument",
                id=row.instrument,
                props={
                    "names": list(row.names),
                    "max_score": row.max_score,
                    "normal_from": row.normal_from,
                    "source": row.source,
                },
            )
        )
        rels.append(Rel.between("CITES", ("Instrument", row.instrument), ("Source", row.source)))


def disease_graph(model: DiseaseModel) -> GraphData:
    """Build the full graph of one disease (without personas)."""
    nodes: list[Node] = []
    rels: list[Rel] = []
    _vocabulary(model, nodes, rels)
    _timeline(model, nodes, rels)
    _symptom_dynamics(model, rels)
    _personas(model, nodes, rels)
    _reporters(model, nodes, rels)
    _instruments(model, nodes, rels)
    return GraphData.build(model.name, nodes, rels)
