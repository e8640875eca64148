"""`dualalign personas sample` and `dualalign walk`, as a user runs them."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from dualalign.files import read_jsonl
from dualalign.types import Persona, Trajectory
from tests.cli.test_ontology_cli import _one_clean_error_line


@pytest.fixture
def loaded(run_cli):
    assert run_cli("graph", "load").returncode == 0


def test_personas_sample_writes_file_and_store(run_cli, loaded, tmp_path, _isolated_home):
    out = tmp_path / "personas.jsonl"
    sample = ("personas", "sample", "-n", "50", "--population", "va", "--seed", "7")
    result = run_cli(*sample, "--out", str(out), "--store-personas")
    assert result.returncode == 0, result.stderr
    assert "stored in" in result.stdout
    personas = read_jsonl(out, Persona)
    assert len(personas) == 50 and all(p.population == "va" for p in personas)
    again = tmp_path / "again.jsonl"
    assert run_cli(*sample, "--out", str(again)).returncode == 0
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


def _stored(home: Path) -> bytes:
    return (home / "graph" / "graph.json").read_bytes()


def test_personas_stay_out_of_the_store_unless_asked(run_cli, loaded, tmp_path, _isolated_home):
    before = _stored(_isolated_home)
    assert (
        run_cli("personas", "sample", "-n", "5", "--out", str(tmp_path / "p.jsonl")).returncode == 0
    )
    assert run_cli("walk", "--patients", "5", "--out", str(tmp_path / "t.jsonl")).returncode == 0
    assert _stored(_isolated_home) == before
    stored = run_cli(
        "walk", "--patients", "5", "--out", str(tmp_path / "t.jsonl"), "--store-personas"
    )
    assert stored.returncode == 0, stored.stderr
    assert _stored(_isolated_home) != before


@pytest.mark.parametrize("command", ["walk", "personas"])
def test_unwritable_out_changes_nothing(run_cli, loaded, tmp_path, _isolated_home, command):
    before = _stored(_isolated_home)
    (tmp_path / "a-file").write_text("x")
    out = str(tmp_path / "a-file" / "t.jsonl")
    args = ["walk", "--patients", "5"] if command == "walk" else ["personas", "sample", "-n", "5"]
    line = _one_clean_error_line(run_cli(*args, "--out", out, "--store-personas"))
    assert "is a file, not a folder" in line
    assert _stored(_isolated_home) == before


def _in_process(args: list[str]):
    from dualalign.cli import app

    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("files", [1, 3])
def test_a_walk_that_fails_midway_stores_nothing(
    loaded, tmp_path, _isolated_home, monkeypatch, files
):
    import dualalign.walk.output as walk_output

    real = walk_output.walk_block
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(walk_output, "CHUNK", 2)  # several blocks: the second one fails
    monkeypatch.setattr("dualalign.walk.engine.CHUNK", 2)
    monkeypatch.setattr(walk_output, "walk_block", failing)
    before = _stored(_isolated_home)
    out = tmp_path / "t.jsonl"
    args = ["walk", "--patients", "5", "--out", str(out), "--store-personas"]
    result = _in_process([*args, "--files", str(files), "--seed", "1"])
    assert isinstance(result.exception, RuntimeError)
    assert _stored(_isolated_home) == before
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no temp file either


@pytest.mark.parametrize("quiet", [False, True])
def test_walk_progress_bar_on_a_terminal(loaded, tmp_path, monkeypatch, quiet):
    import dualalign.cli._progress as progress

    screen = StringIO()
    terminal = Console(file=screen, force_terminal=True, width=200)
    monkeypatch.setattr(progress, "err_console", terminal)
    args = ["walk", "--patients", "30", "--out", str(tmp_path / "t.jsonl")]
    result = _in_process(args + (["--quiet"] if quiet else []))
    assert result.exit_code == 0, result.output
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    if quiet:
        assert text == ""
    else:
        assert "walking" in text and "30/30" in text and "patients/s" in text and "eta" in text


def test_years_error_states_the_valid_range(run_cli, loaded, tmp_path):
    line = _one_clean_error_line(
        run_cli("walk", "--years-before", "-5", "--out", str(tmp_path / "t.jsonl"))
    )
    assert "--years-before -5 is outside 0..10" in line and "choose a value in 0..10" in line
