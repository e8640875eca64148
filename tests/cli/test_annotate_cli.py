"""`dualalign annotate`: any table of sentences in, the same rows with labels out; bad input
gets one line and writes nothing."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

ROWS = [
    {"id": "a", "sentence": "Wife says he forgot their anniversary.", "ward": "3"},
    {"id": "b", "sentence": "BP 128/76, HR 64.", "ward": "1"},
    {"id": "c", "sentence": "Son now handles her checkbook.", "ward": "2"},
]


def _write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _one_line(result):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_csv_keeps_rows_order_and_columns(run_cli, tmp_path):
    src, out = tmp_path / "notes.csv", tmp_path / "labelled.csv"
    _write_csv(src, ROWS)
    result = run_cli("annotate", str(src), "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, dtype=str)
    assert list(frame.columns) == ["id", "sentence", "ward", "label", "label_rule"]
    assert frame["id"].tolist() == ["a", "b", "c"]
    assert frame["label"].tolist() == ["concern_by_others", "none", "requires_assistance"]
    assert frame["label"].tolist() == frame["label_rule"].tolist()


def test_jsonl_text_column_and_plain_text(run_cli, tmp_path):
    src = tmp_path / "notes.jsonl"
    src.write_text(
        "\n".join(json.dumps({"text": r["sentence"], "n": i}) for i, r in enumerate(ROWS)) + "\n"
    )
    out = tmp_path / "out.jsonl"
    assert run_cli("annotate", str(src), "--out", str(out)).returncode == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["n"] for r in records] == [0, 1, 2]
    assert records[1]["label"] == "none"
    txt = tmp_path / "notes.txt"
    txt.write_text("Pt fell at home.\n\nDenies falls.\n")
    out2 = tmp_path / "txt.parquet"
    assert run_cli("annotate", str(txt), "--out", str(out2)).returncode == 0
    frame = pd.read_parquet(out2)
    assert frame["sentence"].tolist() == ["Pt fell at home.", "Denies falls."]
    assert frame["label"].tolist() == ["physiological_changes", "none"]


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        (lambda d: None, ["missing.csv"], "no such file"),
        (lambda d: (d / "x.csv").write_text("id,words\n1,hello\n"), ["x.csv"], "--text-column"),
        (lambda d: (d / "x.csv").write_text(""), ["x.csv"], "empty"),
        (lambda d: (d / "x.csv").write_text('sentence\n"open quote\nnext\n'), ["x.csv"], "quot"),
        (lambda d: (d / "x.csv").write_bytes(b"sentence\n\xff\xfe\x00bad\n"), ["x.csv"], "UTF-8"),
        (lambda d: (d / "x.docx").write_text("x"), ["x.docx"], "unknown file type"),
        (
            lambda d: (d / "x.csv").write_text("sentence,label\nfine,none\n"),
            ["x.csv"],
            "already has a column 'label'",
        ),
        (
            lambda d: (d / "x.jsonl").write_text('{"sentence": "a"}\nnot json\n'),
            ["x.jsonl"],
            "x.jsonl:2",
        ),
        (
            lambda d: (d / "x.csv").write_text("sentence\nfine\n"),
            ["x.csv", "--annotator", "magic"],
            "magic",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(run_cli, tmp_path, setup, args, expected):
    setup(tmp_path)
    out = tmp_path / "out.csv"
    result = run_cli("annotate", str(tmp_path / args[0]), *args[1:], "--out", str(out))
    line = _one_line(result)
    assert expected in line, line
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.llm
@pytest.mark.slow
def test_llm_annotator_adds_its_own_column(run_cli, tmp_path, alz_model):
    """The real local model labels by grammar-constrained JSON; with --llm local the rule
    annotator fills `label` (auto), and both columns are kept."""
    src, out = tmp_path / "notes.csv", tmp_path / "out.csv"
    _write_csv(src, ROWS)
    result = run_cli(
        "annotate", str(src), "--out", str(out), "--annotator", "rule", "--annotator", "llm"
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, dtype=str)
    assert list(frame.columns) == ["id", "sentence", "ward", "label", "label_rule", "label_llm"]
    labels = {lab.id for lab in alz_model.labels}
    assert set(frame["label_llm"]) <= labels
    assert frame["label"].tolist() == frame["label_rule"].tolist()
