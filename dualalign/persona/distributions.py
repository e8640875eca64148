"""Persona distributions read from the graph: demographic marginals and risk-factor
prevalences (with their conditional rows), per population."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from dualalign.errors import ConfigError, GraphEmptyError
from dualalign.graph.data import GraphData, as_float
from dualalign.graph.schema import Node, Rel

__all__ = ["PersonaDistributions", "PopulationDistribution", "age_range"]

_BAND_RE = (
    (re.compile(r"^under_(\d+)$"), lambda m: (max(0, int(m[1]) - 10), int(m[1]) - 1)),
    (re.compile(r"^(\d+)_(\d+)$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d+)_plus$"), lambda m: (int(m[1]), int(m[1]) + 10)),
)


def age_range(band: str) -> tuple[int, int]:
    """Inclusive ages of an age band id: ``65_74``, ``under_65`` (55-64) or ``85_plus`` (85-95).

    Raises:
        ConfigError: the id follows none of these patterns.
    """
    for pattern, span in _BAND_RE:
        match = pattern.match(band)
        if match:
            return span(match)
    raise ConfigError(
        f"age band '{band}' is not like 65_74, under_65 or 85_plus; rename it "
        "in persona_marginals.csv"
    )


@dataclass(frozen=True)
class PopulationDistribution:
    """Everything needed to sample personas of one population.

    Attributes:
        attributes: attribute -> (categories, probabilities), categories sorted.
        risk_factors: risk factor ids, sorted.
        base: unconditional prevalence per risk factor (aligned with ``risk_factors``).
        conditional: (attribute, category) -> array of prevalences (NaN where no row).
    """

    population: str
    attributes: dict[str, tuple[tuple[str, ...], np.ndarray]]
    risk_factors: tuple[str, ...]
    base: np.ndarray
    conditional: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonaDistributions:
    """Persona distributions of every population in a graph."""

    disease: str
    populations: dict[str, PopulationDistribution]
    groups: dict[str, str]  # risk factor -> group
    #: years added to an age drawn from the (prevalence) age bands to get age at diagnosis
    diagnosis_age_offset: float = 0.0
    #: the population the disease folder names as its default (da:defaultPopulation)
    default_population: str | None = None

    @classmethod
    def from_graph(cls, graph: GraphData) -> PersonaDistributions:
        """Read HAS_CATEGORY, PREVALENT_IN and IN_GROUP edges."""
        demo = {n.id: n.props for n in graph.nodes if n.label == Node.DEMOGRAPHIC}
        marg: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
        prev: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        groups: dict[str, str] = {}
        for r in graph.rels:
            if r.type == Rel.HAS_CATEGORY:
                d = demo[r.dst]
                marg[r.src][str(d["attribute"])].append(
                    (str(d["category"]), as_float(r.props["probability"]))
                )
            elif r.type == Rel.PREVALENT_IN:
                prev[r.dst][r.src][str(r.props["condition"])] = as_float(r.props["prevalence"])
            elif r.type == Rel.IN_GROUP:
                groups[r.src] = r.dst
        if not marg:
            raise GraphEmptyError(
                "the graph has no persona distributions; run `dualalign graph load` first"
            )
        pops = {}
        for pop in sorted(marg):
            attributes = {}
            for attr, pairs in sorted(marg[pop].items()):
                pairs.sort()
                probs = np.array([p for _, p in pairs])
                attributes[attr] = (tuple(c for c, _ in pairs), probs / probs.sum())
            factors = tuple(sorted(prev[pop]))
            base = np.array([prev[pop][rf].get("*", 0.0) for rf in factors])
            conditional: dict[tuple[str, str], np.ndarray] = {}
            for i, rf in enumerate(factors):
                for cond, value in prev[pop][rf].items():
                    if cond == "*":
                        continue
                    attr, _, cat = cond.partition("=")
                    arr = conditional.setdefault((attr, cat), np.full(len(factors), np.nan))
                    arr[i] = value
            pops[pop] = PopulationDistribution(pop, attributes, factors, base, conditional)
        disease = next(
            (n.props for n in graph.nodes if n.label == Node.DISEASE and n.id == graph.disease), {}
        )
        offset = as_float(disease.get("param_diagnosis_age_offset", 0.0))
        default = disease.get("default_population")
        return cls(graph.disease, pops, groups, offset, str(default) if default else None)

    def resolve(self, name: str | None) -> str:
        """``name``, or the disease's default population when it is None.

        Raises:
            ConfigError: ``name`` is not a population of this graph, or no name is given and
                the graph names no default (the message lists the choices).
        """
        choices = ", ".join(self.populations)
        if name is None:
            if self.default_population in self.populations:
                return str(self.default_population)
            if len(self.populations) == 1:
                return next(iter(self.populations))
            raise ConfigError(
                f"the {self.disease} graph names no default population; pass --population "
                f"with one of: {choices} (or reload it with `dualalign graph load`)"
            )
        if name not in self.populations:
            default = self.default_population or (
                next(iter(self.populations)) if len(self.populations) == 1 else None
            )
            hint = f", or leave it out for the default ({default})" if default else ""
            raise ConfigError(
                f"unknown population '{name}' for {self.disease}; use --population with one "
                f"of: {choices}{hint}"
            )
        return name

    def population(self, name: str | None = None) -> PopulationDistribution:
        """The distribution of one population (None: the default one).

        Raises:
            ConfigError: unknown population (the message lists the known ones).
        """
        return self.populations[self.resolve(name)]
