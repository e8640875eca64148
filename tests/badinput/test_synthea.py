"""Bad inputs to `dualalign ontology import-synthea`: one line each, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected
from tests.ontology.test_synthea import MODULE


def _files(tmp: Path) -> None:
    (tmp / "notjson.json").write_text("{not json", encoding="utf-8")
    (tmp / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    (tmp / "nostates.json").write_text(json.dumps({"name": "x", "states": {}}), encoding="utf-8")
    (tmp / "toy.json").write_text(json.dumps(MODULE), encoding="utf-8")
    (tmp / "taken").mkdir()
    (tmp / "taken" / "keep.txt").write_text("mine", encoding="utf-8")


IMPORT = ("ontology", "import-synthea")
CASES = [
    Case("not-json", (*IMPORT, "{tmp}/notjson.json", "--out", "{tmp}/o"), "not JSON"),
    Case("not-a-module", (*IMPORT, "{tmp}/list.json", "--out", "{tmp}/o"), "not a Synthea GMF"),
    Case("no-states", (*IMPORT, "{tmp}/nostates.json", "--out", "{tmp}/o"), "no states"),
    Case("missing-file", (*IMPORT, "{tmp}/nope.json", "--out", "{tmp}/o"), "no such module"),
    Case("out-not-empty", (*IMPORT, "{tmp}/toy.json", "--out", "{tmp}/taken"), "--overwrite"),
    Case(
        "bad-name",
        (*IMPORT, "{tmp}/toy.json", "--out", "{tmp}/o", "--name", "Bad Name"),
        "not an identifier",
    ),
    Case("no-module", (*IMPORT, "--out", "{tmp}/o"), "--all"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    _files(places["tmp"])
    check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])
    assert not (places["tmp"] / "o").exists()
