"""Alias-table sampling and first-order walks reproduce their weights (chi-square)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from dualalign.walk import RowSampler, random_walks

ALPHA = 1e-3


def _random_csr(rng, n=300, degree=6):
    indptr = np.arange(0, n * degree + 1, degree)
    indices = rng.integers(0, n, size=n * degree)
    weights = rng.random(n * degree) + 0.05
    return indptr, indices, weights


def test_row_sampler_matches_weights():
    rng = np.random.default_rng(1)
    weights = np.array([[0.1, 0.0, 0.6, 0.3], [5.0, 1.0, 0.0, 4.0]])
    sampler = RowSampler.dense(weights)
    for row in range(2):
        draws = sampler.draw(np.full(100_000, row), rng)
        support = weights[row] > 0
        observed = np.bincount(draws, minlength=4)
        assert observed[~support].sum() == 0
        expected = weights[row][support] / weights[row].sum() * draws.size
        assert stats.chisquare(observed[support], expected).pvalue > ALPHA


def test_dead_end_rows_give_minus_one():
    sampler = RowSampler(np.array([0, 2, 2, 3]), np.array([1, 2, 0]), np.array([1.0, 1.0, 0.0]))
    rng = np.random.default_rng(0)
    assert (sampler.draw(np.array([1, 1, 2]), rng) == -1).all()


def test_walk_transitions_match_edge_weights():
    rng = np.random.default_rng(2)
    indptr, indices, weights = _random_csr(rng)
    sampler = RowSampler(indptr, indices, weights)
    starts = rng.integers(0, indptr.size - 1, size=20_000)
    walks = random_walks(sampler, starts, 10, seed=3)  # 200k steps
    src, dst = walks[:, :-1].ravel(), walks[:, 1:].ravel()
    n = indptr.size - 1
    observed = np.zeros((n, n))
    np.add.at(observed, (src, dst), 1)
    expected = np.zeros((n, n))
    rows = np.repeat(np.arange(n), np.diff(indptr))
    np.add.at(expected, (rows, indices), weights)
    expected = expected / expected.sum(axis=1, keepdims=True) * observed.sum(axis=1, keepdims=True)
    mask = expected > 0
    assert observed[~mask].sum() == 0
    chi2 = ((observed[mask] - expected[mask]) ** 2 / expected[mask]).sum()
    dof = mask.sum() - n
    assert stats.chi2.sf(chi2, dof) > ALPHA


def test_walks_stop_at_dead_ends_and_are_seeded():
    sampler = RowSampler(np.array([0, 1, 2, 2]), np.array([1, 2]), np.array([1.0, 1.0]))
    walks = random_walks(sampler, np.array([0, 0, 2]), 4, seed=0)
    assert walks[0].tolist() == [0, 1, 2, -1, -1]
    assert walks[2].tolist() == [2, -1, -1, -1, -1]
    rng = np.random.default_rng(4)
    indptr, indices, weights = _random_csr(rng)
    s = RowSampler(indptr, indices, weights)
    starts = np.arange(100)
    assert (random_walks(s, starts, 8, seed=1) == random_walks(s, starts, 8, seed=1)).all()
    assert (random_walks(s, starts, 8, seed=1) != random_walks(s, starts, 8, seed=2)).any()
