"""`dualalign graph` and `dualalign query`, run as subprocesses on real files and servers."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.cli.test_ontology_cli import _one_clean_error_line


def _checksum(stdout: str) -> str:
    match = re.search(r"checksum ([0-9a-f]{16})", stdout)
    assert match, stdout
    return match.group(1)


def test_load_twice_same_checksum_and_stats(run_cli, alz_graph):
    first = run_cli("graph", "load", "--disease", "alzheimers")
    second = run_cli("graph", "load")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert _checksum(first.stdout) == _checksum(second.stdout) == alz_graph.checksum[:16]
    assert "0 stale removed" in second.stdout
    stats = run_cli("graph", "stats")
    assert stats.returncode == 0
    assert alz_graph.checksum in stats.stdout
    for label, count in alz_graph.counts().items():
        assert re.search(rf"{label}\s+│\s+{count}\s", stats.stdout), label


def test_empty_store_errors_say_load_first(run_cli):
    line = _one_clean_error_line(run_cli("graph", "stats"))
    assert "dualalign graph load" in line
    line = _one_clean_error_line(run_cli("query", "note_type_mix"))
    assert "dualalign graph load" in line


def test_query_formats(run_cli, alz_model):
    assert run_cli("graph", "load").returncode == 0
    listing = run_cli("query")
    assert listing.returncode == 0 and "top_transitions" in listing.stdout
    as_json = run_cli(
        "query", "note_type_mix", "-p", "from_period=0", "-p", "to_period=0", "--format", "json"
    )
    rows = json.loads(as_json.stdout)
    expected = sorted(r.note_type for r in alz_model.note_type_rates if r.period == 0)
    assert [r["note_type"] for r in rows] == expected
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    as_csv = run_cli(
        "query", "note_type_mix", "-p", "from_period=0", "-p", "to_period=0", "--format", "csv"
    )
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["note_type"] for r in parsed] == expected
    table = run_cli("query", "domain_share_by_stage")
    assert table.returncode == 0 and "mild_dementia" in table.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "no_such_query"], "available: "),
        (["query", "top_transitions"], "needs symptom"),
        (["query", "top_transitions", "-p", "symptom=x", "-p", "limit=many"], "cannot read 'many'"),
        (["query", "top_transitions", "-p", "colour=red"], "has no parameter colour"),
        (["query", "top_transitions", "-p", "symptom"], "is not key=value"),
        (["graph", "import", "/no/such/file.json"], "no such graph file"),
        (["graph", "load", "--disease", "nope"], "unknown disease 'nope'"),
        (
            ["graph", "stats", "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1"],
            "docker compose up -d",
        ),
    ],
)
def test_bad_input_one_line(run_cli, args, expected):
    assert run_cli("graph", "load").returncode == 0
    assert expected in _one_clean_error_line(run_cli(*args))


@pytest.mark.neo4j
def test_export_memory_import_neo4j_same_graph(run_cli, tmp_path, neo4j_store, alz_graph):
    assert run_cli("graph", "load").returncode == 0
    out = tmp_path / "graph.json.gz"
    exported = run_cli("graph", "export", str(out))
    assert exported.returncode == 0, exported.stderr
    imported = run_cli("graph", "import", str(out), "--store", "neo4j")
    assert imported.returncode == 0, imported.stderr
    assert _checksum(imported.stdout) == alz_graph.checksum[:16]
    direct = run_cli("graph", "load", "--store", "neo4j")
    assert _checksum(direct.stdout) == alz_graph.checksum[:16]
    assert "0 stale removed" in direct.stdout
    memory_rows = run_cli(
        "query", "top_transitions", "-p", "symptom=forgetfulness", "--format", "json"
    )
    neo4j_rows = run_cli(
        "query",
        "top_transitions",
        "-p",
        "symptom=forgetfulness",
        "--store",
        "neo4j",
        "--format",
        "json",
    )
    assert json.loads(memory_rows.stdout) == json.loads(neo4j_rows.stdout) != []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda g: g.update(version=999), "format version 999 is not supported"),
        (
            lambda g: g.update(nodes=[n for n in g["nodes"] if n["label"] != "Symptom"]),
            "points to missing node Symptom:",
        ),
    ],
    ids=["version-999", "missing-endpoints"],
)
def test_import_of_a_broken_graph_keeps_the_stored_one(
    run_cli, tmp_path, _isolated_home, edit, expected
):
    assert run_cli("graph", "load").returncode == 0
    stored = _isolated_home / "graph" / "graph.json"
    before = stored.read_bytes()
    good = tmp_path / "good.json"
    assert run_cli("graph", "export", str(good)).returncode == 0
    graph = json.loads(good.read_text())
    edit(graph)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(graph))
    assert expected in _one_clean_error_line(run_cli("graph", "import", str(bad)))
    assert stored.read_bytes() == before
    walked = run_cli("walk", "--patients", "2", "--out", str(tmp_path / "t.jsonl"))
    assert walked.returncode == 0, walked.stderr


def test_export_to_a_folder_names_it_and_leaves_nothing(run_cli, tmp_path):
    assert run_cli("graph", "load").returncode == 0
    target = tmp_path / "out"
    target.mkdir()
    line = _one_clean_error_line(run_cli("graph", "export", str(target)))
    assert f"{target} is a folder" in line and "graph.json.gz" in line
    assert ".tmp" not in line
    assert list(target.iterdir()) == [] and list(tmp_path.iterdir()) == [target]


def test_query_parameters_outside_their_range(run_cli):
    assert run_cli("graph", "load").returncode == 0
    line = _one_clean_error_line(
        run_cli(
            "query", "likely_trajectories", "-p", "symptom=x", "-p", "stage=mci", "-p", "steps=100"
        )
    )
    assert "'steps' is 100, outside 1..6" in line
    line = _one_clean_error_line(
        run_cli("query", "top_transitions", "-p", "symptom=x", "-p", "limit=-5")
    )
    assert "outside 1..1000" in line
    listing = run_cli("query")
    assert listing.returncode == 0 and "(lo..hi) the accepted range" in listing.stdout


@pytest.mark.parametrize("quiet", [False, True])
def test_load_progress_bar_on_a_terminal(monkeypatch, quiet, alz_graph):
    import dualalign.cli._progress as progress
    from dualalign.cli import app

    screen = io.StringIO()
    monkeypatch.setattr(
        progress, "err_console", Console(file=screen, force_terminal=True, width=200)
    )
    result = CliRunner().invoke(app, ["graph", "load", *(["-q"] if quiet else [])])
    assert result.exit_code == 0, result.output
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    total = len(alz_graph.nodes) + len(alz_graph.rels)
    if quiet:
        assert text == ""
    else:
        assert "loading" in text and f"{total}/{total}" in text and "items/s" in text
