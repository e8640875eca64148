"""Bad observation files and options for `dualalign mine`: each is refused in one line naming
the problem and the fix, and nothing is left in --out (or next to it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.badinput.harness import Case, RunCli, check_rejected

HEADER = "patient_id,years_from_diagnosis,term,note_id\n"
GOOD = "p1,-1.5,forgetfulness,n1\np1,-1.5,apathy,n1\np2,0.2,word-finding difficulty,n2\n"


def _mine(name: str, *extra: str) -> tuple[str, ...]:
    return ("mine", f"{{tmp}}/{name}", "--disease-from", "alzheimers", "--out", "{tmp}/out", *extra)


FILES: dict[str, str] = {
    "no-term.csv": "patient_id,years_from_diagnosis\np1,-1\n",
    "no-patient.csv": "years_from_diagnosis,term\n-1,apathy\n",
    "no-years.csv": "patient_id,term,mention_date\np1,apathy,2020-01-01\n",
    "bad-date.csv": "patient_id,term,mention_date,diagnosis_date\n"
    "p1,apathy,2020-01-01,2021-01-01\np1,apathy,2020-13-45,2021-01-01\n",
    "after-death.csv": "patient_id,term,mention_date,diagnosis_date,death_date\n"
    "p1,apathy,2020-01-01,2021-01-01,2022-01-01\np2,apathy,2023-05-01,2021-01-01,2022-01-01\n",
    "bad-years.csv": HEADER + "p1,soon,apathy,n1\n",
    "empty-patient.csv": HEADER + "p1,-1,apathy,n1\n,-1,apathy,n2\n",
    "empty.csv": "",
    "header-only.csv": HEADER,
    "cohort.xlsx": "not a spreadsheet",
    "all-outside.csv": HEADER + "p1,-25,apathy,n1\n",
    "good.csv": HEADER + GOOD,
    "broken.parquet": "PAR1 not really parquet",
}

CASES = [
    Case("missing-term", _mine("no-term.csv"), "missing column 'term'"),
    Case("missing-patient-id", _mine("no-patient.csv"), "missing column 'patient_id'"),
    Case("missing-years-or-dates", _mine("no-years.csv"), "missing column 'diagnosis_date'"),
    Case("unparseable-date", _mine("bad-date.csv"), "bad-date.csv:3: mention_date '2020-13-45'"),
    Case("mention-after-death", _mine("after-death.csv"), "after-death.csv:3"),
    Case("years-not-a-number", _mine("bad-years.csv"), "'soon' is not a number"),
    Case("empty-patient-id", _mine("empty-patient.csv"), "empty-patient.csv:3: empty patient_id"),
    Case("empty-file", _mine("empty.csv"), "the file is empty"),
    Case("header-only", _mine("header-only.csv"), "no observations"),
    Case("unknown-format", _mine("cohort.xlsx"), "unknown observation format '.xlsx'"),
    Case("missing-file", _mine("nope.csv"), "no such observation file"),
    Case("broken-parquet", _mine("broken.parquet"), "not readable as Parquet"),
    Case("all-outside-periods", _mine("all-outside.csv"), "no observation falls"),
    Case(
        "unknown-base",
        ("mine", "{tmp}/good.csv", "--disease-from", "nope", "--out", "{tmp}/out"),
        "unknown disease",
    ),
    Case("k-below-2", _mine("good.csv", "--k", "1"), "--k"),
    Case("negative-pseudo-count", _mine("good.csv", "--pseudo-count", "-1"), "--pseudo-count"),
    Case("unknown-population", _mine("good.csv", "--population", "mars"), "--population mars"),
    Case("hpo-depth-without-hpo", _mine("good.csv", "--hpo-depth", "1"), "--hpo-depth needs --hpo"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rejected(
    case: Case, run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    for name, text in FILES.items():
        (places["tmp"] / name).write_text(text, encoding="utf-8")
    line = check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])
    assert not (places["tmp"] / "out").exists(), line


def test_bad_date_in_parquet_names_the_row(run_cli: RunCli, tmp_path: Path, bad_home: Path) -> None:
    path = tmp_path / "dates.parquet"
    pd.DataFrame(
        {
            "patient_id": ["a", "b", "c"],
            "term": ["apathy"] * 3,
            "mention_date": ["2020-01-01", "2020-02-01", "yesterday"],
            "diagnosis_date": ["2021-01-01"] * 3,
        }
    ).to_parquet(path)
    argv = ["mine", str(path), "--disease-from", "alzheimers", "--out", str(tmp_path / "out")]
    check_rejected(run_cli, argv, "dates.parquet row 3: mention_date 'yesterday'", [tmp_path])


def test_non_empty_out_is_refused_without_overwrite(
    run_cli: RunCli, tmp_path: Path, bad_home: Path
) -> None:
    (tmp_path / "good.csv").write_text(HEADER + GOOD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    argv = ["mine", str(tmp_path / "good.csv"), "--disease-from", "alzheimers", "--out", str(out)]
    check_rejected(run_cli, argv, "pass --overwrite", [tmp_path, bad_home])
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
