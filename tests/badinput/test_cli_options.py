"""Bad command-line options: each is refused in one line, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected

CASES = [
    Case("unknown-command", ("frobnicate",), "no such command"),
    Case("unknown-option", ("walk", "--bogus", "--out", "{tmp}/w.jsonl"), "--bogus"),
    Case("missing-out", ("walk",), "--out"),
    Case(
        "walk-negative-patients",
        ("walk", "--patients", "-3", "--out", "{tmp}/w.jsonl"),
        "--patients",
    ),
    Case("not-a-number", ("walk", "--seed", "seven", "--out", "{tmp}/w.jsonl"), "--seed"),
    Case(
        "markup-in-value",
        ("ontology", "validate", "{tmp}/root:x:0:0[bold]"),
        "root:x:0:0[bold]",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])


def test_escape_codes_in_inputs_are_shown_escaped(
    run_cli: RunCli, tmp_path: Path, bad_home: Path
) -> None:
    line = check_rejected(
        run_cli,
        ["ontology", "validate", str(tmp_path / "red\x1b[31mfolder")],
        "red\\x1b[31mfolder",
        [bad_home, tmp_path],
    )
    assert "\x1b" not in line
