"""Map what an observation file says onto the base disease's vocabulary, case-insensitively.

A ``term`` maps to a symptom through its id, label, synonyms, lay phrases, abbreviations and
xrefs (``HP:0002354`` ...). Stages, note types and reporters map through id or label (note
types also through their abbreviation), demographic categories and risk factors through their
ids (risk factors also through label and synonyms). A phrase shared by two symptoms maps to
neither and is reported as ambiguous. Mapping is vectorised: each batch's distinct values are
looked up once (``pandas.factorize``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dualalign.ontology.model import DiseaseModel
from dualalign.ontology.text import normalise

__all__ = ["AMBIGUOUS", "UNKNOWN", "Vocabulary", "normalise"]

#: codes for values that map to nothing, or to more than one entry
UNKNOWN = -1
AMBIGUOUS = -2


def _lookup(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    found: dict[str, set[int]] = defaultdict(set)
    for text, code in pairs:
        key = normalise(text)
        if key:
            found[key].add(code)
    return {k: (next(iter(v)) if len(v) == 1 else AMBIGUOUS) for k, v in found.items()}


@dataclass(frozen=True)
class Vocabulary:
    """Ordered ids of each kind (array positions) and their lookup tables."""

    symptoms: tuple[str, ...]
    domains: tuple[str, ...]
    symptom_domain: np.ndarray
    stages: tuple[str, ...]  # non-terminal and terminal, by order
    note_types: tuple[str, ...]
    reporters: tuple[str, ...]
    risk_factors: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]  # demographic attribute -> categories (population)
    term_map: dict[str, int]
    stage_map: dict[str, int]
    note_type_map: dict[str, int]
    reporter_map: dict[str, int]
    risk_factor_map: dict[str, int]
    category_maps: dict[str, dict[str, int]]

    @classmethod
    def build(cls, model: DiseaseModel, population: str) -> Vocabulary:
        symptoms = tuple(sorted(s.id for s in model.symptoms))
        domains = tuple(sorted(d.id for d in model.lexicon_domains))
        by_id = {s.id: s for s in model.symptoms}
        sym_pairs: list[tuple[str, int]] = []
        for k, sid in enumerate(symptoms):
            s = by_id[sid]
            for text in (sid, s.label, *s.synonyms, *s.lay_phrases, *s.abbreviations, *s.xrefs):
                sym_pairs.append((text, k))
            sym_pairs.append((sid.replace("_", " "), k))
        stages = tuple(s.id for s in sorted(model.stages, key=lambda s: s.order))
        stage_by = {s.id: s for s in model.stages}
        note_types = tuple(sorted(n.id for n in model.note_types))
        note_by = {n.id: n for n in model.note_types}
        reporters = tuple(r.id for r in sorted(model.reporters, key=lambda r: r.order))
        rep_by = {r.id: r for r in model.reporters}
        risk_factors = tuple(sorted(r.id for r in model.risk_factors))
        rf_by = {r.id: r for r in model.risk_factors}
        categories: dict[str, list[str]] = defaultdict(list)
        for row in model.persona_marginals:
            if row.population == population and row.category not in categories[row.attribute]:
                categories[row.attribute].append(row.category)
        cats = {a: tuple(sorted(c)) for a, c in categories.items()}
        return cls(
            symptoms,
            domains,
            np.array([domains.index(by_id[s].lexicon_domain) for s in symptoms]),
            stages,
            note_types,
            reporters,
            risk_factors,
            cats,
            _lookup(sym_pairs),
            _lookup((t, i) for i, s in enumerate(stages) for t in (s, stage_by[s].label)),
            _lookup(
                (t, i)
                for i, n in enumerate(note_types)
                for t in (n, note_by[n].label, note_by[n].abbreviation or "")
            ),
            _lookup((t, i) for i, r in enumerate(reporters) for t in (r, rep_by[r].label)),
            _lookup(
                (t, i)
                for i, r in enumerate(risk_factors)
                for t in (r, rf_by[r].label, *rf_by[r].synonyms)
            ),
            {a: _lookup((c, i) for i, c in enumerate(v)) for a, v in cats.items()},
        )


def map_values(values: pd.Series, table: dict[str, int]) -> tuple[np.ndarray, pd.Series]:
    """Codes for ``values`` (UNKNOWN / AMBIGUOUS where they map to nothing / several), and
    the normalised distinct values, indexed by the codes ``pd.factorize`` gave."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = pd.Series([normalise(str(u)) for u in uniques], dtype=object)
    mapped = np.array([table.get(k, UNKNOWN) for k in keys], dtype=np.int64)
    out = np.where(codes >= 0, mapped[np.maximum(codes, 0)] if mapped.size else UNKNOWN, UNKNOWN)
    return out, keys
