"""The README's main job, end to end, as a new user runs it: the second set-up command, in a
fresh data folder, with the local model; then the files the README promises."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.paths import ROOT

pytestmark = [pytest.mark.llm, pytest.mark.slow]


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the README's Set up section has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_readme_main_job_runs_from_a_fresh_data_folder(
    run_cli, tmp_path, monkeypatch, alz_model
):
    install, job = _setup_commands()
    assert install == "pip install -e ."
    args = shlex.split(job)
    assert args[0] == "dualalign" and "--out" in args
    monkeypatch.chdir(tmp_path)  # `--out runs/demo/` lands here; the data home is fresh too
    result = run_cli(*args[1:], timeout=900)
    assert result.returncode == 0, result.stderr
    out = tmp_path / args[args.index("--out") + 1]
    for name in ("sentences.jsonl", "notes.jsonl", "failures.jsonl", "manifest.json"):
        assert (out / name).is_file(), name
    sentences = _jsonl(out / "sentences.jsonl")
    manifest = json.loads((out / "manifest.json").read_text())
    labels = {label.id for label in alz_model.labels}
    assert manifest["status"] == "complete"
    assert manifest["counts"]["sentences"] == len(sentences) >= 60
    assert {row["label"] for row in sentences} == labels  # all six, as the README says
    assert len(labels) == 6
    assert len(_jsonl(out / "notes.jsonl")) == manifest["counts"]["notes"] == 20
    assert len(_jsonl(out / "failures.jsonl")) == manifest["counts"]["failures"]
