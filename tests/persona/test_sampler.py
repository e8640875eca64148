"""Persona alignment: sampled marginals match the graph's target distributions (chi-square)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from dualalign.errors import ConfigError
from dualalign.persona import PersonaDistributions, age_range, sample_personas

N = 20_000
ALPHA = 1e-3


@pytest.fixture(scope="module")
def dists(alz_graph):
    return PersonaDistributions.from_graph(alz_graph)


def _targets(alz_graph, population: str) -> dict[str, dict[str, float]]:
    """Marginals read straight from the graph's HAS_CATEGORY edges (not via the sampler)."""
    demo = {n.id: n.props for n in alz_graph.nodes if n.label == "Demographic"}
    out: dict[str, dict[str, float]] = {}
    for r in alz_graph.rels:
        if r.type == "HAS_CATEGORY" and r.src == population:
            d = demo[r.dst]
            out.setdefault(d["attribute"], {})[d["category"]] = r.props["probability"]
    return out


@pytest.mark.parametrize("population", ["us-ad", "va"])
def test_demographic_marginals_match_target(alz_graph, dists, population):
    personas = sample_personas(dists, population, N, seed=11)
    for attribute, target in _targets(alz_graph, population).items():
        seen = Counter(getattr(p, attribute) for p in personas)
        cats = [c for c in sorted(target) if target[c] > 0]
        observed = np.array([seen[c] for c in cats])
        expected = np.array([target[c] for c in cats]) * N / sum(target[c] for c in cats)
        assert sum(seen.values()) == sum(observed)  # nothing outside the support
        _, p = stats.chisquare(observed, expected)
        assert p > ALPHA, (population, attribute, p)


def test_unconditional_risk_factor_prevalence(alz_graph, dists):
    personas = sample_personas(dists, "va", N, seed=12)
    conditional = {
        r.src
        for r in alz_graph.rels
        if r.type == "PREVALENT_IN" and r.dst == "va" and r.props["condition"] != "*"
    }
    base = {
        r.src: r.props["prevalence"]
        for r in alz_graph.rels
        if r.type == "PREVALENT_IN" and r.dst == "va" and r.props["condition"] == "*"
    }
    counts = Counter(rf for p in personas for rf in p.risk_factors)
    checked = 0
    for rf, prevalence in base.items():
        if rf in conditional or not 0 < prevalence < 1:
            continue
        result = stats.binomtest(counts[rf], N, prevalence)
        assert result.pvalue > ALPHA, (rf, counts[rf] / N, prevalence)
        checked += 1
    assert checked >= 10


def test_conditional_prevalence_applies_within_subgroup(alz_graph, dists):
    rows = [
        r
        for r in alz_graph.rels
        if r.type == "PREVALENT_IN" and r.dst == "us-ad" and r.props["condition"] != "*"
    ]
    single = Counter(r.src for r in rows)
    row = next(r for r in rows if single[r.src] == 1)  # one subgroup row: exact target
    attribute, category = row.props["condition"].split("=")
    personas = sample_personas(dists, "us-ad", N, seed=13)
    members = [p for p in personas if getattr(p, attribute) == category]
    hits = sum(row.src in p.risk_factors for p in members)
    assert stats.binomtest(hits, len(members), row.props["prevalence"]).pvalue > ALPHA


def test_same_seed_same_personas_other_seed_differs(dists):
    a = sample_personas(dists, "us-ad", 200, seed=5)
    assert a == sample_personas(dists, "us-ad", 200, seed=5)
    assert a != sample_personas(dists, "us-ad", 200, seed=6)


def test_personas_are_well_formed(dists):
    personas = sample_personas(dists, "us-ad", 500, seed=1)
    assert len({p.id for p in personas}) == 500
    # bands describe people living with the disease; diagnosis came diagnosis_age_offset earlier
    shift = dists.diagnosis_age_offset
    assert shift == -3
    for p in personas:
        lo, hi = age_range(p.age_band)
        assert max(30, lo + shift) <= p.age_at_diagnosis <= max(30, hi + shift)
        assert list(p.risk_factors) == sorted(set(p.risk_factors))


def test_unknown_population_lists_known(dists):
    with pytest.raises(ConfigError, match=r"unknown population 'mars'.*us-ad"):
        sample_personas(dists, "mars", 5)


@pytest.mark.parametrize(
    ("band", "span"), [("65_74", (65, 74)), ("under_65", (55, 64)), ("85_plus", (85, 95))]
)
def test_age_bands(band, span):
    assert age_range(band) == span


def test_bad_age_band():
    with pytest.raises(ConfigError, match="65_74"):
        age_range("old")
