"""Round trip of the stage model: walk 20,000 patients with dualalign's own engine, export one
note per patient and year with its stage (and the recorded deaths), mine it, and recover every
stage transition probability and the period-stage shares the walks were drawn from.

The walk draws years before diagnosis backwards from the year of diagnosis, so naive forward
counts would be biased there; the miner fits the walk's own model (see
:mod:`dualalign.mining.stages`). 20,000 patients, not 5,000: the severe-dementia row is only
seen after diagnosis (two years of follow-up), where 5,000 patients give a sampling error of
about 0.02 on its own (measured: 0.022 at 5,000, 0.014 at 20,000, seed 7).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dualalign.mining import mine
from dualalign.ontology import load_disease
from tests.mining.cohort import walked_stage_observations
from tests.paths import ALZ

pytestmark = pytest.mark.slow

PATIENTS = 20_000
TOL = 0.02


@pytest.fixture(scope="module")
def cohort(alz_graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    obs = tmp_path_factory.mktemp("stages") / "observations.parquet"
    walked_stage_observations(alz_graph, PATIENTS, seed=7).to_parquet(obs, index=False)
    return obs


def _transitions(folder: Path) -> dict[tuple[str, str], float]:
    return {
        (r.from_stage, r.to_stage): r.probability for r in load_disease(folder).stage_transitions
    }


def _period_stage(folder: Path) -> dict[tuple[int, str], float]:
    return {(r.period, r.stage): r.probability for r in load_disease(folder).period_stage}


def test_round_trip_recovers_stage_transitions(cohort: Path, tmp_path: Path, figures) -> None:
    out = tmp_path / "mined"
    result = mine(cohort, ALZ, out, k=11, pseudo_count=0.0)
    truth, mined = _transitions(ALZ), _transitions(out)
    errors = {cell: abs(truth.get(cell, 0.0) - mined.get(cell, 0.0)) for cell in truth | mined}
    worst = max(errors, key=errors.__getitem__)
    figures(
        f"stage transitions, {PATIENTS} patients: max abs error {errors[worst]:.4f} "
        f"({worst[0]} -> {worst[1]}: {truth.get(worst, 0):.3f} vs {mined.get(worst, 0):.4f}); "
        f"mean {np.mean(list(errors.values())):.4f}"
    )
    assert errors[worst] <= TOL, errors
    # every cell the base has is learned from the cohort unless fewer than k patients had it
    learned = {r.from_stage + ">" + r.to_stage for r in load_disease(out).stage_transitions}
    assert {f"{a}>{b}" for a, b in truth} <= learned
    sources = {(r.from_stage, r.to_stage): r.source for r in load_disease(out).stage_transitions}
    assert sources[("severe_dementia", "death")] == result.source_key  # deaths were recorded
    assert sources[("mci", "mild_dementia")] == result.source_key

    t_ps, m_ps = _period_stage(ALZ), _period_stage(out)
    ps_err = max(abs(t_ps[c] - m_ps[c]) for c in t_ps if c[0] <= 0)
    figures(f"period-stage shares up to diagnosis: max abs error {ps_err:.4f}")
    assert ps_err <= TOL

    # timing: each stage's mean stay is the mined row's 12 / (1 - P(stay)), within 10 % of
    # the source's
    stays = {s.id: s.mean_duration_months for s in load_disease(out).stages if not s.terminal}
    for stage, months in stays.items():
        assert months == pytest.approx(12 / (1 - mined[(stage, stage)]), rel=1e-5)
    base = {s.id: s.mean_duration_months for s in load_disease(ALZ).stages if not s.terminal}
    figures(
        "mean stay months, source -> mined: "
        + ", ".join(f"{s} {base[s]:g} -> {stays[s]:.1f}" for s in stays)
    )
    text = (out / "disease.ttl").read_text(encoding="utf-8")
    assert "# Stages (da:order gives the progression order)" in text  # edited in place


def test_without_death_dates_death_keeps_the_base(cohort: Path, tmp_path: Path) -> None:
    import pandas as pd

    obs = tmp_path / "no_deaths.parquet"
    pd.read_parquet(cohort).drop(columns=["death_date"]).to_parquet(obs, index=False)
    out = tmp_path / "mined"
    result = mine(obs, ALZ, out, k=11, pseudo_count=0.0)
    truth, mined = _transitions(ALZ), _transitions(out)
    for (a, b), p in truth.items():
        if b == "death":
            assert mined[(a, b)] == p
    assert any("kept from the base (no death_date" in n for n in result.estimates.notes)
    # the survivors' shares still come from the cohort
    assert mined[("mci", "mild_dementia")] != truth[("mci", "mild_dementia")]
    assert abs(mined[("mci", "mild_dementia")] - truth[("mci", "mild_dementia")]) <= TOL


def test_without_a_stage_column_stages_come_from_the_base(cohort: Path, tmp_path: Path) -> None:
    import pandas as pd

    obs = tmp_path / "no_stage.parquet"
    pd.read_parquet(cohort).drop(columns=["stage"]).to_parquet(obs, index=False)
    out = tmp_path / "mined"
    result = mine(obs, ALZ, out, k=11)
    assert _transitions(out) == _transitions(ALZ)
    assert _period_stage(out) == _period_stage(ALZ)
    assert any("have no stage column" in n for n in result.estimates.notes)
