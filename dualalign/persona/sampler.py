"""Sample synthetic patients whose marginals follow a target population (persona alignment).

Demographic attributes are drawn from their marginals. Each risk factor is drawn with its
population prevalence; where the knowledge base gives a prevalence for a subgroup the persona
belongs to (e.g. ``sex=female``), that subgroup's effect is applied on the log-odds scale, so
several matching subgroups combine: logit p = logit p* + sum(logit p_c - logit p*).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dualalign.graph import schema
from dualalign.graph.data import Node, Rel
from dualalign.persona.distributions import PersonaDistributions, age_range
from dualalign.seeding import SeedLike, rng_for
from dualalign.types import Persona

__all__ = ["persona_graph_items", "sample_personas"]

_EPS = 1e-9
#: the youngest age at diagnosis a persona gets (younger-onset bands start at 30)
_MIN_DIAGNOSIS_AGE = 30
_REQUIRED = ("age_band", "sex", "race_ethnicity", "education")


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, _EPS, 1 - _EPS)
    return np.asarray(np.log(q / (1 - q)))


def sample_personas(
    dist: PersonaDistributions,
    population: str,
    n: int,
    seed: SeedLike = 0,
    *,
    id_prefix: str | None = None,
) -> list[Persona]:
    """Draw ``n`` personas for ``population``; the same seed gives the same personas.

    Raises:
        ConfigError: unknown population.
    """
    pop = dist.population(population)
    rng = rng_for(seed, 1)
    drawn: dict[str, np.ndarray] = {}
    for attr in _REQUIRED:
        cats, probs = pop.attributes[attr]
        drawn[attr] = rng.choice(len(cats), size=n, p=probs)
    logits = np.tile(_logit(pop.base), (n, 1))
    base_logit = _logit(pop.base)
    for (attr, cat), values in sorted(pop.conditional.items()):
        cats = pop.attributes.get(attr, ((), None))[0]
        if cat not in cats:
            continue
        members = drawn[attr] == cats.index(cat) if attr in drawn else np.zeros(n, bool)
        delta = np.where(np.isnan(values), 0.0, _logit(np.nan_to_num(values)) - base_logit)
        logits[members] += delta
    has = rng.random((n, len(pop.risk_factors))) < 1.0 / (1.0 + np.exp(-logits))
    ages = pop.attributes["age_band"][0]
    spans = [age_range(band) for band in ages]
    offsets = rng.random(n)
    prefix = id_prefix or f"{population}-s{seed if isinstance(seed, int) else 'g'}"
    personas = []
    for i in range(n):
        band = drawn["age_band"][i]
        lo, hi = spans[band]
        personas.append(
            Persona(
                id=f"{prefix}-{i:06d}",
                population=population,
                age_band=ages[band],
                age_at_diagnosis=max(
                    _MIN_DIAGNOSIS_AGE,
                    int(lo + offsets[i] * (hi - lo + 1) + dist.diagnosis_age_offset),
                ),
                sex=pop.attributes["sex"][0][drawn["sex"][i]],
                race_ethnicity=pop.attributes["race_ethnicity"][0][drawn["race_ethnicity"][i]],
                education=pop.attributes["education"][0][drawn["education"][i]],
                risk_factors=tuple(
                    rf for rf, yes in zip(pop.risk_factors, has[i], strict=True) if yes
                ),
            )
        )
    return personas


def persona_graph_items(personas: Sequence[Persona]) -> tuple[list[Node], list[Rel]]:
    """Persona nodes linked to their population and risk factors, for ``GraphStore.add``."""
    nodes, rels = [], []
    for p in personas:
        nodes.append(
            Node(
                label=schema.Node.PERSONA,
                id=p.id,
                props=p.model_dump(exclude={"id", "risk_factors"}),
            )
        )
        me = (schema.Node.PERSONA, p.id)
        population = (schema.Node.POPULATION, p.population)
        rels.append(Rel.between(schema.Rel.IN_POPULATION, me, population))
        rels.extend(
            Rel.between(schema.Rel.HAS_RISK_FACTOR, me, (schema.Node.RISK_FACTOR, rf))
            for rf in p.risk_factors
        )
    return nodes, rels
