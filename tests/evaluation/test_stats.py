"""The experiment's statistics on a small fixed example, each against an independent
computation: macro-F1 from counts against scikit-learn, the bootstrap against a plain loop over
the same draws, the randomisation p-value against exact enumeration of every swap."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from dualalign.evaluation.metrics import macro_f1
from dualalign.evaluation.stats import compare, estimate, macro_f1_counts, patient_counts

LABELS = ["none", "a", "b"]
# 6 test patients with 3 sentences each
TRUTH = ["none", "a", "b"] * 6
PATIENTS = [f"p{i // 3}" for i in range(18)]
IDS = sorted(set(PATIENTS))
RNG = np.random.default_rng(42)


def _noisy(accuracy: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [t if rng.random() < accuracy else str(rng.choice(LABELS)) for t in TRUTH]


def _counts(preds: list[list[str]]) -> np.ndarray:
    return np.stack([patient_counts(TRUTH, p, PATIENTS, IDS, LABELS) for p in preds])


def test_macro_f1_from_counts_is_scikit_learns() -> None:
    from sklearn.metrics import f1_score

    for seed in range(20):
        pred = _noisy(0.5, seed)
        pred[0] = "b"  # no prediction of some label, or no support, in some draws
        ours = float(macro_f1_counts(patient_counts(TRUTH, pred, PATIENTS, IDS, LABELS).sum(0)))
        sk = f1_score(TRUTH, pred, labels=LABELS, average="macro", zero_division=0)
        assert ours == pytest.approx(sk)
        assert ours == pytest.approx(macro_f1(TRUTH, pred, LABELS))


def test_estimate_is_the_mean_and_the_bootstrap_of_a_plain_loop() -> None:
    preds = [_noisy(0.7, s) for s in (1, 2, 3)]  # 3 replicates
    est = estimate(_counts(preds), n_boot=300, seed=5)
    assert est.mean == pytest.approx(np.mean([macro_f1(TRUTH, p, LABELS) for p in preds]))
    # the same draws, resampled by hand: replicates, then patients, then F1 of the sentences
    rng = np.random.default_rng(5)
    reps = rng.integers(0, 3, size=(300, 3))
    pats = rng.integers(0, len(IDS), size=(300, len(IDS)))
    boots = []
    for b in range(300):
        scores = []
        for r in reps[b]:
            rows = [i for p in pats[b] for i in range(18) if PATIENTS[i] == IDS[p]]
            scores.append(macro_f1([TRUTH[i] for i in rows], [preds[r][i] for i in rows], LABELS))
        boots.append(np.mean(scores))
    low, high = np.percentile(boots, [2.5, 97.5])
    assert (est.low, est.high) == pytest.approx((low, high))
    assert est.low <= est.mean <= est.high
    assert est.high > est.low  # noisy predictions: a real interval


def test_identical_conditions_differ_by_nothing() -> None:
    counts = _counts([_noisy(0.6, 9)])
    c = compare(counts, counts, n_boot=200, n_perm=200)
    assert (c.diff, c.low, c.high) == (0.0, 0.0, 0.0)
    assert c.p == 1.0
    assert c.verdict() == "no measurable gain"


def test_randomisation_p_matches_exact_enumeration() -> None:
    a_pred, b_pred = _noisy(0.9, 3), _noisy(0.45, 4)
    a, b = _counts([a_pred]), _counts([b_pred])
    c = compare(a, b, n_boot=500, n_perm=20_000, seed=1)
    observed = macro_f1(TRUTH, a_pred, LABELS) - macro_f1(TRUTH, b_pred, LABELS)
    assert c.diff == pytest.approx(observed)
    # every one of the 2^6 ways of swapping the two conditions' predictions per patient
    null = []
    for swap in product((0, 1), repeat=len(IDS)):
        sa = [b_pred[i] if swap[IDS.index(PATIENTS[i])] else a_pred[i] for i in range(18)]
        sb = [a_pred[i] if swap[IDS.index(PATIENTS[i])] else b_pred[i] for i in range(18)]
        null.append(macro_f1(TRUTH, sa, LABELS) - macro_f1(TRUTH, sb, LABELS))
    exact = float(np.mean(np.abs(null) >= abs(observed) - 1e-12))
    assert c.p == pytest.approx(exact, abs=0.01)
    assert c.low > 0 and c.verdict() == "gain"
    assert compare(b, a, n_boot=500, n_perm=500, seed=1).verdict() == "loss"


def test_a_single_replicate_condition_pairs_with_every_replicate() -> None:
    gold = _counts([_noisy(0.6, 11)])
    runs = _counts([_noisy(0.8, s) for s in (12, 13, 14)])
    c = compare(runs, gold, n_boot=200, n_perm=200)
    per_rep = [
        macro_f1(TRUTH, _noisy(0.8, s), LABELS) - macro_f1(TRUTH, _noisy(0.6, 11), LABELS)
        for s in (12, 13, 14)
    ]
    assert c.diff == pytest.approx(np.mean(per_rep))


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="replicate, patient, label, 3"):
        estimate(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="cannot pair"):
        compare(_counts([TRUTH, TRUTH]), _counts([TRUTH, TRUTH, TRUTH]))  # 3 is not 2k


def test_near_duplicates_and_nested_budgets() -> None:
    from dualalign.evaluation.comparison import _budget_index
    from dualalign.evaluation.diagnose import near_duplicates

    texts = [
        "Daughter says she repeats questions.",
        "daughter says she repeats questions",  # the same words
        "Daughter says she repeats the questions.",  # Jaccard 5/6
        "BP 120/80.",
    ]
    assert near_duplicates(texts) == 2
    assert near_duplicates(texts, threshold=0.9) == 1
    quarter, half, full = (_budget_index(40, f, 3) for f in (0.25, 0.5, 1.0))
    assert (len(quarter), len(half), len(full)) == (10, 20, 40)
    assert set(quarter) <= set(half) <= set(full)  # a larger budget adds sentences


def test_gold_per_classifier_seed_pairs_with_the_same_seed_of_each_run() -> None:
    gold = [_noisy(0.6, 21), _noisy(0.5, 22)]  # classifier seeds 0, 1
    runs = [_noisy(0.8, s) for s in (31, 32, 33, 34)]  # (gen 1, seed 0), (1, 1), (2, 0), (2, 1)
    c = compare(_counts(runs), _counts(gold), n_boot=100, n_perm=100)
    expected = np.mean(
        [macro_f1(TRUTH, runs[i], LABELS) - macro_f1(TRUTH, gold[i % 2], LABELS) for i in range(4)]
    )
    assert c.diff == pytest.approx(expected)
