"""Estimators: the walk's tables from cohort aggregates, smoothed toward the base priors.

Notation: a row's *prior* is the base disease's value; ``a`` (``--pseudo-count``, default 1) is
the prior's weight in **patient-equivalents**: a row observed ``n`` times in ``m`` patients is
estimated as ``(n * observed + a * (n/m) * prior) / (n + a * n/m)``, i.e. the prior counts as
much as one typical patient when ``a = 1`` (a Dirichlet/additive pseudo-count). Every cell
supported by fewer than ``k`` distinct patients takes the prior (see :mod:`.suppress`).

* ``mention_density.csv`` (per period = floor of years from diagnosis): notes hold
  Poisson(lambda) mentions. When the file lists notes without mentions (rows with an empty
  term) lambda is the mean mentions per note; otherwise such notes are invisible and lambda
  solves the zero-truncated mean ``lambda / (1 - exp(-lambda)) = mentions / notes``.
  ``mean_mentions = lambda / --density-multiplier`` (1 for real notes; the knowledge base's
  multiplier when the observations are dualalign walks).
* ``note_type_rates.csv``: visits per year = notes of the type in the period / patient-years
  of follow-up in that period (a patient is followed from the year of their first to the year
  of their last note), divided by ``1 - exp(-lambda)`` when notes without mentions are
  invisible; ``a`` patient-years of prior.
* ``domain_prevalence.csv`` and ``symptom_prevalence.csv`` (the walk's ``EMITS``): from *fresh*
  mentions, i.e. those the walk draws from ``EMITS`` afresh: every mention of a patient's
  first note, and mention slots beyond the number of mentions of the patient's previous note
  (mentions are taken in ``mention_index`` order, else file order). Domain shares per stage,
  then the symptom's share within its domain among symptoms documented by that stage (their
  onset stage); that share is written as ``symptom_prevalence.csv`` (a relative emission
  weight, which is how the walk uses it, not a patient prevalence; its note column says so).
* ``symptom_persistence``, ``symptom_evolution`` (``parameters.csv``) and the weights of
  ``symptom_transitions.csv``: from aligned pairs (slot k of a note and slot k of the
  patient's previous note, stage of the later note) under the walk's own kernel
  ``P(j | i, s) = p [j = i] + e_is w_ij / W_is + (1 - p - e_is) EMITS(s, j)``, with
  ``e_is = e`` where ``i`` has curated evolution edges to symptoms documented by stage ``s``.
  Method of moments: ``p`` from the share of repeats, ``e`` from the share of steps onto an
  edge target, each net of what re-drawing from ``EMITS`` explains (two alternations); then
  edge weights by a fixed point (EM) that matches the excess of each edge over re-drawing,
  respecting which targets each stage allows. The curated edges of the base are kept (new
  edges are not proposed); each source's weights are smoothed toward the base weights.
* ``reporter_rates.csv``: the share of each reporter per stage and note type (``*`` rows pool
  the note types without rows of their own in the base).
* ``persona_marginals.csv`` and ``risk_factor_prevalence.csv`` of ``--population``
  (:mod:`.personas`): distinct
  patients per category among those with a known value; risk factors (and the base's
  conditional ``attribute=category`` rows) among patients with a ``risk_factors`` value.

* ``stage_transitions.csv``, ``period_stage.csv`` and each stage's ``da:meanDurationMonths``
  when the observations have a ``stage`` column: the walk's own stage model fitted by maximum
  likelihood (:mod:`.stages`); without one they are copied from the base, and the run says so.

Not mined (copied from the base): symptom onset and risk modifiers. Mined emission, kernel and
stage transitions are cohort averages, so the base risk modifiers applied on top of them count
risk factors again.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from dualalign.mining.aggregate import Counts
from dualalign.mining.personas import estimate_personas
from dualalign.mining.stages import estimate_stages
from dualalign.mining.suppress import Log, Row, categorical, fmt, rate
from dualalign.mining.terms import Vocabulary
from dualalign.ontology.model import DiseaseModel, ReporterRate
from dualalign.ontology.to_graph import emission_weights

__all__ = ["Estimates", "estimate", "truncated_poisson_mean"]


@dataclass
class Estimates:
    """Rows of each mined table (CSV columns, with ``source`` and ``note``) and the kernel."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    emission: np.ndarray | None = None  # [S, K] mined EMITS
    notes: list[str] = field(default_factory=list)
    #: stage id -> mined mean stay in months (disease.ttl's da:meanDurationMonths)
    stage_months: dict[str, float] = field(default_factory=dict)


def truncated_poisson_mean(mean: float) -> float:
    """lambda with lambda / (1 - exp(-lambda)) = ``mean`` (``mean`` >= 1), by Newton."""
    if mean <= 1.0:
        return 0.0
    lam = mean
    for _ in range(100):
        q = -math.expm1(-lam)
        f = lam / q - mean
        df = (q - lam * math.exp(-lam)) / (q * q)
        step = f / df
        lam = max(lam - step, 1e-9)
        if abs(step) < 1e-12:
            break
    return lam


@dataclass(frozen=True)
class _Ctx:
    model: DiseaseModel
    vocab: Vocabulary
    counts: Counts
    k: int
    a: float
    source: str
    log: Log
    periods: tuple[int, ...]
    multiplier: float
    population: str


def estimate(
    model: DiseaseModel,
    vocab: Vocabulary,
    counts: Counts,
    *,
    k: int,
    pseudo_count: float,
    source: str,
    population: str,
    density_multiplier: float = 1.0,
) -> tuple[Estimates, Log]:
    """Every mined table, with suppression logged."""
    log = Log(k)
    ctx = _Ctx(
        model,
        vocab,
        counts,
        k,
        pseudo_count,
        source,
        log,
        model.periods,
        density_multiplier,
        population,
    )
    out = Estimates()
    lam = _density(ctx, out)
    if counts.has["note_type"]:
        _visits(ctx, out, lam)
    if counts.has["stage"]:
        st = estimate_stages(
            model, vocab.stages, counts, k=k, a=pseudo_count, source=source, log=log
        )
        out.tables["stage_transitions"] = st.transitions
        out.tables["period_stage"] = st.period_stage
        out.stage_months = st.months
        out.notes.extend(st.notes)
    else:
        out.notes.append(
            f"stage transitions, period-stage shares and stage durations copied from "
            f"{model.name} (the observations have no stage column)"
        )
    if counts.has["stage"]:
        _emission(ctx, out)
        _kernel(ctx, out)
        if counts.has["reporter"] and vocab.reporters:
            _reporters(ctx, out)
    out.tables.update(
        estimate_personas(
            model,
            vocab,
            counts,
            k=k,
            a=pseudo_count,
            source=source,
            log=log,
            population=population,
        )
    )
    return out, log


# ----------------------------------------------------------------- density and visits


def _density(ctx: _Ctx, out: Estimates) -> np.ndarray:
    """Mean mentions per note by period; returns lambda per period (observation units)."""
    c, rows = ctx.counts, []
    base = {r.period: r for r in ctx.model.mention_density}
    lam = np.zeros(c.T)
    for t, period in enumerate(ctx.periods):
        prior = base[period].mean_mentions * ctx.multiplier
        notes, mentions = c.n_notes_t[t], c.n_mentions_t[t]
        if c.p_notes_t[t] < ctx.k or notes == 0:
            if notes or prior:
                ctx.log.cell("mention_density.csv", f"period={period}", "period")
            lam[t] = prior
            rows.append(
                {
                    "period": period,
                    "mean_mentions": base[period].mean_mentions,
                    "source": base[period].source,
                    "note": "base value (suppressed)",
                }
            )
            continue
        mean = mentions / notes
        raw = mean if c.complete_notes else truncated_poisson_mean(mean)
        unit = notes / c.p_notes_t[t]
        value = (notes * raw + ctx.a * unit * prior) / (notes + ctx.a * unit)
        lam[t] = raw
        rows.append(
            {
                "period": period,
                "mean_mentions": fmt(min(value / ctx.multiplier, 50.0)),
                "source": ctx.source,
                "note": "mined: mentions per note"
                + ("" if c.complete_notes else " (zero-truncated Poisson)"),
            }
        )
    out.tables["mention_density"] = rows
    return lam


def _visits(ctx: _Ctx, out: Estimates, lam: np.ndarray) -> None:
    c, rows = ctx.counts, []
    base = {(r.period, r.note_type): r for r in ctx.model.note_type_rates}
    for t, period in enumerate(ctx.periods):
        seen = 1.0 if c.complete_notes else -math.expm1(-lam[t]) if lam[t] > 0 else 1.0
        for n, nt in enumerate(ctx.vocab.note_types):
            b = base[(period, nt)]
            enough = c.p_notes_t[t] >= ctx.k
            value, mined = rate(
                c.n_notes_tn[t, n] / seen,
                c.exposure_t[t],
                c.p_notes_tn[t, n] if enough else 0,
                b.visits_per_year,
                k=ctx.k,
                a=ctx.a,
            )
            if not mined and (b.visits_per_year > 0 or c.n_notes_tn[t, n] > 0):
                ctx.log.cell("note_type_rates.csv", f"period={period}; note_type={nt}")
            rows.append(
                {
                    "period": period,
                    "note_type": nt,
                    "visits_per_year": fmt(min(value, 52.0)),
                    "source": ctx.source if mined else b.source,
                    "note": "mined: notes per patient-year of follow-up"
                    if mined
                    else "base value (suppressed)",
                }
            )
    out.tables["note_type_rates"] = rows


# ----------------------------------------------------------------- emission


def _eligible(ctx: _Ctx) -> np.ndarray:
    order = {s.id: s.order for s in ctx.model.stages}
    by_id = {s.id: s for s in ctx.model.symptoms}
    return np.array(
        [
            [order[by_id[j].onset_stage] <= order[s] for j in ctx.vocab.symptoms]
            for s in ctx.vocab.stages
        ]
    )


def _base_emission(ctx: _Ctx) -> np.ndarray:
    emits = emission_weights(ctx.model)
    E = np.zeros((len(ctx.vocab.stages), len(ctx.vocab.symptoms)))
    pos = {x: i for i, x in enumerate(ctx.vocab.symptoms)}
    for s, stage in enumerate(ctx.vocab.stages):
        for sym, p in emits.get(stage, {}).items():
            E[s, pos[sym]] = p
    return E


def _emission(ctx: _Ctx, out: Estimates) -> None:
    c, v = ctx.counts, ctx.vocab
    terminal = {s.id for s in ctx.model.stages if s.terminal}
    base_share = {(r.stage, r.domain): r for r in ctx.model.domain_prevalence}
    elig = _eligible(ctx)
    E0 = _base_emission(ctx)
    E = np.zeros_like(E0)
    dom_rows: list[Row] = []
    sym_rows: list[Row] = []
    D = len(v.domains)
    for s, stage in enumerate(v.stages):
        if stage in terminal:
            continue
        counts_d = np.bincount(v.symptom_domain, weights=c.n_fresh_sk[s], minlength=D)
        n = counts_d.sum()
        prior = np.array(
            [
                base_share[(stage, d)].proportion if (stage, d) in base_share else 0.0
                for d in v.domains
            ]
        )
        share, mined = categorical(
            counts_d / n if n else counts_d,
            n,
            c.p_fresh_s[s],
            c.p_fresh_sd[s],
            prior,
            k=ctx.k,
            a=ctx.a,
            log=ctx.log,
            table="domain_prevalence.csv",
            names=[f"domain={d}" for d in v.domains],
            row=f"stage={stage}",
        )
        for d, dom in enumerate(v.domains):
            if (stage, dom) in base_share:
                dom_rows.append(
                    {
                        "stage": stage,
                        "domain": dom,
                        "proportion": fmt(share[d]),
                        "source": ctx.source if mined[d] else base_share[(stage, dom)].source,
                        "note": "mined: share of fresh mentions"
                        if mined[d]
                        else "base value (suppressed)",
                    }
                )
            members = np.flatnonzero((v.symptom_domain == d) & elig[s])
            if share[d] <= 0 or members.size == 0:
                continue
            cnt = c.n_fresh_sk[s, members]
            tot = cnt.sum()
            w0 = E0[s, members]
            w0 = w0 / w0.sum() if w0.sum() > 0 else np.full(members.size, 1 / members.size)
            w, wm = categorical(
                cnt / tot if tot else cnt,
                tot,
                c.p_fresh_sd[s, d],
                c.p_fresh_sk[s, members],
                w0,
                k=ctx.k,
                a=ctx.a,
                log=ctx.log,
                table="symptom_prevalence.csv",
                names=[f"symptom={v.symptoms[j]}" for j in members],
                row=f"stage={stage}; domain={dom}",
            )
            E[s, members] = share[d] * w
            for j, wj, mj in zip(members, w, wm, strict=True):
                sym_rows.append(
                    {
                        "stage": stage,
                        "symptom": v.symptoms[j],
                        "prevalence": fmt(wj),
                        "source": ctx.source,
                        "note": "mined: relative emission weight within the domain (share of "
                        "fresh mentions), not a patient prevalence"
                        if mj
                        else "base emission weight within the domain (suppressed)",
                    }
                )
    out.tables["domain_prevalence"] = dom_rows
    out.tables["symptom_prevalence"] = sym_rows
    out.emission = E


# ----------------------------------------------------------------- kernel


def _edges(ctx: _Ctx) -> tuple[list[tuple[int, int, int | None]], np.ndarray, list[str]]:
    """The base's curated edges as (from, to, stage index or None), weights and sources."""
    pos = {x: i for i, x in enumerate(ctx.vocab.symptoms)}
    spos = {x: i for i, x in enumerate(ctx.vocab.stages)}
    keys, weights, sources = [], [], []
    for e in ctx.model.symptom_transitions:
        keys.append(
            (pos[e.from_symptom], pos[e.to_symptom], None if e.stage is None else spos[e.stage])
        )
        weights.append(e.weight)
        sources.append(e.source)
    return keys, np.array(weights, dtype=float), sources


def _kernel(ctx: _Ctx, out: Estimates) -> None:
    c, _v = ctx.counts, ctx.vocab
    assert out.emission is not None
    E = out.emission
    S, K = E.shape
    keys, w0, sources = _edges(ctx)
    active = E > 0  # targets the stage can emit (to_graph keeps only these)
    # which keys are active in each stage, and the weight matrix per (stage, from, to)

    def key_active(key: tuple[int, int, int | None], s: int) -> bool:
        _i, j, ks = key
        return (ks is None or ks == s) and bool(active[s, j])

    has_edge = np.zeros((S, K), dtype=bool)
    for key in keys:
        for s in range(S):
            if key_active(key, s):
                has_edge[s, key[0]] = True
    n_is = c.n_pair_sij.sum(axis=2)  # [S, K]
    same = np.einsum("sii->si", c.n_pair_sij)
    targets = np.zeros((S, K, K), dtype=bool)
    for i, j, ks in keys:
        for s in range(S):
            if key_active((i, j, ks), s) and j != i:
                targets[s, i, j] = True
    to_target = (c.n_pair_sij * targets).sum(axis=2)
    E_target = np.einsum("sij,sj->si", targets, E)
    E_self = E  # E[s, i]: a re-draw that happens to repeat i
    base_p = ctx.model.parameter("symptom_persistence")
    base_e = ctx.model.parameter("symptom_evolution")
    p, e = base_p, base_e
    total = n_is.sum()
    if c.p_pairs < ctx.k or total == 0:
        ctx.log.cell("parameters.csv", "symptom_persistence, symptom_evolution", "estimate")
        return
    for _ in range(20):
        ev = np.where(has_edge, e, 0.0)
        num = same.sum() - (n_is * (1 - ev) * E_self).sum()
        den = (n_is * (1 - E_self)).sum()
        p = min(max(num / den, 0.0), 1.0)
        A = has_edge & (n_is > 0)
        num_e = to_target[A].sum() - (n_is[A] * (1 - p) * E_target[A]).sum()
        den_e = (n_is[A] * (1 - E_target[A])).sum()
        e = min(max(num_e / den_e, 0.0), 1.0 - p) if den_e > 0 else base_e
    unit = total / c.p_pairs
    shrink = ctx.a * unit
    p = (total * p + shrink * base_p) / (total + shrink)
    e = min((total * e + shrink * base_e) / (total + shrink), 1.0 - p)
    out.parameters = {"symptom_persistence": fmt(p), "symptom_evolution": fmt(e)}
    out.tables["symptom_transitions"] = _edge_weights(
        ctx, E, keys, w0, sources, n_is, has_edge, p, e, key_active
    )


def _edge_weights(ctx, E, keys, w0, sources, n_is, has_edge, p, e, key_active):  # type: ignore[no-untyped-def]
    """EM fixed point of the edge weights, smoothed per source, then suppressed per cell."""
    c, v = ctx.counts, ctx.vocab
    assert len(keys) == len(w0)
    S = c.S
    redraw = 1 - p - np.where(has_edge, e, 0.0)  # [S, K]
    excess = np.maximum(c.n_pair_sij - n_is[:, :, None] * redraw[:, :, None] * E[:, None, :], 0)
    by_source: dict[int, list[int]] = defaultdict(list)
    for q, (i, _, _) in enumerate(keys):
        by_source[i].append(q)
    theta = w0.copy()
    est = np.zeros_like(w0)
    for i, qs in by_source.items():
        th = theta[qs].astype(float)
        stages = [s for s in range(S) if has_edge[s, i] and n_is[s, i] > 0]
        if not stages:
            est[qs] = w0[qs] / w0[qs].sum()
            continue
        for _ in range(200):
            num = np.zeros(len(qs))
            den = np.zeros(len(qs))
            for s in stages:
                act = np.array([key_active(keys[q], s) for q in qs])
                W = th[act].sum()
                eff: dict[int, float] = defaultdict(float)
                for q, a_ in zip(qs, act, strict=True):
                    if a_:
                        eff[keys[q][1]] += th[qs.index(q)]
                for m, q in enumerate(qs):
                    if not act[m]:
                        continue
                    j = keys[q][1]
                    num[m] += excess[s, i, j] * th[m] / eff[j] if eff[j] > 0 else 0.0
                    den[m] += n_is[s, i] * e / W
            new = np.where(den > 0, num / np.where(den > 0, den, 1), th)
            new = np.maximum(new, 1e-9)
            if np.allclose(new / new.sum(), th / th.sum(), atol=1e-10):
                th = new
                break
            th = new
        est[qs] = th / th.sum()
    rows: list[Row] = []
    for i, qs in sorted(by_source.items()):
        prior = w0[qs] / w0[qs].sum()
        n = float(sum(excess[s, i, j] for s in range(S) for j in {keys[q][1] for q in qs}))
        support = np.array([c.p_pair_ij[i, keys[q][1]] for q in qs])
        names = [
            f"to={v.symptoms[keys[q][1]]}; stage="
            f"{'*' if keys[q][2] is None else v.stages[keys[q][2]]}"
            for q in qs
        ]
        share, mined = categorical(
            est[qs],
            n,
            c.p_pair_i[i],
            support,
            prior,
            k=ctx.k,
            a=ctx.a,
            log=ctx.log,
            table="symptom_transitions.csv",
            names=names,
            row=f"from={v.symptoms[i]}",
        )
        scale = w0[qs].sum()
        for m, q in enumerate(qs):
            i_, j, ks = keys[q]
            rows.append(
                {
                    "from_symptom": v.symptoms[i_],
                    "to_symptom": v.symptoms[j],
                    "stage": "*" if ks is None else v.stages[ks],
                    "weight": fmt(min(max(share[m] * scale, 1e-6), 100.0)),
                    "source": ctx.source if mined[m] else sources[q],
                }
            )
    return rows


# ----------------------------------------------------------------- reporters


def _reporters(ctx: _Ctx, out: Estimates) -> None:
    c, v = ctx.counts, ctx.vocab
    rpos = {r: i for i, r in enumerate(v.reporters)}
    npos = {n: i for i, n in enumerate(v.note_types)}
    base: dict[tuple[str, str | None], dict[str, ReporterRate]] = defaultdict(dict)
    for rr in ctx.model.reporter_rates:
        base[(rr.stage, rr.note_type)][rr.reporter] = rr
    rows: list[Row] = []
    for (stage, nt), by_rep in base.items():
        s = v.stages.index(stage)
        key = c.N if nt is None else npos[nt]
        prior = np.array([by_rep[r].probability if r in by_rep else 0.0 for r in v.reporters])
        cnt = c.n_rep[s, key]
        n = cnt.sum()
        share, mined = categorical(
            cnt / n if n else cnt,
            n,
            c.p_rep_row[s, key],
            c.p_rep[s, key],
            prior,
            k=ctx.k,
            a=ctx.a,
            log=ctx.log,
            table="reporter_rates.csv",
            names=[f"reporter={r}" for r in v.reporters],
            row=f"stage={stage}; note_type={nt or '*'}",
        )
        for rep_id, rep_row in by_rep.items():
            m = rpos[rep_id]
            rows.append(
                {
                    "stage": stage,
                    "note_type": nt or "*",
                    "reporter": rep_id,
                    "probability": fmt(share[m]),
                    "source": ctx.source if mined[m] else rep_row.source,
                }
            )
    out.tables["reporter_rates"] = rows
