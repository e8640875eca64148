"""The numbers the importer computes from a translated :class:`Course` rather than reads from
the module: the annual stage transitions, the year-to-stage map, the years before and after
diagnosis, and the lexicon-domain shares per stage.

* **Transitions** are annual: P(stay) = 1 - 12 / duration, the rest split over the next stages
  by the branch probabilities (``stage_transitions.csv``, cited to the module itself).
* **Year-to-stage map** (``period_stage.csv``): the annual stage chain run from the entry
  stages, conditioned on reaching the diagnosis stage at year 0; the years before diagnosis
  are the stage durations along the most likely path from the entry stage to the diagnosis
  stage (1 to 10), the years after it the expected living years after diagnosis (1 to 5).
* **Domain shares** (``domain_prevalence.csv``): proportional to the number of terms of each
  domain documented by each stage.

Every probability is rounded so that each distribution sums to exactly 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dualalign.ontology.synthea.mapping import CONDITIONS, DOMAIN_KEYWORDS, OTHER
from dualalign.ontology.synthea.translate import Course

__all__ = ["AnnualChain", "DomainShares", "annual_chain", "domain_shares"]


@dataclass(frozen=True)
class AnnualChain:
    """The annual stage model of a course (stages by identifier, ``death`` included)."""

    #: (from stage, to stage, probability, note) per row of ``stage_transitions.csv``.
    transitions: list[tuple[str, str, float, str]]
    #: The years of the timeline, ``-years_before`` .. ``years_after``.
    periods: list[int]
    #: (period, stage, probability) per row of ``period_stage.csv``.
    period_stage: list[tuple[int, str, float]]
    years_before: int
    years_after: int


@dataclass(frozen=True)
class DomainShares:
    """The lexicon domains the terms use (in domain order) and their shares per stage."""

    domains: list[str]
    #: (stage, domain, proportion) per row of ``domain_prevalence.csv``.
    shares: list[tuple[str, str, float]]


def _normalise(shares: dict[str, float], digits: int = 6) -> dict[str, float]:
    """Round shares to ``digits`` so they sum to exactly 1 (the remainder on the largest)."""
    total = math.fsum(shares.values())
    if total <= 0:
        return {}
    out = {k: round(v / total, digits) for k, v in shares.items()}
    top = max(out, key=lambda k: out[k])
    out[top] = round(1.0 - math.fsum(v for k, v in out.items() if k != top), digits)
    return out


def annual_chain(course: Course) -> AnnualChain:
    """The annual transition matrix over the stages and death, and the timeline it gives."""
    order, stage_ids, exits = course.order, course.stage_ids, course.exits
    duration, entry_stages, diag_stage = course.duration, course.entry_stages, course.diag_stage
    n = len(order)
    # annual transition matrix over stages + death (index n)
    T = [[0.0] * (n + 1) for _ in range(n + 1)]
    T[n][n] = 1.0
    trans_rows: list[tuple[str, str, float, str]] = []
    for s in order:
        i = index = order.index(s)
        if s in course.absorbing:
            T[i][i] = 1.0
            trans_rows.append((stage_ids[s], stage_ids[s], 1.0, "no way out"))
            continue
        stay = max(0.0, 1.0 - 12.0 / duration[s])
        probs = {stage_ids[s]: stay}
        for t, p in exits[s].items():
            key = "death" if t == "@death" else stage_ids[t]
            probs[key] = probs.get(key, 0.0) + (1.0 - stay) * p
        rounded = _normalise(probs)
        for key, p in rounded.items():
            j = n if key == "death" else [stage_ids[x] for x in order].index(key)
            T[index][j] = p
            trans_rows.append((stage_ids[s], key, p, ""))

    def step(v: list[float]) -> list[float]:
        return [math.fsum(v[i] * T[i][j] for i in range(n + 1)) for j in range(n + 1)]

    def power(v: list[float], k: int) -> list[float]:
        for _ in range(k):
            v = step(v)
        return v

    # years from entry to diagnosis, along the most likely path
    d = order.index(diag_stage)
    pi0 = [entry_stages.get(s, 0.0) for s in order] + [0.0]
    pi0 = [x / math.fsum(pi0) for x in pi0]
    months, cur, hops = 0.0, max(entry_stages, key=lambda s: entry_stages[s]), 0
    while cur != diag_stage and hops < n:
        months += duration[cur]
        nxt = [t for t in exits.get(cur, {}) if not t.startswith("@")]
        if not nxt:
            break
        cur = max(nxt, key=lambda t: exits[cur][t])
        hops += 1
    before = int(min(10, max(1, round(months / 12.0))))
    # expected living years after diagnosis (capped)
    alive, v = 0.0, [1.0 if i == d else 0.0 for i in range(n + 1)]
    for _ in range(10):
        v = step(v)
        alive += 1.0 - v[n]
    after = int(min(5, max(1, round(alive))))
    periods = list(range(-before, after + 1))
    ps_rows: list[tuple[int, str, float]] = []
    e_d = [1.0 if i == d else 0.0 for i in range(n + 1)]
    for p in periods:
        if p >= 0:
            w = power(e_d, p)[:n]
        else:
            k = -p
            prior = power(pi0, max(0, before - k))
            reach = [power([1.0 if j == i else 0.0 for j in range(n + 1)], k)[d] for i in range(n)]
            w = [prior[i] * reach[i] for i in range(n)]
            if math.fsum(w) <= 0:
                w = prior[:n]
        shares = _normalise({stage_ids[order[i]]: w[i] for i in range(n)})
        if not shares:
            shares = {stage_ids[diag_stage]: 1.0}
        for sid in (stage_ids[s] for s in order):
            ps_rows.append((p, sid, shares.get(sid, 0.0)))
    return AnnualChain(trans_rows, periods, ps_rows, before, after)


def domain_shares(course: Course) -> DomainShares:
    """Per stage, each used domain's share of the terms documented by then (all equal when
    none is)."""
    order, terms = course.order, course.terms
    domains_used = sorted(
        {t["domain"] for t in terms.values()},
        key=lambda dom: [x[0] for x in (*DOMAIN_KEYWORDS, OTHER, CONDITIONS)].index(dom),
    )
    dp_rows: list[tuple[str, str, float]] = []
    for s in order:
        k = order.index(s)
        counts = {dom: 0.0 for dom in domains_used}
        for term in terms.values():
            if order.index(term["onset"]) <= k:
                counts[term["domain"]] += 1.0
        if not any(counts.values()):
            counts = {dom: 1.0 for dom in domains_used}
        for dom, share in _normalise(counts).items():
            dp_rows.append((course.stage_ids[s], dom, share))
    return DomainShares(domains_used, dp_rows)
