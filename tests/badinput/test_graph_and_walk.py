"""Bad inputs to `graph import/export/load`, `walk`, `personas sample` and `query`.

Each is refused in one line naming the problem, and neither the store nor the output folder
changes -- not even with ``--store-personas``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected

OUT = "{tmp}/t.jsonl"
WALK = ("walk", "--patients", "5")

GRAPH_CASES = [
    Case("import-missing-endpoints", ("graph", "import", "{tmp}/no-symptoms.json"), "missing node"),
    Case("import-version-999", ("graph", "import", "{tmp}/v999.json"), "version 999"),
    Case("import-unknown-label", ("graph", "import", "{tmp}/thing.json"), "unknown label 'Thing'"),
    Case("import-missing-prop", ("graph", "import", "{tmp}/no-order.json"), "property 'order'"),
    Case("import-truncated-json", ("graph", "import", "{tmp}/truncated.json"), "bad JSON"),
    Case("import-gzip-garbage", ("graph", "import", "{tmp}/garbage.json.gz"), "broken gzip"),
    Case("import-empty-file", ("graph", "import", "{tmp}/empty.json"), "the file is empty"),
    Case("import-json-list", ("graph", "import", "{tmp}/list.json"), "not an object"),
    Case("import-folder", ("graph", "import", "{tmp}/folder"), "is a folder"),
    Case("import-missing-file", ("graph", "import", "{tmp}/nope.json"), "no such graph file"),
    Case("export-to-folder", ("graph", "export", "{tmp}/folder"), "{tmp}/folder is a folder"),
    Case("export-under-a-file", ("graph", "export", "{tmp}/a-file/g.json"), "not a folder"),
    Case("load-unknown-disease", ("graph", "load", "--disease", "nope"), "unknown disease"),
    Case(
        "load-unreachable-neo4j",
        ("graph", "load", "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1"),
        "cannot reach neo4j",
    ),
]

WALK_CASES = [
    Case("walk-out-is-folder", (*WALK, "--out", "{tmp}/folder"), "is a folder"),
    Case(
        "walk-out-under-a-file",
        (*WALK, "--store-personas", "--out", "{tmp}/a-file/t.jsonl"),
        "is a file, not a folder",
    ),
    Case(
        "walk-out-unwritable",
        (*WALK, "--store-personas", "--out", "/proc/dualalign/t.jsonl"),
        "cannot write in /proc",
    ),
    Case("walk-patients-huge", ("walk", "--patients", "10000000000", "--out", OUT), "--patients"),
    Case("walk-seed-negative", (*WALK, "--seed", "-1", "--out", OUT), "--seed"),
    Case("walk-density-nan", (*WALK, "--density-multiplier", "nan", "--out", OUT), "nan is not"),
    Case("walk-density-inf", (*WALK, "--density-multiplier", "inf", "--out", OUT), "inf is not"),
    Case("walk-density-zero", (*WALK, "--density-multiplier", "0", "--out", OUT), "above 0"),
    Case(
        "walk-years-before-negative",
        (*WALK, "--store-personas", "--years-before", "-5", "--out", OUT),
        "outside 0..10",
    ),
    Case(
        "walk-years-after-huge",
        (*WALK, "--years-after", "99999999999999999999", "--out", OUT),
        "outside 0..2",
    ),
    Case(
        "walk-unknown-population",
        (*WALK, "--store-personas", "--population", "mars", "--out", OUT),
        "unknown population 'mars'",
    ),
    Case(
        "walk-store-foreign-personas",
        ("walk", "--personas", "{tmp}/martians.jsonl", "--store-personas", "--out", OUT),
        "Population 'mars', which the stored graph lacks",
    ),
    Case("personas-count-zero", ("personas", "sample", "-n", "0", "--out", OUT), "--count"),
    Case(
        "personas-unknown-population",
        ("personas", "sample", "--population", "mars", "--store-personas", "--out", OUT),
        "unknown population 'mars'",
    ),
    Case(
        "personas-out-under-a-file",
        ("personas", "sample", "--store-personas", "--out", "{tmp}/a-file/p.jsonl"),
        "not a folder",
    ),
]

_TRAJ = ("-p", "symptom=forgetfulness", "-p", "stage=mci")
QUERY_CASES = [
    Case("query-unknown-name", ("query", "no_such_query"), "unknown query 'no_such_query'"),
    Case(
        "query-steps-too-big",
        ("query", "likely_trajectories", *_TRAJ, "-p", "steps=100"),
        "'steps' is 100, outside 1..6",
    ),
    Case(
        "query-limit-negative",
        ("query", "top_transitions", "-p", "symptom=forgetfulness", "-p", "limit=-5"),
        "outside 1..1000",
    ),
    Case("query-unknown-param", ("query", "note_type_mix", "-p", "colour=red"), "no parameter"),
    Case(
        "query-non-numeric-param",
        ("query", "likely_trajectories", *_TRAJ, "-p", "steps=three"),
        "cannot read 'three' as int",
    ),
    Case("query-not-key-value", ("query", "note_type_mix", "-p", "from_period"), "key=value"),
    Case("query-missing-required", ("query", "symptom_by_stage"), "needs symptom"),
]

CASES = GRAPH_CASES + WALK_CASES + QUERY_CASES


def _edit(graph: dict[str, Any], how: str) -> dict[str, Any]:
    out = json.loads(json.dumps(graph))
    if how == "no-symptoms":
        out["nodes"] = [n for n in out["nodes"] if n["label"] != "Symptom"]
    elif how == "v999":
        out["version"] = 999
    elif how == "thing":
        next(n for n in out["nodes"] if n["label"] == "Source")["label"] = "Thing"
    elif how == "no-order":
        del next(n for n in out["nodes"] if n["label"] == "Stage")["props"]["order"]
    return out


def _martian() -> dict[str, Any]:
    return {
        "id": "m1",
        "population": "mars",
        "age_band": "75_84",
        "age_at_diagnosis": 80,
        "sex": "female",
        "race_ethnicity": "white",
        "education": "high_school",
    }


def _write_inputs(tmp: Path, stored: Path) -> None:
    """The bad files the cases name, written next to the output they must not create."""
    graph = json.loads(stored.read_text(encoding="utf-8"))
    for how in ("no-symptoms", "v999", "thing", "no-order"):
        (tmp / f"{how}.json").write_text(json.dumps(_edit(graph, how)), encoding="utf-8")
    text = json.dumps(graph)
    (tmp / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (tmp / "garbage.json.gz").write_bytes(gzip.compress(text.encode())[:200])
    (tmp / "empty.json").write_bytes(b"")
    (tmp / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    (tmp / "folder").mkdir()
    (tmp / "a-file").write_text("not a folder\n", encoding="utf-8")
    (tmp / "martians.jsonl").write_text(json.dumps(_martian()) + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    _write_inputs(places["tmp"], bad_home / "graph" / "graph.json")
    expect = case.expect.format(**{k: str(v) for k, v in places.items()})
    check_rejected(run_cli, case.argv(**places), expect, [bad_home, places["tmp"]])


def test_enough_distinct_cases() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 22
    assert len({c.args for c in CASES}) == len(CASES)
