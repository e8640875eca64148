"""Bad `export` inputs: refused in one line, with no export folder made (or the old one as it
was) and the run folder untouched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected
from tests.support.run_folder import sentence_rows, write_run


def _export(run: str, *extra: str, out: str = "{tmp}/out") -> tuple[str, ...]:
    return ("export", f"{{tmp}}/{run}", "--out", out, *extra)


CASES = [
    Case("unknown-format", _export("run", "--to", "xml"), "'xml' is not one of"),
    Case("no-format", _export("run"), "--to"),
    Case("run-missing", _export("nowhere", "--to", "csv"), "no such folder"),
    Case("not-a-run", _export("not-run", "--to", "csv"), "not a run folder (no manifest.json)"),
    Case("no-sentences-file", _export("no-sentences", "--to", "jsonl"), "no sentences.jsonl"),
    Case("empty-sentences", _export("empty", "--to", "parquet"), "no sentences, so nothing"),
    Case("unfinished-run", _export("running", "--to", "csv"), "the run is not finished"),
    Case("label-outside-set", _export("bad-label", "--to", "csv"), "label 'made_up', not in"),
    Case("out-exists", _export("run", "--to", "csv", out="{tmp}/existing"), "--overwrite"),
    Case("out-is-a-file", _export("run", "--to", "csv", out="{tmp}/file.txt"), "is a file"),
    Case(
        "out-holds-the-run",
        _export("run", "--to", "csv", "--overwrite", out="{tmp}"),
        "holds the run folder",
    ),
    Case("split-sum", _export("run", "--to", "csv", "--split", "train=0.8,test=0.1"), "sum to"),
    Case(
        "split-negative",
        _export("run", "--to", "csv", "--split", "train=1.2,test=-0.2"),
        "shares must be above 0",
    ),
    Case(
        "split-unknown-name",
        _export("run", "--to", "hf", "--split", "train=0.9,dev=0.1"),
        "unknown split 'dev'",
    ),
    Case(
        "split-duplicate",
        _export("run", "--to", "csv", "--split", "train=0.5,train=0.5"),
        "'train' is given twice",
    ),
    Case("split-malformed", _export("run", "--to", "csv", "--split", "train:0.8"), "NAME=SHARE"),
    Case(
        "split-empty-side",
        _export("small", "--to", "parquet", "--split", "train=0.8,validation=0.1,test=0.1"),
        "'validation' would get no patients",
    ),
    Case("license-bad", _export("run", "--to", "csv", "--license", "CC BY 4.0"), "--license"),
    Case("seed-negative", _export("run", "--to", "csv", "--seed", "-1"), "--seed"),
]


def _inputs(tmp: Path) -> None:
    write_run(tmp / "run")
    write_run(tmp / "small", sentence_rows(patients=3))
    write_run(tmp / "empty", [])
    write_run(tmp / "running", status="running")
    (write_run(tmp / "no-sentences") / "sentences.jsonl").unlink()
    rows = sentence_rows(patients=2)
    rows[1] = rows[1].model_copy(update={"planned_label": "made_up"})
    write_run(tmp / "bad-label", rows)
    (tmp / "not-run").mkdir()
    (tmp / "not-run" / "notes.txt").write_text("not a run", encoding="utf-8")
    (tmp / "existing").mkdir()
    (tmp / "existing" / "old.txt").write_text("an earlier export", encoding="utf-8")
    (tmp / "file.txt").write_text("a file", encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    _inputs(places["tmp"])
    check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])
    assert not (places["tmp"] / "out").exists()


def test_hf_without_datasets_says_how_to_install_it(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadow = tmp_path / "shadow" / "datasets"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("no datasets here")\n')
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(shadow.parent), path])))
    run = write_run(tmp_path / "run")
    line = check_rejected(
        run_cli,
        ["export", str(run), "--to", "hf", "--out", str(tmp_path / "out")],
        "--to hf needs the 'datasets' package: pip install 'dualalign[export]'",
        [tmp_path],
    )
    assert line == "error: --to hf needs the 'datasets' package: pip install 'dualalign[export]'"
    assert not (tmp_path / "out").exists()
