"""`dualalign personas sample` and `dualalign walk`, as a user runs them."""

from __future__ import annotations

import json

import pytest

from dualalign.files import read_jsonl
from dualalign.types import Persona, Trajectory
from tests.cli.test_ontology_cli import _one_clean_error_line


@pytest.fixture
def loaded(run_cli):
    assert run_cli("graph", "load").returncode == 0


def test_personas_sample_writes_file_and_store(run_cli, loaded, tmp_path, _isolated_home):
    out = tmp_path / "personas.jsonl"
    result = run_cli(
        "personas", "sample", "-n", "50", "--population", "va", "--seed", "7", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    personas = read_jsonl(out, Persona)
    assert len(personas) == 50 and all(p.population == "va" for p in personas)
    again = tmp_path / "again.jsonl"
    run_cli(
        "personas", "sample", "-n", "50", "--population", "va", "--seed", "7", "--out", str(again)
    )
    assert again.read_bytes() == out.read_bytes()
    rows = json.loads(
        run_cli(
            "query", "risk_factor_effects", "-p", "risk_factor=depression", "--format", "json"
        ).stdout
    )
    carriers = sum("depression" in p.risk_factors for p in personas)
    assert rows and all(r["carriers"] == carriers and r["personas"] == 50 for r in rows)


def test_walk_writes_one_trajectory_per_patient(run_cli, loaded, tmp_path, alz_graph):
    out = tmp_path / "trajectories.jsonl"
    result = run_cli(
        "walk", "--patients", "20", "--population", "us-ad", "--seed", "7", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    trajectories = read_jsonl(out, Trajectory)
    assert len(trajectories) == 20
    assert all(t.provenance.seed == 7 for t in trajectories)
    assert all(t.provenance.graph_checksum == alz_graph.checksum for t in trajectories)
    assert "visits per patient" in result.stdout and "Stage mix" in result.stdout
    assert "Top symptoms" in result.stdout
    again = tmp_path / "again.jsonl"
    assert run_cli("walk", "--patients", "20", "--seed", "7", "--out", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()
    other = tmp_path / "other.jsonl"
    assert run_cli("walk", "--patients", "20", "--seed", "8", "--out", str(other)).returncode == 0
    assert other.read_bytes() != out.read_bytes()


def test_walk_from_a_personas_file(run_cli, loaded, tmp_path):
    personas = tmp_path / "p.jsonl"
    assert run_cli("personas", "sample", "-n", "5", "--out", str(personas)).returncode == 0
    out = tmp_path / "t.jsonl"
    result = run_cli(
        "walk",
        "--personas",
        str(personas),
        "--out",
        str(out),
        "--density-multiplier",
        "1",
        "--years-before",
        "3",
        "--years-after",
        "0",
    )
    assert result.returncode == 0, result.stderr
    trajectories = read_jsonl(out, Trajectory)
    assert [t.persona for t in trajectories] == read_jsonl(personas, Persona)
    assert all(-3 <= v.period <= 0 for t in trajectories for v in t.visits)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["walk", "--patients", "5", "--population", "mars", "--out", "{tmp}/t.jsonl"],
            "unknown population 'mars'",
        ),
        (["walk", "--patients", "5", "--out", "{tmp}"], "is a folder"),
        (
            ["walk", "--patients", "5", "--years-before", "40", "--out", "{tmp}/t.jsonl"],
            "--years-before",
        ),
        (["walk", "--personas", "{tmp}/missing.jsonl", "--out", "{tmp}/t.jsonl"], "no such file"),
        (["walk", "--personas", "{tmp}/bad.jsonl", "--out", "{tmp}/t.jsonl"], "bad.jsonl:2"),
    ],
)
def test_walk_bad_input(run_cli, loaded, tmp_path, args, expected):
    good = {
        "id": "x",
        "population": "us-ad",
        "age_band": "75_84",
        "age_at_diagnosis": 80,
        "sex": "female",
        "race_ethnicity": "white",
        "education": "high_school",
    }
    (tmp_path / "bad.jsonl").write_text(json.dumps(good) + "\n" + '{"id": "y"}\n')
    result = run_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert expected in _one_clean_error_line(result)
    assert not (tmp_path / "t.jsonl").exists()  # nothing half-written


def test_walk_on_empty_store_says_load_first(run_cli, tmp_path):
    line = _one_clean_error_line(
        run_cli("walk", "--patients", "3", "--out", str(tmp_path / "t.jsonl"))
    )
    assert "dualalign graph load" in line


def test_patients_must_be_positive(run_cli, tmp_path):
    result = run_cli("walk", "--patients", "0", "--out", str(tmp_path / "t.jsonl"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
