"""Stage transitions, their timing and the period-stage shares, learned from stage steps.

The walk draws a patient's stage in the year of diagnosis from ``period_stage`` of period 0,
earlier years *backwards* with P(a in t | b in t + 1) = pi_t(a) P(a, b) / Z_t(b), where
Z_t(b) = sum_a' pi_t(a') P(a', b), and later years *forwards* with P(a, b)
(:mod:`dualalign.walk.engine`). The miner fits exactly that model to a cohort's stage steps
(:func:`dualalign.mining.aggregate.count_observations`) by maximum likelihood:

    sum_{t < 0} sum_ab C_t(a, b) log [pi_t(a) P(a, b) / Z_t(b)] + sum_{t >= 0} C_t(a, b) log P(a, b)

over the rows of ``P`` (``stage_transitions.csv``) and the pre-diagnosis rows of ``pi``
(``period_stage.csv``), jointly, with L-BFGS on softmax coordinates (analytic gradient). So
the walk run on a mined folder reproduces the cohort's stage sequences; the naive forward
counts of the years before diagnosis would not (they are conditioned on diagnosis at year 0).
``period_stage`` of period 0 and later is the observed share of patients per stage (after
diagnosis the walk steps forward, so those later rows describe, they do not drive).

Suppression and smoothing follow :mod:`.suppress`: a cell (a -> b, or stage a in year t)
supported by fewer than ``k`` distinct patients keeps the base value and the free cells of its
row share the rest; a row of fewer than ``k`` patients keeps the base row; ``a``
patient-equivalents of the base act as Dirichlet pseudo-counts. Transitions into the terminal
stage are learned only from recorded deaths (``death_date`` with ``diagnosis_date``);
without them they keep the base values and the other cells are the survivors' shares.
Timing: each stage's ``da:meanDurationMonths`` becomes 12 / (1 - P(stay)) of the mined row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from dualalign.mining.aggregate import Counts
from dualalign.mining.suppress import Log, Row, categorical, fmt
from dualalign.ontology.model import DiseaseModel

__all__ = ["StageEstimates", "estimate_stages"]

_MLE_NOTE = "mined: maximum likelihood over stage steps"


@dataclass
class StageEstimates:
    """Rows of ``stage_transitions.csv`` and ``period_stage.csv``, the mined mean stay per
    stage (months) and what a user should be told."""

    transitions: list[Row]
    period_stage: list[Row]
    months: dict[str, float]
    notes: list[str]


@dataclass
class _Free:
    """Free cells of a row-stochastic array and the mass its fixed cells hold."""

    value: np.ndarray  # full array, fixed cells at their base value
    free: np.ndarray  # bool mask of free cells

    def rows(self) -> list[int]:
        return [i for i in range(self.value.shape[0]) if self.free[i].any()]


def _softmax_rows(free: _Free, x: np.ndarray) -> np.ndarray:
    """The array with free cells set from logits ``x`` (row by row, in mask order)."""
    out = free.value.copy()
    at = 0
    for i in free.rows():
        cols = np.flatnonzero(free.free[i])
        z = x[at : at + cols.size]
        at += cols.size
        e = np.exp(z - z.max())
        mass = 1.0 - free.value[i, ~free.free[i]].sum()
        out[i, cols] = mass * e / e.sum()
    return out


def _logits(free: _Free) -> np.ndarray:
    parts = []
    for i in free.rows():
        v = free.value[i, free.free[i]]
        parts.append(np.log(np.maximum(v, 1e-6)))
    return np.concatenate(parts) if parts else np.zeros(0)


def _chain(free: _Free, value: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """d/dlogits from d/dlog(value): g_i - s_i * sum_j g_j over each row's free cells."""
    parts = []
    for i in free.rows():
        cols = np.flatnonzero(free.free[i])
        g = grad[i, cols]
        mass = value[i, cols].sum()
        s = value[i, cols] / mass if mass > 0 else np.full(cols.size, 1.0 / cols.size)
        parts.append(g - s * g.sum())
    return np.concatenate(parts) if parts else np.zeros(0)


def _fit(
    C: np.ndarray, t0: int, P: _Free, pi: _Free, alpha: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Maximise the walk's likelihood of the steps ``C`` [T, S, S] over the free cells."""
    back, fwd = C[:t0], C[t0:].sum(axis=0)
    nP = int(P.free.sum())
    scale = max(float(C.sum()), 1.0)

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        Pm = _softmax_rows(P, x[:nP])
        pm = _softmax_rows(pi, x[nP:])
        p_t = pm[:t0]  # [t0, S]
        joint = p_t[:, :, None] * Pm[None, :, :]  # [t0, S(a), S(b)]
        Z = joint.sum(axis=1)  # [t0, S(b)]
        with np.errstate(divide="ignore", invalid="ignore"):
            logP = np.where(Pm > 0, np.log(np.where(Pm > 0, Pm, 1.0)), 0.0)
            logpi = np.where(p_t > 0, np.log(np.where(p_t > 0, p_t, 1.0)), 0.0)
            logZ = np.where(Z > 0, np.log(np.where(Z > 0, Z, 1.0)), 0.0)
            col = back.sum(axis=1)  # [t0, S(b)]: steps into b
            ll = (
                float((back.sum(axis=2) * logpi).sum())
                + float(((back.sum(axis=0) + fwd + alpha) * logP).sum())
                - float((col * logZ).sum())
                + float((beta[:t0] * logpi).sum())
            )
            share = np.where(Z[:, None, :] > 0, joint / np.where(Z > 0, Z, 1.0)[:, None, :], 0.0)
        expected = col[:, None, :] * share  # [t0, S(a), S(b)]
        gP = back.sum(axis=0) + fwd + alpha - expected.sum(axis=0)
        gpi = np.zeros_like(pm)
        gpi[:t0] = back.sum(axis=2) + beta[:t0] - expected.sum(axis=2)
        grad = np.concatenate([_chain(P, Pm, gP), _chain(pi, pm, gpi)])
        return -ll / scale, -grad / scale

    x0 = np.concatenate([_logits(P), _logits(pi)])
    if x0.size:
        res = minimize(objective, x0, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
        x0 = res.x
    return _softmax_rows(P, x0[:nP]), _softmax_rows(pi, x0[nP:])


def estimate_stages(
    model: DiseaseModel,
    stages: tuple[str, ...],
    counts: Counts,
    *,
    k: int,
    a: float,
    source: str,
    log: Log,
) -> StageEstimates:
    """Fit ``stage_transitions``, ``period_stage`` and the stays to ``counts``' stage steps."""
    S, periods = len(stages), model.periods
    T, t0 = len(periods), periods.index(0)
    pos = {s: i for i, s in enumerate(stages)}
    by_id = {s.id: s for s in model.stages}
    terminal = np.array([by_id[s].terminal for s in stages])
    P0 = np.zeros((S, S))
    base_tr = {(r.from_stage, r.to_stage): r for r in model.stage_transitions}
    for (fa, tb), tr in base_tr.items():
        P0[pos[fa], pos[tb]] = tr.probability
    pi0 = np.zeros((T, S))
    base_ps = {(r.period, r.stage): r for r in model.period_stage}
    for (period, st), row in base_ps.items():
        pi0[periods.index(period), pos[st]] = row.probability
    ps_stages = [s for s in stages if any((p, s) in base_ps for p in periods)]
    notes: list[str] = []
    C = counts.n_step_tab.copy()
    deaths = counts.has.get("death", False) and counts.death_stage is not None
    if not deaths:
        notes.append(
            "transitions into "
            + ", ".join(s for s, t in zip(stages, terminal, strict=True) if t)
            + " kept from the base (no death_date with diagnosis_date in the observations); "
            "the other transitions are the survivors' shares"
        )

    # free cells of P: rows of >= k patients, cells of >= k patients
    Pf = _Free(P0.copy(), np.zeros((S, S), dtype=bool))
    for i in range(S):
        if terminal[i] or not P0[i].any():
            continue
        name = f"from_stage={stages[i]}"
        if counts.p_step_a[i] < k:
            log.cell("stage_transitions.csv", name, "row")
            continue
        Pf.free[i] = counts.p_step_ab[i] >= k
        if not deaths:
            Pf.free[i] &= ~terminal
        for j in np.flatnonzero(~Pf.free[i]):
            if (P0[i, j] > 0 or C[:, i, j].sum() > 0) and (deaths or not terminal[j]):
                log.cell("stage_transitions.csv", f"{name}; to_stage={stages[j]}")
        if 1.0 - P0[i, ~Pf.free[i]].sum() <= 0:
            Pf.free[i] = False
        for j in np.flatnonzero(Pf.free[i] & (P0[i] == 0)):
            Pf.value[i, j] = 1e-3  # a transition the base lacks: start it small
    # free cells of pi before diagnosis: periods of >= k patients, stages of >= k patients
    pif = _Free(pi0.copy(), np.zeros((T, S), dtype=bool))
    live = np.array([s in ps_stages for s in stages]) & ~terminal
    for t in range(t0):
        row_n = counts.n_stage_ts[t].sum()
        name = f"period={periods[t]}"
        if row_n < k:
            log.cell("period_stage.csv", name, "row")
            continue
        pif.free[t] = (counts.n_stage_ts[t] >= k) & live
        for j in np.flatnonzero(~pif.free[t] & live):
            if pi0[t, j] > 0 or counts.n_stage_ts[t, j] > 0:
                log.cell("period_stage.csv", f"{name}; stage={stages[j]}")
        if 1.0 - pi0[t, ~pif.free[t]].sum() <= 0:
            pif.free[t] = False
        for j in np.flatnonzero(pif.free[t] & (pi0[t] == 0)):
            pif.value[t, j] = 1e-3
    for f in (Pf, pif):  # fixed mass + initial free values sum to 1 per free row
        for i in f.rows():
            fixed = f.value[i, ~f.free[i]].sum()
            cells = f.free[i]
            f.value[i, cells] *= (1.0 - fixed) / f.value[i, cells].sum()
    # steps impossible under the cells kept from the base cannot be explained: leave them out
    possible_P = (Pf.value > 0) | Pf.free
    possible_pi = (pif.value > 0) | pif.free
    ok = np.broadcast_to(possible_P[None], C.shape).copy()
    ok[:t0] &= possible_pi[:t0, :, None]
    dropped = int(C[~ok].sum())
    if dropped:
        notes.append(
            f"{dropped} stage steps are impossible under the transitions and period-stage "
            "shares kept from the base (cells of fewer than k patients) and were left out"
        )
    C = np.where(ok, C, 0.0)
    steps_a = C.sum(axis=(0, 2))
    unit = np.where(counts.p_step_a > 0, steps_a / np.maximum(counts.p_step_a, 1), 0.0)
    alpha = np.where(Pf.free, a * P0 * unit[:, None], 0.0)
    beta = np.where(pif.free, a * pi0, 0.0)
    P, pi = _fit(C, t0, Pf, pif, alpha, beta)

    transitions: list[Row] = []
    for fi in range(S):
        for tj in range(S):
            base = base_tr.get((stages[fi], stages[tj]))
            if base is None and not (Pf.free[fi, tj] and P[fi, tj] > 0):
                continue
            mined = bool(Pf.free[fi, tj])
            transitions.append(
                {
                    "from_stage": stages[fi],
                    "to_stage": stages[tj],
                    "probability": fmt(P[fi, tj]),
                    "source": source if mined or base is None else base.source,
                    "note": _MLE_NOTE if mined else "",
                }
            )
    months = {
        stages[i]: fmt(12.0 / (1.0 - P[i, i])) for i in range(S) if Pf.free[i, i] and P[i, i] < 1.0
    }
    rows: list[Row] = []
    cols = [pos[s] for s in ps_stages]
    for t, period in enumerate(periods):
        prior = pi0[t, cols]
        if t < t0:
            share, mined_mask = pi[t, cols], pif.free[t, cols]
        else:
            n = float(counts.n_stage_ts[t, cols].sum())
            est = counts.n_stage_ts[t, cols] / n if n else prior
            share, mined_mask = categorical(
                est,
                n,
                n,
                counts.n_stage_ts[t, cols],
                prior,
                k=k,
                a=a,
                log=log,
                table="period_stage.csv",
                names=[f"stage={s}" for s in ps_stages],
                row=f"period={period}",
            )
        for m_i, st in enumerate(ps_stages):
            base_row = base_ps.get((period, st))
            rows.append(
                {
                    "period": period,
                    "stage": st,
                    "probability": fmt(share[m_i]),
                    "source": source if mined_mask[m_i] or base_row is None else base_row.source,
                    "note": (
                        ""
                        if not mined_mask[m_i]
                        else _MLE_NOTE
                        if t < t0
                        else "mined: share of patients in the period"
                    ),
                }
            )
    return StageEstimates(transitions, rows, months, notes)
