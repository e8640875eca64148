"""`dualalign evaluate`, `report` and `curate` as a user runs them, on the demo gold set and
small run folders; bad input is one line and writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.paths import ROOT

DEMO = ROOT / "dualalign" / "data" / "demo_gold.csv"

SYNTHETIC = [
    ("Daughter says he keeps asking what day it is.", "concern_by_others"),
    ("Wife reports she forgot the stove on twice.", "concern_by_others"),
    ("Son now pays all of her bills.", "requires_assistance"),
    ("Home aide helps him bathe three times a week.", "requires_assistance"),
    ("Pt fell in the bathroom last week.", "physiological_changes"),
    ("Lost 9 lbs since spring, eating less.", "physiological_changes"),
    ("Increasingly irritable and tearful in the evenings.", "neuropsychiatric"),
    ("Believes the neighbors are stealing her mail.", "neuropsychiatric"),
    ("Pt reports misplacing her keys most days.", "cognitive_impairment"),
    ("MoCA 20/30 with poor delayed recall.", "cognitive_impairment"),
    ("BP 128/74, HR 70, afebrile.", "none"),
    ("Continue lisinopril, f/u 3 months.", "none"),
]


def _run_folder(path, rows=SYNTHETIC, failed=2):
    path.mkdir(parents=True)
    with (path / "sentences.jsonl").open("w") as fh:
        for i, (text, label) in enumerate(rows):
            fh.write(
                json.dumps(
                    {
                        "note_id": f"n{i // 4}",
                        "sentence_index": i % 4,
                        "task_id": f"t{i // 4}",
                        "trajectory_id": f"traj{i // 4}",
                        "text": text,
                        "label": label,
                        "planned_label": label,
                        "stage": "mci" if i % 2 else "mild_dementia",
                    }
                )
                + "\n"
            )
        fh.write(
            json.dumps({"note_id": "nx", "sentence_index": 0, "text": "x.", "label": None}) + "\n"
        )
    (path / "failures.jsonl").write_text("".join('{"task_id": "t"}\n' for _ in range(failed)))
    (path / "manifest.json").write_text(json.dumps({"config": {"trajectories": "given.jsonl"}}))
    return path


def _one_line(result):
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_demo_gold_only_runs_out_of_the_box(run_cli, tmp_path):
    out = tmp_path / "eval"
    result = run_cli("evaluate", "--demo", "--out", str(out), "--seeds", "0,1")
    assert result.returncode == 0, result.stderr
    assert "--run NAME=RUN_DIR" in result.stdout
    report = json.loads((out / "report.json").read_text())
    gold = [c for c in report["result"]["conditions"] if c["name"] == "gold"]
    assert len(gold) == 1 and gold[0]["n"] == 2 and 0.2 < gold[0]["macro_f1"]["mean"] <= 1.0
    assert report["gold"]["patients"] >= 40
    assert (out / "report.md").read_text().startswith("# dualalign evaluation")
    assert (out / "f1_by_condition.png").read_bytes()[:4] == b"\x89PNG"


def test_runs_weights_curation_and_learning_curve(run_cli, tmp_path):
    a = _run_folder(tmp_path / "a")
    b = _run_folder(tmp_path / "b", SYNTHETIC[::-1])
    out = tmp_path / "eval"
    args = ["evaluate", "--demo", "--out", str(out), "--seeds", "0,1", "--run", f"mine={a}"]
    args += ["--run", f"mine={b}", "--synthetic-weight", "0.3,1", "--curate"]
    args += ["--gold-patients", "5,all"]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    names = {(c["name"], c["gold_patients"]) for c in report["result"]["conditions"]}
    for name in ("gold", "gold+mine w=0.3", "gold+mine w=1", "gold+mine w=0.3 curated"):
        assert (name, "5") in names and (name, "all") in names
    assert ("mine alone", "all") in names
    pooled = next(c for c in report["result"]["conditions"] if c["name"] == "gold+mine w=1")
    assert pooled["n"] == 4  # 2 split seeds x 2 runs
    assert report["runs"]["mine"][0] == {
        "path": str(a),
        "sentences": 12,
        "failed": 2,
        "unlabelled": 1,
    }
    assert "mine" in report["result"]["best"]
    for png in ("learning_curve.png", "per_label_f1.png", "confusion.png"):
        assert (out / png).is_file()
    # the same seeds give the same numbers
    again = tmp_path / "again"
    assert run_cli(*[x if x != str(out) else str(again) for x in args]).returncode == 0
    first = json.loads((out / "report.json").read_text())["result"]["conditions"]
    second = json.loads((again / "report.json").read_text())["result"]["conditions"]
    assert [c["macro_f1"] for c in first] == [c["macro_f1"] for c in second]


def test_report_and_curate(run_cli, tmp_path):
    run = _run_folder(tmp_path / "run")
    result = run_cli("report", str(run), "--gold", str(DEMO))
    assert result.returncode == 0, result.stderr
    report = json.loads((run / "report" / "report.json").read_text())["report"]
    assert report["sentences"] == 12 and report["excluded"] == {
        "failed_grounding": 2,
        "unlabelled": 1,
    }
    assert report["grounding_rate"] == pytest.approx(12 / 14)
    assert report["label_matches_plan"] == 1.0
    assert report["gold_overlap"]["copies_8gram"] == 0
    assert 0 < report["diversity"]["distinct_1"] <= 1
    assert "embedding" in report
    assert (run / "report" / "stage_label_heatmap.png").is_file()
    curated = tmp_path / "curated"
    result = run_cli("curate", str(run), "--gold", str(DEMO), "--out", str(curated))
    assert result.returncode == 0, result.stderr
    kept = (curated / "sentences.jsonl").read_text().splitlines()
    assert 0 < len(kept) <= 12
    manifest = json.loads((curated / "manifest.json").read_text())
    assert manifest["curation"]["kept"] == len(kept)
    assert run_cli("report", str(curated)).returncode == 0  # every command accepts it


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--out", "o"], "--gold FILE"),
        (["--demo", "--gold", "x.csv", "--out", "o"], "not both"),
        (["--demo", "--out", "o", "--run", "nodir"], "NAME=RUN_DIR"),
        (["--demo", "--out", "o", "--run", "x=missing"], "not a run folder"),
        (["--demo", "--out", "o", "--classifier", "svm"], "unknown 'svm'"),
        (["--demo", "--out", "o", "--seeds", "a,b"], "--seeds"),
        (["--demo", "--out", "o", "--gold-patients", "0"], "--gold-patients"),
        (["--demo", "--out", "o", "--test-fraction", "1.5"], "--test-fraction"),
        (["--gold", "missing.csv", "--out", "o"], "no such file"),
    ],
)
def test_bad_evaluate_input_is_one_line(run_cli, tmp_path, args, expected):
    args = [str(tmp_path / a) if a in ("o", "x.csv", "missing.csv") else a for a in args]
    args = [a.replace("=missing", f"={tmp_path / 'missing'}") for a in args]
    line = _one_line(run_cli("evaluate", *args))
    assert expected in line, line
    assert not (tmp_path / "o").exists()


_BAR_MARKS = ("training classifiers", "fits/s", "━")


@pytest.mark.parametrize(
    ("terminal", "quiet", "shown"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["terminal", "terminal --quiet", "pipe"],
)
def test_progress_bar_only_on_a_terminal_without_quiet(
    run_cli, tmp_path, monkeypatch, terminal, quiet, shown
):
    # rich takes TTY_COMPATIBLE=1 for a terminal; with neither variable set, a pipe is not one
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    if terminal:
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
    args = ["evaluate", "--demo", "--out", str(tmp_path / "eval"), "--seeds", "0,1"]
    result = run_cli(*args, *(["--quiet"] if quiet else []))
    assert result.returncode == 0, result.stderr
    assert [m in result.stderr for m in _BAR_MARKS] == [shown] * len(_BAR_MARKS), result.stderr
    if shown:
        assert "2/2" in result.stderr  # the total is known up front: one fit per split seed
