"""`dualalign experiment` as a user runs it: the local model writes every mode over three
generation seeds, the report's numbers are recomputed from its own test predictions, and bad
input is one line that writes nothing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dualalign.evaluation.metrics import macro_f1
from tests.paths import ROOT

DEMO = ROOT / "dualalign" / "data" / "demo_gold.csv"


@pytest.mark.llm
@pytest.mark.slow
def test_experiment_generates_compares_and_reports(run_cli, tmp_path, figures):
    out = tmp_path / "exp"
    args = ["experiment", "--demo", "--out", str(out), "--patients", "1"]
    args += ["--modes", "dualalign,unconstrained", "--gen-seeds", "1,2,3"]
    args += ["--classifiers", "tfidf-lr", "--budgets", "0.5,1", "--quiet"]
    result = run_cli(*args, timeout=900)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "report.json").read_text())
    assert [len(data["runs"][m]) for m in ("dualalign", "unconstrained")] == [3, 3]
    gold = pd.read_csv(DEMO)
    test_p, val_p = set(data["gold"]["test_patients"]), set(data["gold"]["validation_patients"])
    assert test_p and val_p and not test_p & val_p
    # the writer's style examples come from the fit patients only: no test or validation one
    style = pd.read_csv(out / "gold-fit.csv")
    assert set(style["patient_id"].astype(str)) == set(gold["patient_id"]) - test_p - val_p
    test = gold[gold["patient_id"].isin(test_p)]
    truth = [str(x) for x in test["label"]]
    r = data["result"]["classifiers"]["tfidf-lr"]
    labels = data["result"]["labels"]
    for name in ("gold only", "dualalign", "unconstrained"):
        preds = r["test_predictions"][name]
        assert len(preds) == (1 if name == "gold only" else 3)  # LR: one classifier seed
        scores = [macro_f1(truth, p, labels) for p in preds]
        cond = r["conditions"][name]
        assert cond["mean"] == pytest.approx(np.mean(scores))
        assert cond["low"] <= cond["mean"] <= cond["high"]
    assert {"dualalign@0.5", "unconstrained@0.5"} <= set(r["conditions"])
    pairs = {(c["a"], c["b"]): c for c in r["comparisons"]}
    assert set(pairs) == {
        ("dualalign", "gold only"),
        ("dualalign", "unconstrained"),
        ("unconstrained", "gold only"),
    }
    for c in pairs.values():
        assert c["low"] <= c["diff"] <= c["high"] and 0 < c["p"] <= 1
        assert (c["verdict"] == "no measurable gain") == (c["low"] <= 0 <= c["high"])
    d = pairs[("dualalign", "gold only")]
    assert d["diff"] == pytest.approx(
        r["conditions"]["dualalign"]["mean"] - r["conditions"]["gold only"]["mean"]
    )
    for choice in r["choices"].values():
        assert len(choice["table"]) == 4  # weights 0.3 and 1, curated or not
        best = max(row["validation_f1"] for row in choice["table"])
        assert any(
            row["validation_f1"] == best and row["weight"] == choice["weight"]
            for row in choice["table"]
        )
    analysis = data["analysis"]["modes"]["dualalign"]
    assert analysis["sentences"] == sum(x["sentences"] for x in data["runs"]["dualalign"])
    md = (out / "report.md").read_text()
    assert "95 % interval" in md and "Error analysis" in md and "SmolLM2" in md
    assert (out / "experiment_f1.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "experiment_budget_curve.png").is_file()
    figures(
        f"experiment (1 patient/run, tfidf-lr): dualalign - gold only {100 * d['diff']:+.1f} "
        f"points [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}]; "
        f"{data['seconds']['total']:.0f} s"
    )
    # a rerun resumes the runs and gives the same numbers
    again = run_cli(*args, timeout=900)
    assert again.returncode == 0, again.stderr
    second = json.loads((out / "report.json").read_text())["result"]["classifiers"]["tfidf-lr"]
    assert second["conditions"] == r["conditions"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--out", "o"], "--gold FILE"),
        (["--demo", "--out", "o", "--gen-seeds", "1,2"], "at least 3"),
        (["--demo", "--out", "o", "--modes", "dualalign,magic"], "unknown 'magic'"),
        (["--demo", "--out", "o", "--modes", "persona-only,unconstrained"], "include dualalign"),
        (["--demo", "--out", "o", "--classifiers", "svm"], "unknown 'svm'"),
        (["--demo", "--out", "o", "--budgets", "0.5,2"], "--budgets"),
        (["--demo", "--out", "o", "--budgets", "x"], "--budgets"),
        (["--demo", "--out", "o", "--validation-fraction", "1"], "--validation-fraction"),
        (["--demo", "--out", "o", "--test-patients", "zz"], "not in the gold set"),
        (["--gold", "missing.csv", "--out", "o"], "no such file"),
    ],
)
def test_bad_experiment_input_is_one_line(run_cli, tmp_path, args, expected):
    args = [str(tmp_path / a) if a in ("o", "missing.csv") else a for a in args]
    result = run_cli("experiment", *args)
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0], lines[0]
    assert not (tmp_path / "o").exists()
