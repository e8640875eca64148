"""Benchmark: how close a sample's persona shares sit to their targets, stratified vs iid.

The sampler draws Latin-hypercube stratified uniforms (``dualalign.persona.sampler``); the
baseline is the same calibrated model fed independent uniforms, side by side on the same
seeds. For each sample size prints the mean absolute gap between a sample's share and its
target, over every demographic category and risk factor of ``us-ad``, averaged over seeds,
and the ratio stratified / iid::

    python bench/persona_marginals.py --seeds 20
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import numpy as np
import typer

from dualalign.ontology import load_disease, resolve_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.persona import PersonaDistributions, sample_personas
from dualalign.persona.calibrate import calibrate
from dualalign.persona.distributions import PopulationDistribution

_ATTRS = ("age_band", "sex", "race_ethnicity", "education")


def _iid_gap(pop: PopulationDistribution, n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    gaps = []
    drawn = {}
    for attr in _ATTRS:
        cats, probs = pop.attributes[attr]
        drawn[attr] = rng.choice(len(cats), size=n, p=probs)
        gaps += list(np.abs(np.bincount(drawn[attr], minlength=len(cats)) / n - probs))
    cal = calibrate(pop)
    members = {(a, c): drawn[a] == pop.attributes[a][0].index(c) for a, c in cal.coef}
    has = rng.random((n, len(pop.risk_factors))) < cal.probabilities(members, n)
    gaps += list(np.abs(has.mean(axis=0) - pop.base))
    return float(np.mean(gaps))


def _sampler_gap(dist: PersonaDistributions, name: str, n: int, seed: int) -> float:
    pop = dist.population(name)
    people = sample_personas(dist, name, n, seed)
    gaps = []
    for attr in _ATTRS:
        cats, probs = pop.attributes[attr]
        seen = Counter(getattr(p, attr) for p in people)
        gaps += [abs(seen[c] / n - q) for c, q in zip(cats, probs, strict=True)]
    has = Counter(rf for p in people for rf in p.risk_factors)
    gaps += [abs(has[rf] / n - q) for rf, q in zip(pop.risk_factors, pop.base, strict=True)]
    return float(np.mean(gaps))


def main(
    seeds: Annotated[int, typer.Option(min=1)] = 20,
    disease: str = "alzheimers",
    population: str = "us-ad",
) -> None:
    dist = PersonaDistributions.from_graph(disease_graph(load_disease(resolve_disease(disease))))
    pop = dist.population(population)
    print(f"{disease}/{population}: mean |share - target| over categories and risk factors")
    print(f"{'n':>7} {'stratified':>11} {'iid':>9} {'ratio':>7}")
    for n in (20, 100, 1000, 20000):
        ours = np.mean([_sampler_gap(dist, population, n, s) for s in range(seeds)])
        base = np.mean([_iid_gap(pop, n, s) for s in range(seeds)])
        print(f"{n:>7} {ours:>11.5f} {base:>9.5f} {ours / base:>7.2f}")


if __name__ == "__main__":
    typer.run(main)
