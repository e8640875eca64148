"""Every export reloads to exactly the rows of sentences.jsonl, split by split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dualalign.export import ExportFormat, ExportRequest, export_run, parse_split
from dualalign.export.schema import flat_columns, sentence_schema
from dualalign.export.splits import assign_patients
from dualalign.files import read_jsonl
from dualalign.records import SentenceRow
from tests.export.conftest import need_datasets

SPLIT = "train=0.6,validation=0.2,test=0.2"


def _expected(run: Path, split: str | None, seed: int) -> dict[str, list[SentenceRow]]:
    """The source rows per split, in file order: what every export must give back."""
    rows = read_jsonl(run / "sentences.jsonl", SentenceRow)
    if split is None:
        return {"train": rows}
    spec = parse_split(split)
    where = assign_patients([r.persona_id for r in rows], spec, seed)
    return {name: [r for r in rows if where[r.persona_id] == name] for name in spec.names}


def _from_flat(record: dict[str, str]) -> SentenceRow:
    """Undo the CSV flattening, column by column, from the schema."""
    nested: dict[str, Any] = {}
    for column in flat_columns(sentence_schema()):
        raw, kind = record[column.name], column.field.type
        value: Any
        if raw == "" and column.field.nullable:
            value = None
        elif pa.types.is_list(kind):
            value = json.loads(raw)
        elif pa.types.is_integer(kind):
            value = int(raw)
        elif pa.types.is_floating(kind):
            value = float(raw)
        else:
            value = raw
        target = nested
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        target[column.path[-1]] = value
    return SentenceRow.model_validate(nested)


def _reload(fmt: ExportFormat, path: Path) -> list[SentenceRow]:
    if fmt is ExportFormat.jsonl:
        return read_jsonl(path, SentenceRow)
    if fmt is ExportFormat.parquet:
        table = pq.read_table(path)
        assert table.schema.equals(sentence_schema()), table.schema
        return [SentenceRow.model_validate(r) for r in table.to_pylist()]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == [c.name for c in flat_columns(sentence_schema())]
    return [_from_flat(r) for r in frame.to_dict(orient="records")]


@pytest.mark.parametrize("split", [None, SPLIT], ids=["one-file", "split"])
@pytest.mark.parametrize("fmt", [ExportFormat.parquet, ExportFormat.csv, ExportFormat.jsonl])
def test_file_formats_round_trip(
    fmt: ExportFormat, split: str | None, run_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    spec = parse_split(split) if split else None
    result = export_run(ExportRequest(run_dir, out, fmt, split=spec, seed=11))
    expected = _expected(run_dir, split, seed=11)
    names = [f"{n}{fmt.suffix}" for n in expected] if split else [f"sentences{fmt.suffix}"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, "README.md"])
    for (name, rows), file in zip(expected.items(), names, strict=True):
        assert _reload(fmt, out / file) == rows, f"{fmt.value} {name}"
    assert [s.sentences for s in result.splits] == [len(r) for r in expected.values()]
    assert sum(len(r) for r in expected.values()) == len(
        read_jsonl(run_dir / "sentences.jsonl", SentenceRow)
    )


@pytest.mark.parametrize("split", [None, SPLIT], ids=["one-split", "split"])
def test_hf_round_trip_through_load_from_disk(
    split: str | None, run_dir: Path, tmp_path: Path
) -> None:
    datasets = need_datasets()
    out = tmp_path / "hf"
    spec = parse_split(split) if split else None
    export_run(ExportRequest(run_dir, out, ExportFormat.hf, split=spec, seed=11))
    loaded = datasets.load_from_disk(str(out))
    expected = _expected(run_dir, split, seed=11)
    assert list(loaded) == list(expected)
    for name, rows in expected.items():
        names = loaded[name].features["label"].names
        back = [
            SentenceRow.model_validate({**r, "label": names[r["label"]]})
            for r in loaded[name].to_list()
        ]
        assert back == rows, name


def test_parquet_keeps_nested_fields_as_arrow_lists_and_structs(
    run_dir: Path, tmp_path: Path
) -> None:
    export_run(ExportRequest(run_dir, tmp_path / "p", ExportFormat.parquet))
    schema = pq.read_schema(tmp_path / "p" / "sentences.parquet")
    assert pa.types.is_list(schema.field("planned_symptoms").type)
    assert pa.types.is_struct(schema.field("labels").type)
    table = pq.read_table(tmp_path / "p" / "sentences.parquet")
    first = read_jsonl(run_dir / "sentences.jsonl", SentenceRow)[1]
    assert table.column("labels")[1].as_py() == first.labels.model_dump()
    assert table.column("planned_symptoms")[1].as_py() == first.planned_symptoms
