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

from dualalign.graph.data import GraphData
from dualalign.graph.data import Node as GraphNode
from dualalign.graph.data import Rel as GraphRel
from dualalign.graph.schema import Node, Rel
from dualalign.ontology.model import DiseaseModel, NoteTypeRate, Symptom

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
    for entry in model.domain_prevalence:
        shares[entry.stage][entry.domain] = entry.proportion
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


def _default_population(model: DiseaseModel) -> dict[str, str]:
    """The Disease node's ``default_population`` (the folder's, or its only population)."""
    name = model.disease.default_population
    if name is None and len(model.populations) == 1:
        name = model.populations[0].id
    return {} if name is None else {"default_population": name}


def _vocabulary(model: DiseaseModel, nodes: list[GraphNode], rels: list[GraphRel]) -> None:
    d = model.disease
    params = {f"param_{p.name}": p.value for p in model.parameters}
    nodes.append(
        GraphNode(
            label=Node.DISEASE,
            id=d.id,
            props={
                "label": d.label,
                "definition": d.definition,
                "format_version": d.format_version,
                "xrefs": list(d.xrefs),
                **_default_population(model),
                "kb_checksum": model.checksum,
                **params,
            },
        )
    )
    for src in model.sources:
        nodes.append(
            GraphNode(label=Node.SOURCE, id=src.key, props=src.model_dump(exclude={"key"}))
        )
    simple = (
        (Node.LEXICON_DOMAIN, model.lexicon_domains),
        (Node.PHENOTYPE_DOMAIN, model.phenotype_domains),
        (Node.LABEL, model.labels),
        (Node.NOTE_TYPE, model.note_types),
        (Node.RISK_FACTOR_GROUP, model.risk_factor_groups),
        (Node.POPULATION, model.populations),
    )
    for label, items in simple:
        for item in items:
            nodes.append(GraphNode(label=label, id=item.id, props=item.model_dump(exclude={"id"})))
    for st in model.stages:
        nodes.append(GraphNode(label=Node.STAGE, id=st.id, props=st.model_dump(exclude={"id"})))
    for rf in model.risk_factors:
        nodes.append(
            GraphNode(label=Node.RISK_FACTOR, id=rf.id, props=rf.model_dump(exclude={"id"}))
        )
        rels.append(
            GraphRel.between(
                Rel.IN_GROUP, (Node.RISK_FACTOR, rf.id), (Node.RISK_FACTOR_GROUP, rf.group)
            )
        )
    for sym in model.symptoms:
        nodes.append(
            GraphNode(
                label=Node.SYMPTOM,
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
        s = (Node.SYMPTOM, sym.id)
        rels.append(GraphRel.between(Rel.IN_DOMAIN, s, (Node.LEXICON_DOMAIN, sym.lexicon_domain)))
        rels.extend(
            GraphRel.between(Rel.IN_PHENOTYPE, s, (Node.PHENOTYPE_DOMAIN, p))
            for p in sym.phenotype_domains
        )
        rels.append(GraphRel.between(Rel.DEFAULT_LABEL, s, (Node.LABEL, sym.default_label)))
        rels.append(GraphRel.between(Rel.ONSET_IN, s, (Node.STAGE, sym.onset_stage)))
    for cited_label, cited in (
        (Node.STAGE, model.stages),
        (Node.POPULATION, model.populations),
        (Node.SYMPTOM, model.symptoms),
    ):
        for entity in cited:
            rels.append(
                GraphRel.between(Rel.CITES, (cited_label, entity.id), (Node.SOURCE, entity.source))
            )


def _timeline(model: DiseaseModel, nodes: list[GraphNode], rels: list[GraphRel]) -> None:
    for step in model.stage_transitions:
        rels.append(
            GraphRel.between(
                Rel.PROGRESSES_TO,
                (Node.STAGE, step.from_stage),
                (Node.STAGE, step.to_stage),
                probability=step.probability,
                source=step.source,
            )
        )
    density = {r.period: r for r in model.mention_density}
    periods = model.periods
    for offset in periods:
        nodes.append(
            GraphNode(
                label=Node.PERIOD,
                id=str(offset),
                props={
                    "offset": offset,
                    "mean_mentions": density[offset].mean_mentions,
                    "source": density[offset].source,
                },
            )
        )
    for a, b in itertools.pairwise(periods):
        rels.append(GraphRel.between(Rel.NEXT, (Node.PERIOD, str(a)), (Node.PERIOD, str(b))))
    for share in model.period_stage:
        rels.append(
            GraphRel.between(
                Rel.IN_STAGE,
                (Node.PERIOD, str(share.period)),
                (Node.STAGE, share.stage),
                probability=share.probability,
                source=share.source,
            )
        )
    by_period: dict[int, list[NoteTypeRate]] = defaultdict(list)
    for rate in sorted(model.note_type_rates, key=lambda r: (r.period, r.note_type)):
        by_period[rate.period].append(rate)
    for period, rows in by_period.items():
        total = _fsum_ordered([rate.visits_per_year for rate in rows])
        for rate in rows:
            rels.append(
                GraphRel.between(
                    Rel.HAS_NOTE_TYPE,
                    (Node.PERIOD, str(period)),
                    (Node.NOTE_TYPE, rate.note_type),
                    visits_per_year=rate.visits_per_year,
                    probability=rate.visits_per_year / total,
                    source=rate.source,
                )
            )


def _symptom_dynamics(model: DiseaseModel, rels: list[GraphRel]) -> None:
    for share in model.domain_prevalence:
        rels.append(
            GraphRel.between(
                Rel.DOMAIN_SHARE,
                (Node.STAGE, share.stage),
                (Node.LEXICON_DOMAIN, share.domain),
                probability=share.proportion,
                source=share.source,
            )
        )
    for prev in model.symptom_prevalence:
        rels.append(
            GraphRel.between(
                Rel.PREVALENCE,
                (Node.STAGE, prev.stage),
                (Node.SYMPTOM, prev.symptom),
                prevalence=prev.prevalence,
                source=prev.source,
            )
        )
    emits = emission_weights(model)
    for stage_id, probs in emits.items():
        for sym_id in sorted(probs):
            rels.append(
                GraphRel.between(
                    Rel.EMITS,
                    (Node.STAGE, stage_id),
                    (Node.SYMPTOM, sym_id),
                    probability=probs[sym_id],
                )
            )
    persist = model.parameter("symptom_persistence")
    evolve = model.parameter("symptom_evolution")
    for stage_id, probs in emits.items():
        edges: dict[str, dict[str, float]] = defaultdict(dict)
        for edge in model.symptom_transitions:
            if edge.stage in (None, stage_id) and edge.to_symptom in probs:
                edges[edge.from_symptom][edge.to_symptom] = (
                    edges[edge.from_symptom].get(edge.to_symptom, 0.0) + edge.weight
                )
        for sym in sorted(model.symptoms, key=lambda s: s.id):
            s = (Node.SYMPTOM, sym.id)
            out = edges.get(sym.id, {})
            rels.append(
                GraphRel.between(
                    Rel.TRANSITIONS_TO,
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
                    GraphRel.between(
                        Rel.TRANSITIONS_TO,
                        s,
                        (Node.SYMPTOM, target),
                        key=stage_id,
                        stage=stage_id,
                        kind="evolve",
                        probability=mass * out[target] / total,
                    )
                )
            rels.append(
                GraphRel.between(
                    Rel.RESAMPLES, s, (Node.STAGE, stage_id), probability=1.0 - persist - mass
                )
            )


def _personas(model: DiseaseModel, nodes: list[GraphNode], rels: list[GraphRel]) -> None:
    seen: set[str] = set()
    for marginal in model.persona_marginals:
        demo = f"{marginal.attribute}={marginal.category}"
        if demo not in seen:
            seen.add(demo)
            nodes.append(
                GraphNode(
                    label=Node.DEMOGRAPHIC,
                    id=demo,
                    props={"attribute": marginal.attribute, "category": marginal.category},
                )
            )
        rels.append(
            GraphRel.between(
                Rel.HAS_CATEGORY,
                (Node.POPULATION, marginal.population),
                (Node.DEMOGRAPHIC, demo),
                probability=marginal.probability,
                source=marginal.source,
            )
        )
    for prev in model.risk_factor_prevalence:
        cond = (
            "*"
            if prev.condition is None
            else f"{prev.condition.attribute}={prev.condition.category}"
        )
        rels.append(
            GraphRel.between(
                Rel.PREVALENT_IN,
                (Node.RISK_FACTOR, prev.risk_factor),
                (Node.POPULATION, prev.population),
                key=cond,
                condition=cond,
                prevalence=prev.prevalence,
                source=prev.source,
            )
        )
    for mod in model.risk_modifiers:
        stage = mod.stage or "*"
        key = f"{mod.target_kind}:{mod.target}:{stage}"
        common = {
            "target_kind": mod.target_kind,
            "stage": stage,
            "multiplier": mod.multiplier,
            "source": mod.source,
        }
        if mod.target_kind == "stage_transition":
            a, _, b = mod.target.partition(">")
            rels.append(
                GraphRel.between(
                    Rel.MODIFIES,
                    (Node.RISK_FACTOR, mod.risk_factor),
                    (Node.STAGE, b),
                    key=key,
                    from_stage=a,
                    **common,
                )
            )
        else:
            label = Node.LEXICON_DOMAIN if mod.target_kind == "domain" else Node.SYMPTOM
            rels.append(
                GraphRel.between(
                    Rel.MODIFIES,
                    (Node.RISK_FACTOR, mod.risk_factor),
                    (label, mod.target),
                    key=key,
                    **common,
                )
            )


def _reporters(model: DiseaseModel, nodes: list[GraphNode], rels: list[GraphRel]) -> None:
    """Reporter nodes, and ``REPORTED_BY`` shares per stage and note type (a ``*`` row of
    reporter_rates.csv stands for every note type without rows of its own)."""
    for rep in model.reporters:
        nodes.append(
            GraphNode(
                label=Node.REPORTER, id=rep.id, props=rep.model_dump(exclude={"id", "label_for"})
            )
        )
        if rep.label_for is not None:
            rels.append(
                GraphRel.between(
                    Rel.REPORT_LABEL, (Node.REPORTER, rep.id), (Node.LABEL, rep.label_for)
                )
            )
    specific = {(r.stage, r.note_type) for r in model.reporter_rates if r.note_type is not None}
    for row in model.reporter_rates:
        targets = (
            [row.note_type]
            if row.note_type is not None
            else [n.id for n in model.note_types if (row.stage, n.id) not in specific]
        )
        for note_type in sorted(targets):
            rels.append(
                GraphRel.between(
                    Rel.REPORTED_BY,
                    (Node.STAGE, row.stage),
                    (Node.REPORTER, row.reporter),
                    key=note_type,
                    note_type=note_type,
                    probability=row.probability,
                    source=row.source,
                )
            )


def _instruments(model: DiseaseModel, nodes: list[GraphNode], rels: list[GraphRel]) -> None:
    for row in model.screening_instruments:
        nodes.append(
            GraphNode(
                label=Node.INSTRUMENT,
                id=row.instrument,
                props={
                    "names": list(row.names),
                    "max_score": row.max_score,
                    "normal_from": row.normal_from,
                    "source": row.source,
                },
            )
        )
        rels.append(
            GraphRel.between(
                Rel.CITES, (Node.INSTRUMENT, row.instrument), (Node.SOURCE, row.source)
            )
        )


def disease_graph(model: DiseaseModel) -> GraphData:
    """Build the full graph of one disease (without personas)."""
    nodes: list[GraphNode] = []
    rels: list[GraphRel] = []
    _vocabulary(model, nodes, rels)
    _timeline(model, nodes, rels)
    _symptom_dynamics(model, rels)
    _personas(model, nodes, rels)
    _reporters(model, nodes, rels)
    _instruments(model, nodes, rels)
    return GraphData.build(model.name, nodes, rels)
