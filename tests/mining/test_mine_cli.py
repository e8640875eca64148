"""`dualalign mine` end to end: a walked cohort in, a valid disease folder out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.badinput.harness import RunCli
from tests.mining.cohort import walked_observations


@pytest.fixture(scope="module")
def cohort_csv(alz_graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = walked_observations(alz_graph, 150, seed=3)
    frame.loc[frame.index[:40], "term"] = "Blorp"  # an unmapped term, in one patient
    path = tmp_path_factory.mktemp("cohort") / "cohort.csv"
    frame.to_csv(path, index=False)
    return path


def test_mine_writes_a_valid_folder_and_reports(run_cli: RunCli, cohort_csv: Path, tmp_path):
    out = tmp_path / "mined"
    args = ("mine", str(cohort_csv), "--disease-from", "alzheimers", "--out", str(out), "-q")
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    assert "mined " in done.stdout and "150 patients" in done.stdout
    assert "unmapped: 40 mentions of 1 distinct terms" in done.stdout
    assert "suppressed:" in done.stdout
    check = run_cli("ontology", "validate", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    report = list(csv.DictReader((out / "mining_report.csv").read_text().splitlines()))
    # one patient only: the term itself is not shown
    assert report == [
        {
            "issue": "unmapped term",
            "value": "(1 values, each from fewer than 11 patients)",
            "mentions": "40",
            "patients": "",
        }
    ]
    again = run_cli(*args)
    assert again.returncode == 1 and "--overwrite" in again.stderr
    replaced = run_cli(*args, "--overwrite", "--k", "20")
    assert replaced.returncode == 0, replaced.stderr
    assert "k=20" in (out / "sources.csv").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
