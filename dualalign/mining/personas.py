"""Persona marginals and risk-factor prevalences of one population, mined from a cohort:
distinct patients per category among those with a known value; risk factors (and the base's
conditional ``attribute=category`` rows) among patients with a ``risk_factors`` value."""

from __future__ import annotations

import numpy as np

from dualalign.mining.aggregate import Counts
from dualalign.mining.suppress import Log, Row, categorical, fmt, proportion
from dualalign.mining.terms import Vocabulary
from dualalign.ontology.model import DiseaseModel

__all__ = ["estimate_personas"]


def estimate_personas(
    model: DiseaseModel,
    vocab: Vocabulary,
    counts: Counts,
    *,
    k: int,
    a: float,
    source: str,
    log: Log,
    population: str,
) -> dict[str, list[Row]]:
    """``persona_marginals`` and (with a ``risk_factors`` column) ``risk_factor_prevalence``
    rows: ``population``'s rows mined, the other populations' copied."""
    c, v, pop = counts, vocab, population
    tables: dict[str, list[Row]] = {}
    marg_rows: list[Row] = []
    for row in model.persona_marginals:
        if row.population != pop or row.attribute not in c.p_cat:
            marg_rows.append(_as_row(row))
    for attr, cats in v.categories.items():
        if attr not in c.p_cat:
            continue
        base = {
            r.category: r
            for r in model.persona_marginals
            if r.population == pop and r.attribute == attr
        }
        prior = np.array([base[x].probability for x in cats])
        n = float(c.p_attr[attr])
        share, mined = categorical(
            c.p_cat[attr] / n if n else c.p_cat[attr],
            n,
            n,
            c.p_cat[attr],
            prior,
            k=k,
            a=a,
            log=log,
            table="persona_marginals.csv",
            names=[f"category={x}" for x in cats],
            row=f"population={pop}; attribute={attr}",
        )
        for m, cat in enumerate(cats):
            marg_rows.append(
                {
                    "population": pop,
                    "attribute": attr,
                    "category": cat,
                    "probability": fmt(share[m]),
                    "source": source if mined[m] else base[cat].source,
                }
            )
    tables["persona_marginals"] = marg_rows
    if not c.has["risk_factors"]:
        return tables
    rf_rows: list[Row] = []
    rpos = {r: i for i, r in enumerate(v.risk_factors)}
    for prev in model.risk_factor_prevalence:
        if prev.population != pop:
            rf_rows.append(_as_row(prev))
            continue
        f = rpos[prev.risk_factor]
        if prev.condition is None:
            yes, known = c.p_rf[f], c.p_rf_known
            cell = f"population={pop}; risk_factor={prev.risk_factor}; condition=*"
        else:
            cats = v.categories.get(prev.condition.attribute, ())
            key = (
                (prev.condition.attribute, cats.index(prev.condition.category))
                if prev.condition.category in cats
                else None
            )
            yes = c.p_rf_cond[key][f] if key in c.p_rf_cond else 0.0
            known = c.p_cond_known.get(key, 0) if key else 0
            cell = (
                f"population={pop}; risk_factor={prev.risk_factor}; condition="
                f"{prev.condition.attribute}={prev.condition.category}"
            )
        value, ok = proportion(float(yes), float(known), prev.prevalence, k=k, a=a)
        if not ok:
            log.cell("risk_factor_prevalence.csv", cell)
        new = _as_row(prev)
        new["prevalence"] = fmt(value)
        if ok:
            new["source"], new["note"] = source, "mined: share of patients"
        rf_rows.append(new)
    tables["risk_factor_prevalence"] = rf_rows
    return tables


def _as_row(row) -> Row:  # type: ignore[no-untyped-def]
    data = row.model_dump()
    if "condition" in data:
        cond = row.condition
        data["condition"] = "*" if cond is None else f"{cond.attribute}={cond.category}"
    return data
