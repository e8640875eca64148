"""Sample synthetic patients whose marginals follow a target population (persona alignment).

Demographic attributes are drawn from their marginals. Each risk factor is drawn from a
logistic model in the subgroups the persona belongs to (``sex=female``, ``age_band=85_plus``
...), calibrated so that the factor's marginal is its population prevalence and each
subgroup's prevalence its conditional row (:mod:`.calibrate`).

Draws are Latin-hypercube stratified (one uniform column per attribute, per risk factor and
for the age within its band): each persona is drawn exactly as with independent uniforms, but
a sample's shares sit within about 1/n of their targets instead of 1/sqrt(n), so 20 personas
already carry the population's mix (``bench/persona_marginals.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import qmc

from dualalign.graph import schema
from dualalign.graph.data import Node, Rel
from dualalign.persona.calibrate import calibrate
from dualalign.persona.distributions import PersonaDistributions, age_range
from dualalign.seeding import SeedLike, rng_for
from dualalign.types import Persona

__all__ = ["persona_graph_items", "sample_personas"]

#: the youngest age at diagnosis a persona gets (younger-onset bands start at 30)
_MIN_DIAGNOSIS_AGE = 30
_REQUIRED = ("age_band", "sex", "race_ethnicity", "education")


def sample_personas(
    dist: PersonaDistributions,
    population: str | None,
    n: int,
    seed: SeedLike = 0,
    *,
    id_prefix: str | None = None,
) -> list[Persona]:
    """Draw ``n`` personas for ``population`` (None: the disease's default population); the
    same seed gives the same personas.

    Raises:
        ConfigError: unknown population.
    """
    population = dist.resolve(population)
    pop = dist.population(population)
    if n <= 0:
        return []
    F = len(pop.risk_factors)
    # one stratified uniform column per draw: each persona's draws are uniform and the
    # columns independent, but every column has exactly one value in each 1/n of [0, 1)
    u = qmc.LatinHypercube(d=len(_REQUIRED) + F + 1, rng=rng_for(seed, 1)).random(n)
    drawn: dict[str, np.ndarray] = {}
    for j, attr in enumerate(_REQUIRED):
        cats, probs = pop.attributes[attr]
        drawn[attr] = np.minimum(
            np.searchsorted(np.cumsum(probs), u[:, j], side="right"), len(cats) - 1
        )
    cal = calibrate(pop)
    members = {
        (attr, cat): (
            drawn[attr] == pop.attributes[attr][0].index(cat)
            if attr in drawn
            else np.zeros(n, dtype=bool)
        )
        for attr, cat in cal.coef
    }
    has = u[:, len(_REQUIRED) : len(_REQUIRED) + F] < cal.probabilities(members, n)
    ages = pop.attributes["age_band"][0]
    spans = [age_range(band) for band in ages]
    offsets = u[:, -1]
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
