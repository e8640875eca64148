"""`report` and `evaluate` on a real local-model run: walks and personas re-drawn from the
run's seed, notes' stages against them, and the run mixed into the demo gold."""

from __future__ import annotations

import json

import pytest

from tests.paths import ROOT

DEMO = ROOT / "dualalign" / "data" / "demo_gold.csv"


@pytest.mark.llm
@pytest.mark.slow
def test_report_and_evaluate_a_generated_run(run_cli, tmp_path):
    run = tmp_path / "run"
    args = ["generate", "--patients", "4", "--notes-per-patient", "2", "--max-terms", "2"]
    result = run_cli(*args, "--seed", "5", "--out", str(run), timeout=900)
    assert result.returncode == 0, result.stderr
    result = run_cli("report", str(run), "--gold", str(DEMO), timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads((run / "report" / "report.json").read_text())["report"]
    notes = [json.loads(line) for line in (run / "notes.jsonl").read_text().splitlines()]
    stages = report["note_stages_vs_walks"]
    assert sum(stages["notes"].values()) == len(notes)
    assert set(stages["notes"]) <= set(stages["visits"])  # notes come from walked visits
    assert set(report["personas_vs_population"]) == {
        "age_band",
        "sex",
        "race_ethnicity",
        "education",
    }
    assert report["walks_vs_graph"]["patients"] == 4
    written = [v for t in report["timelines"] for v in t["visits"] if v["written"]]
    assert len(written) == len(notes)
    assert (run / "report" / "timelines.png").is_file()
    out = tmp_path / "eval"
    result = run_cli(
        "evaluate", "--demo", "--seeds", "0", "--run", f"dualalign={run}", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    names = {
        c["name"] for c in json.loads((out / "report.json").read_text())["result"]["conditions"]
    }
    assert {"gold", "gold+dualalign w=1"} <= names
