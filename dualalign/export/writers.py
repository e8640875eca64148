"""One writer per export format. Each writes one split's rows (or, for ``hf``, every split) into
a folder that :func:`dualalign.files.staged_folder` moves into place once all is written.

- ``jsonl``: one :class:`SentenceRow` per line, exactly as ``sentences.jsonl`` has it.
- ``parquet``: the Arrow schema of :func:`sentence_schema`: lists and structs stay nested.
- ``csv``: flat. A struct's fields become ``name.field`` columns (``labels.llm``), a list is a
  JSON array in its cell (``["a", "b"]``: unambiguous, whatever the items hold), an empty cell
  is null, and a float is written in full (``repr``), so it reads back exactly.
- ``hf``: a ``datasets.DatasetDict`` saved with ``save_to_disk``: the same features as Parquet,
  but ``label`` is a ``ClassLabel`` over the knowledge base's label set (extra ``export``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dualalign.errors import ConfigError
from dualalign.export.schema import flat_columns, sentence_schema
from dualalign.files import write_jsonl
from dualalign.records import SentenceRow

__all__ = [
    "DATASETS_MISSING",
    "ExportFormat",
    "hf_features",
    "import_datasets",
    "sentence_table",
    "write_csv",
    "write_hf",
    "write_jsonl_rows",
    "write_parquet",
]

#: what to say when ``--to hf`` meets an environment without ``datasets``
DATASETS_MISSING = "--to hf needs the 'datasets' package: pip install 'dualalign[export]'"


class ExportFormat(StrEnum):
    """The formats ``dualalign export`` writes."""

    hf = "hf"
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"

    @property
    def suffix(self) -> str | None:
        """The data files' extension (None: ``hf`` writes a folder per split)."""
        return None if self is ExportFormat.hf else f".{self.value}"


def import_datasets() -> ModuleType:
    """The ``datasets`` package, imported only when ``--to hf`` needs it.

    Raises:
        ConfigError: it is not installed.
    """
    try:
        import datasets
    except ImportError as exc:
        raise ConfigError(DATASETS_MISSING) from exc
    return datasets


def _records(rows: Sequence[SentenceRow]) -> list[dict[str, Any]]:
    return [row.model_dump(mode="python") for row in rows]


def sentence_table(rows: Sequence[SentenceRow]) -> pa.Table:
    """The rows as an Arrow table with :func:`sentence_schema`."""
    return pa.Table.from_pylist(_records(rows), schema=sentence_schema())


def write_jsonl_rows(path: Path, rows: Sequence[SentenceRow]) -> None:
    """One row per line, as ``sentences.jsonl`` has it."""
    write_jsonl(path, rows)


def write_parquet(path: Path, rows: Sequence[SentenceRow]) -> None:
    """A Parquet file with nested lists and structs."""
    pq.write_table(sentence_table(rows), path)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(path: Path, rows: Sequence[SentenceRow]) -> None:
    """A flat CSV file (see the module docstring for how nested fields are written)."""
    columns = flat_columns(sentence_schema())
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in columns])
        for record in _records(rows):
            writer.writerow([_cell(c.value(record)) for c in columns])


def hf_features(datasets: ModuleType, labels: Sequence[str]) -> Any:
    """``datasets.Features`` for the rows: the Arrow schema's, with ``label`` a ClassLabel."""
    features = datasets.Features.from_arrow_schema(sentence_schema())
    features["label"] = datasets.ClassLabel(names=list(labels))
    return features


def write_hf(
    folder: Path, splits: Mapping[str, Sequence[SentenceRow]], labels: Sequence[str]
) -> None:
    """A ``DatasetDict`` with one dataset per split, saved with ``save_to_disk``."""
    datasets = import_datasets()
    features = hf_features(datasets, labels)
    parts = {
        name: datasets.Dataset.from_list(_records(rows), features=features)
        for name, rows in splits.items()
    }
    quiet = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()  # the CLI reports once, at the end
    try:
        datasets.DatasetDict(parts).save_to_disk(str(folder))
    finally:
        if not quiet:
            datasets.enable_progress_bars()
