"""Round trip: walk 5,000 patients with dualalign's own engine, export their mentions as
observations, mine them, and recover the probabilities the walks were drawn from.

Walks use density multiplier 1 (about 2.3 million mention rows; multiplier 5 would be 11
million) and notes without mentions are exported as rows with an empty term. The mined folder
is compared with the bundled one through the numbers walks use (the graph snapshot). A
probability must be within 0.02 of the truth wherever the data can resolve 0.02 (four
standard errors of the cell's own sample at most 0.02); thinner cells (e.g. severe-stage
evolution edges with a few hundred aligned pairs) must be within four standard errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dualalign.mining import MiningResult, mine
from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.persona.distributions import PersonaDistributions
from dualalign.walk import TrajectorySnapshot
from dualalign.walk.tables import BaseTables
from tests.mining.cohort import walked_observations
from tests.paths import ALZ

pytestmark = pytest.mark.slow

PATIENTS = 5000
TOL = 0.02


@pytest.fixture(scope="module")
def mined(alz_graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[MiningResult, Path]:
    tmp = tmp_path_factory.mktemp("roundtrip")
    obs = tmp / "observations.parquet"
    walked_observations(alz_graph, PATIENTS, seed=5).to_parquet(obs, index=False)
    out = tmp / "mined"
    # pseudo-count 0: no pull toward the prior (which here is the truth)
    return mine(obs, ALZ, out, k=11, pseudo_count=0.0), out


def _snaps(out: Path) -> tuple[TrajectorySnapshot, TrajectorySnapshot]:
    truth = TrajectorySnapshot.from_graph(disease_graph(load_disease(ALZ)))
    return truth, TrajectorySnapshot.from_graph(disease_graph(load_disease(out)))


def _check(name: str, err: np.ndarray, p: np.ndarray, n: np.ndarray, report: dict) -> None:
    """|err| <= max(TOL, 4 SE) per cell; where 4 SE <= TOL that is the 0.02 bound."""
    se = np.sqrt(np.clip(p * (1 - p), 1e-12, None) / np.maximum(n, 1))
    resolvable = 4 * se <= TOL
    report[name] = (float(np.abs(err)[resolvable].max(initial=0)), float(np.abs(err).max()))
    assert (np.abs(err)[resolvable] <= TOL).all(), (name, report[name])
    assert (np.abs(err) <= np.maximum(TOL, 4 * se)).all(), (name, report[name])


def test_round_trip_recovers_probabilities(mined) -> None:
    result, out = mined
    t, m = _snaps(out)
    c = result.counts
    live = [s for s in range(len(t.stages)) if not t.terminal[s]]
    K = len(t.symptoms)
    assert (
        abs(m.parameter("symptom_persistence", 0) - t.parameter("symptom_persistence", 0)) < 0.005
    )
    assert abs(m.parameter("symptom_evolution", 0) - t.parameter("symptom_evolution", 0)) < 0.005
    report: dict[str, tuple[float, float]] = {}
    for name, a, b in (
        ("RESAMPLES", t.resample[live], m.resample[live]),
        ("EMITS", t.emission, m.emission),
        ("note-type share", t.note_share, m.note_share),
    ):
        report[name] = (float(np.abs(a - b).max()),) * 2
        assert np.abs(a - b).max() <= TOL, (name, report[name])
    # the one-step mention kernel P(j | i, stage), per source row's aligned pairs
    bt, bm = BaseTables.build(t), BaseTables.build(m)
    kt = np.stack([bt.mention_kernel(s, K) for s in live])
    km = np.stack([bm.mention_kernel(s, K) for s in live])
    n_rows = c.n_pair_sij.sum(axis=2)[live][:, :, None] * np.ones((1, 1, K))
    _check("mention kernel", km - kt, kt, n_rows, report)
    # reporters per (stage, note type): support of the row the cell was mined from
    rows = np.zeros(t.reporter_share.shape[:2])
    for s in range(rows.shape[0]):
        for n in range(rows.shape[1]):
            key = n if c.specific[s, n] else c.N
            rows[s, n] = c.n_rep[s, key].sum()
    _check(
        "reporter share",
        m.reporter_share - t.reporter_share,
        t.reporter_share,
        rows[:, :, None] * np.ones((1, 1, t.reporter_share.shape[2])),
        report,
    )
    rel_mentions = np.abs(m.mean_mentions / t.mean_mentions - 1).max()
    rel_visits = np.abs(m.visit_rate.sum(1) / t.visit_rate.sum(1) - 1).max()
    assert rel_mentions <= TOL and rel_visits <= 0.03, (rel_mentions, rel_visits)
    # persona marginals (5,000 sampled personas)
    tp = PersonaDistributions.from_graph(disease_graph(load_disease(ALZ))).population("us-ad")
    mp = PersonaDistributions.from_graph(disease_graph(load_disease(out))).population("us-ad")
    for attr, (_, probs) in tp.attributes.items():
        assert np.abs(probs - mp.attributes[attr][1]).max() <= TOL, attr
    print("max abs error (resolvable cells, all cells):", report)
    print("relative error: mentions/note", rel_mentions, "visits/year", rel_visits)


def test_every_mined_number_cites_the_run(mined) -> None:
    result, out = mined
    model = load_disease(out)
    keys = {s.key for s in model.sources}
    assert result.source_key in keys
    row = next(s for s in model.sources if s.key == result.source_key)
    assert row.locator.startswith("sha256:") and "k=11" in row.citation
    assert all(r.source == result.source_key for r in model.mention_density)
    assert {r.source for r in model.symptom_transitions} >= {result.source_key}
