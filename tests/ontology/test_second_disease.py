"""A second disease (Parkinson's) runs end to end through the real CLI with no code change:
validate, graph load, walk, every named query and (with the local model) generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualalign.graph import load_named_queries
from dualalign.ontology import load_disease
from tests.paths import ROOT

PD = ROOT / "ontologies" / "parkinsons"
POPULATION = "us-pd"

# Parameters valid for Parkinson's for every named query in cypher/; a query added later
# without an entry here fails test_every_named_query_is_covered.
QUERY_PARAMS: dict[str, list[str]] = {
    "domain_share_by_period": ["domain=motor"],
    "domain_share_by_stage": ["domain=sleep_sensory"],
    "likely_trajectories": ["symptom=shuffling_gait", "stage=moderate", "steps=3", "limit=5"],
    "note_type_mix": ["from_period=-2", "to_period=2"],
    "reporter_mix": ["note_type=sleep_medicine"],
    "risk_factor_effects": ["risk_factor=depression"],
    "sequence_probability": ["symptoms=shuffling_gait,freezing_of_gait,falls", "stage=moderate"],
    "symptom_by_stage": ["symptom=falls"],
    "top_transitions": ["symptom=rem_sleep_behavior_disorder", "stage=prodromal", "limit=5"],
}


@pytest.fixture(scope="module")
def pd_model():
    return load_disease(PD)


def _ok(result) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _in_process(*args: str) -> str:
    """The same `dualalign` app in this process: the queries would otherwise pay the CLI's
    start-up once each and push the test past its time budget."""
    from dualalign.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_parkinsons_is_its_own_disease(pd_model):
    assert pd_model.name == "parkinsons"
    labels = {lab.id for lab in pd_model.labels}
    assert {"motor_symptoms", "non_motor_symptoms", "requires_assistance", "none"} <= labels
    # no Alzheimer's stage, label or population leaks into the second disease
    assert not {"mci", "mild_dementia", "physiological_changes"} & (
        labels | {s.id for s in pd_model.stages}
    )
    assert {p.id for p in pd_model.populations} == {POPULATION}
    terms = {s.id for s in pd_model.symptoms}
    assert {"rest_tremor", "bradykinesia", "rigidity", "freezing_of_gait", "falls"} <= terms
    assert {"rem_sleep_behavior_disorder", "hyposmia", "constipation", "hypophonia"} <= terms
    keys = {s.key for s in pd_model.sources}
    assert all(s.confidence == "A" for s in pd_model.sources if s.kind == "assumption")
    assert "marras_2018" in keys


def test_every_named_query_is_covered():
    assert set(load_named_queries()) == set(QUERY_PARAMS)


def test_parkinsons_chain_through_the_cli(run_cli, tmp_path):
    assert "parkinsons: 59 symptoms" in _ok(run_cli("ontology", "validate", str(PD)))
    assert "parkinsons" in _in_process("ontology", "list")
    assert "loaded 'parkinsons'" in _ok(run_cli("graph", "load", "--disease", "parkinsons"))

    walk = tmp_path / "w.jsonl"
    _ok(
        run_cli(
            "walk",
            "--patients",
            "5",
            "--population",
            POPULATION,
            "--seed",
            "3",
            "--out",
            str(walk),
        )
    )
    trajectories = _rows(walk)
    assert len(trajectories) == 5
    stages = {"prodromal", "early", "moderate", "advanced"}
    for traj in trajectories:
        assert traj["persona"]["population"] == POPULATION
        assert traj["visits"] and {v["stage"] for v in traj["visits"]} <= stages | {"death"}

    for name, params in QUERY_PARAMS.items():
        args = [x for p in params for x in ("--param", p)]
        rows = json.loads(_in_process("query", name, *args, "--format", "json"))
        assert isinstance(rows, list) and rows, f"{name} returned no rows for Parkinson's"
    # an unknown symptom is a clear empty result, not an error
    empty = _in_process(
        "query", "symptom_by_stage", "--param", "symptom=nosuch", "--format", "json"
    )
    assert json.loads(empty) == []


@pytest.mark.llm
@pytest.mark.slow
def test_generate_parkinsons_with_local_model(run_cli, tmp_path, pd_model):
    out = tmp_path / "run"  # --disease loads parkinsons into the empty private store
    _ok(
        run_cli(
            "generate",
            "--patients",
            "1",
            "--population",
            POPULATION,
            "--disease",
            "parkinsons",
            "--llm",
            "local",
            "--seed",
            "7",
            "--max-terms",
            "2",
            "--quiet",
            "--out",
            str(out),
            timeout=170,
        )
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["config"]["population"] == POPULATION
    sentences = _rows(out / "sentences.jsonl")
    assert sentences, "no sentences written"
    labels = {lab.id for lab in pd_model.labels}
    terms = {s.id for s in pd_model.symptoms}
    for row in sentences:
        assert row["label"] in labels and row["labels"]["rule"] in labels
        assert set(row["planned_symptoms"]) <= terms
