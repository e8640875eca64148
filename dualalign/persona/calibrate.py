"""Calibrate the persona risk-factor model so each marginal hits its target.

A risk factor's probability for a persona is logistic in the subgroups it belongs to:
``logit p = b + sum_c beta_c [persona in c]`` over the knowledge base's conditional rows
``attribute=category`` of that factor. Adding each subgroup's log-odds difference to the
overall log-odds (the naive rule) shifts the marginal: us-ad hearing loss, 0.45 overall with
0.65 at 85+ and 0.10 under 65, comes out 0.509. Here ``b`` and ``beta`` are solved instead so
that, over the population's demographic distribution (attributes drawn independently from
their marginals), the expected prevalence is the overall target and each subgroup's expected
prevalence is its row's value: a logistic model fitted to expected moments (convex; L-BFGS),
then ``b`` alone is moved to hit the overall target exactly (a root in one variable), so
subgroup rows that contradict the overall one give way, never the overall one.

A subgroup row of exactly 0 or 1 (``low_education`` is 1 for ``education=less_than_high_school``)
fixes the probability of its members; the other personas are fitted around them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize
from scipy.special import expit

from dualalign.persona.distributions import PopulationDistribution

__all__ = ["Calibration", "calibrate", "expected_marginals"]

_FIXED = 1e-6  # a row this close to 0 or 1 fixes its members' probability
_RIDGE = 1e-8  # keeps coefficients finite where subgroup rows cannot all be met
_BOUND = 40.0  # log-odds search interval of the intercept


@dataclass(frozen=True)
class Calibration:
    """Per risk factor (aligned with the population's ``risk_factors``): the intercept, each
    subgroup's coefficient (0 where the factor has no row for it) and fixed probabilities
    (NaN where the subgroup does not fix the factor)."""

    intercept: np.ndarray
    coef: dict[tuple[str, str], np.ndarray]
    fixed: dict[tuple[str, str], np.ndarray]

    def probabilities(self, members: dict[tuple[str, str], np.ndarray], n: int) -> np.ndarray:
        """[n, F] probabilities for ``n`` personas; ``members`` marks who is in a subgroup."""
        logits = np.tile(self.intercept, (n, 1))
        for key, beta in self.coef.items():
            logits[members[key]] += beta
        prob = expit(logits)
        for key, value in self.fixed.items():
            cols = ~np.isnan(value)
            rows = members[key]
            prob[np.ix_(rows, cols)] = value[cols]
        return np.asarray(prob)


def _cells(
    pop: PopulationDistribution, keys: list[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Every combination of the attributes ``keys`` mention: weights and [cells, keys]
    membership."""
    attrs = sorted({a for a, _ in keys})
    combos = list(itertools.product(*(range(len(pop.attributes[a][0])) for a in attrs)))
    weights = np.ones(len(combos))
    member = np.zeros((len(combos), len(keys)), dtype=bool)
    for i, combo in enumerate(combos):
        for a, ci in zip(attrs, combo, strict=True):
            weights[i] *= pop.attributes[a][1][ci]
        for j, (a, cat) in enumerate(keys):
            member[i, j] = pop.attributes[a][0][combo[attrs.index(a)]] == cat
    return weights, member


def _one(
    target: float, rows: list[tuple[tuple[str, str], float]], pop: PopulationDistribution
) -> tuple[float, list[float], list[float]]:
    """Intercept, coefficient per row and fixed value per row (NaN: not fixed) of one factor."""
    if not rows:
        return float(np.log(max(target, 1e-12) / max(1 - target, 1e-12))), [], []
    keys = [key for key, _ in rows]
    values = np.array([v for _, v in rows])
    weights, member = _cells(pop, keys)
    fixes = (values <= _FIXED) | (values >= 1 - _FIXED)
    fixed_value = np.full(len(weights), np.nan)
    for j in np.flatnonzero(fixes):
        fixed_value[member[:, j] & np.isnan(fixed_value)] = values[j]
    free = np.isnan(fixed_value)
    forced = np.where(free, 0.0, fixed_value)
    fit = np.flatnonzero(~fixes)
    # rows for every category of an attribute are collinear with the intercept: the largest
    # category is then the reference (its row follows from the others and the overall target)
    for attr in {a for a, _ in keys}:
        cats = pop.attributes[attr][0]
        mine = [j for j in fit if keys[j][0] == attr]
        if len(mine) == len(cats):
            probs = pop.attributes[attr][1]
            ref = max(mine, key=lambda j: probs[cats.index(keys[j][1])])
            fit = fit[fit != ref]
    X = np.column_stack([np.ones(len(weights)), member[:, fit].astype(float)])
    share = np.array([weights[member[:, j]].sum() for j in fit])
    # target moments over the free cells: E[p] and E[p 1(c)], net of the fixed cells
    m = np.concatenate(
        [
            [target - (weights * forced).sum()],
            share * values[fit] - np.array([(weights * forced)[member[:, j]].sum() for j in fit]),
        ]
    )
    w = np.where(free, weights, 0.0)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = X @ theta
        f = float(w @ np.logaddexp(0.0, eta) - theta @ m + 0.5 * _RIDGE * theta[1:] @ theta[1:])
        g = X.T @ (w * expit(eta)) - m
        g[1:] += _RIDGE * theta[1:]
        return f, g

    theta0 = np.zeros(X.shape[1])
    theta0[0] = np.log(max(target, 1e-6) / max(1 - target, 1e-6))
    theta = (
        minimize(objective, theta0, jac=True, method="L-BFGS-B", options={"gtol": 1e-12}).x
        if w.sum() > 0
        else theta0
    )

    def gap(b: float) -> float:
        eta = b + X[:, 1:] @ theta[1:]
        return float(w @ expit(eta) - m[0])

    if w.sum() > 0 and gap(-_BOUND) < 0 < gap(_BOUND):
        theta[0] = brentq(gap, -_BOUND, _BOUND, xtol=1e-14)
    coef = [0.0] * len(rows)
    fixed = [float("nan")] * len(rows)
    for i, j in enumerate(fit):
        coef[j] = float(theta[i + 1])
    for j in np.flatnonzero(fixes):
        fixed[j] = float(values[j])
    return float(theta[0]), coef, fixed


def calibrate(pop: PopulationDistribution) -> Calibration:
    """Solve every risk factor's model of ``pop`` (see the module docstring)."""
    F = len(pop.risk_factors)
    intercept = np.zeros(F)
    known = [
        key for key in sorted(pop.conditional) if key[1] in pop.attributes.get(key[0], ((),))[0]
    ]
    coef = {key: np.zeros(F) for key in known}
    fixed = {key: np.full(F, np.nan) for key in known}
    for f in range(F):
        rows = [
            (key, float(pop.conditional[key][f]))
            for key in known
            if not np.isnan(pop.conditional[key][f])
        ]
        b, betas, fixes = _one(float(pop.base[f]), rows, pop)
        intercept[f] = b
        for (key, _), beta, fix in zip(rows, betas, fixes, strict=True):
            coef[key][f] = beta
            fixed[key][f] = fix
    return Calibration(intercept, coef, fixed)


def expected_marginals(pop: PopulationDistribution, cal: Calibration) -> np.ndarray:
    """Each risk factor's exact expected prevalence under ``cal`` (no sampling)."""
    keys = list(cal.coef)
    if not keys:
        return np.asarray(expit(cal.intercept))
    weights, member = _cells(pop, keys)
    members = {key: member[:, j] for j, key in enumerate(keys)}
    return np.asarray(weights @ cal.probabilities(members, len(weights)))
