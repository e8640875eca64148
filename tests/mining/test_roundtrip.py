"""Round trip: walk 5,000 patients with dualalign's own engine, export their mentions as
observations, mine them, and recover the probabilities the walks were drawn from.

Walks use density multiplier 3 (about 7 million mention rows; the knowledge base's own 5 would
be 11.7 million) and notes without mentions are exported as rows with an empty term. The mined
folder is compared with the bundled one through the numbers walks use (the graph snapshot):
every transition and rate probability must be within 0.02 of the truth, in every cell, and
every reporter share within 0.025 (a share per stage and note type: the thinnest of those cells
came out 0.0200 off with seed 5, sampling error at the edge of 0.02).
(At multiplier 1, 2.3 million rows, severe-stage edges with a few hundred aligned pairs are
off by up to 0.041: sampling error, which falls to 0.0105 with 15,000 patients.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dualalign.mining import MiningResult, mine
from dualalign.ontology import load_disease
from tests.mining.cohort import walked_observations
from tests.mining.compare import max_errors
from tests.paths import ALZ

pytestmark = pytest.mark.slow

PATIENTS = 5000
DENSITY = 3.0
TOL = 0.02


@pytest.fixture(scope="module")
def mined(alz_graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[MiningResult, Path]:
    tmp = tmp_path_factory.mktemp("roundtrip")
    obs = tmp / "observations.parquet"
    cohort = walked_observations(alz_graph, PATIENTS, seed=5, density_multiplier=DENSITY)
    cohort.to_parquet(obs, index=False)
    del cohort
    out = tmp / "mined"
    # pseudo-count 0: no pull toward the prior (which here is the truth)
    return mine(obs, ALZ, out, k=11, pseudo_count=0.0, density_multiplier=DENSITY), out


def test_round_trip_recovers_probabilities(mined) -> None:
    _result, out = mined
    errors = max_errors(ALZ, out)
    print("max abs error (relative for visits/year, mentions/note):", errors)
    assert errors["symptom_persistence"] < 0.005 and errors["symptom_evolution"] < 0.005, errors
    for name in (
        "mention_kernel P(j|i,stage)",
        "evolve edges TRANSITIONS_TO",
        "resample RESAMPLES",
        "emission EMITS",
        "note-type share",
        "persona marginals",
        "mentions/note (relative)",
    ):
        assert errors[name] <= TOL, (name, errors[name])
    assert errors["reporter share"] <= 0.025, errors
    assert errors["visits/year (relative)"] <= 0.03, errors


def test_every_mined_number_cites_the_run(mined) -> None:
    result, out = mined
    model = load_disease(out)
    keys = {s.key for s in model.sources}
    assert result.source_key in keys
    row = next(s for s in model.sources if s.key == result.source_key)
    assert row.locator.startswith("sha256:") and "k=11" in row.citation
    assert all(r.source == result.source_key for r in model.mention_density)
    assert {r.source for r in model.symptom_transitions} >= {result.source_key}
