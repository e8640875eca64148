"""Read and write tables of sentences (CSV, TSV, JSONL, Parquet or plain text), the format users
bring their own notes and gold labels in. Every problem is one line that names the file and
the fix; writing is atomic."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dualalign.errors import ConfigError
from dualalign.files import atomic_open, atomic_write_bytes

__all__ = [
    "TEXT_COLUMNS",
    "SentenceTable",
    "read_sentence_table",
    "write_sentence_table",
]

#: The text column, when none is named: the first of these the file has.
TEXT_COLUMNS = ("sentence", "text")
_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".txt": "text",
}


class SentenceTable:
    """A table of sentences: its rows (all columns kept) and which column holds the text."""

    def __init__(self, path: Path, frame: pd.DataFrame, text_column: str, fmt: str) -> None:
        self.path, self.frame, self.text_column, self.format = path, frame, text_column, fmt

    @property
    def texts(self) -> list[str]:
        """The sentences, in row order."""
        return [str(x) for x in self.frame[self.text_column].tolist()]

    def __len__(self) -> int:
        return len(self.frame)


def _format(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"{path}: unknown file type '{path.suffix or '(none)'}'; use .csv, .tsv, .jsonl, "
            ".parquet or .txt (one sentence per line)"
        )
    return fmt


def _read_csv(path: Path, text: str, sep: str) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(text), delimiter=sep, strict=True))
    if not rows:
        raise ConfigError(f"{path}: the file is empty; add a header row and sentences")
    header, body = rows[0], [r for r in rows[1:] if any(cell.strip() for cell in r)]
    physical = sum(1 for line in text.splitlines()[1:] if line.strip())
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ConfigError(
                f"{path}: a row has {len(row)} cells but the header has {len(header)} (row "
                f"{number}); quote values that contain the separator"
            )
    if len(body) < physical and not any("\n" in cell for row in body for cell in row):
        raise ConfigError(
            f"{path}: {physical} lines but {len(body)} rows; an unterminated quote joins rows, "
            "close every quote"
        )
    return pd.DataFrame(body, columns=header, dtype=object)


def _read_jsonl(path: Path, text: str) -> pd.DataFrame:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}:{number}: not valid JSON ({exc.msg}); write one JSON object per line"
            ) from exc
        if not isinstance(record, dict):
            raise ConfigError(f"{path}:{number}: expected a JSON object per line")
        records.append(record)
    return pd.DataFrame.from_records(records)


def read_sentence_table(
    path: Path | str,
    text_column: str | None = None,
    required: Sequence[str] = (),
) -> SentenceTable:
    """Read a sentence table.

    Args:
        path: a .csv, .tsv, .jsonl, .parquet or .txt file (plain text: one sentence a line,
            read into the column ``sentence``).
        text_column: the text column; by default ``sentence``, then ``text``.
        required: other columns the caller needs.

    Raises:
        ConfigError: missing, unreadable, empty or malformed file, or a missing column.
    """
    path = Path(path)
    fmt = _format(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    if fmt == "parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise ConfigError(
                f"{path}: not a readable Parquet file ({type(exc).__name__})"
            ) from exc
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: not UTF-8 text (bad byte at {exc.start}); save it as UTF-8"
            ) from exc
        if "\x00" in text:
            raise ConfigError(f"{path}: binary data, not text; give a text table of sentences")
        try:
            if fmt in ("csv", "tsv"):
                frame = _read_csv(path, text, "," if fmt == "csv" else "\t")
            elif fmt == "jsonl":
                frame = _read_jsonl(path, text)
            else:
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                frame = pd.DataFrame({"sentence": lines}, dtype=object)
        except csv.Error as exc:
            raise ConfigError(f"{path}: not valid CSV ({exc}); check its quoting") from exc
    if frame.empty:
        raise ConfigError(f"{path}: no sentences in the file; add at least one row")
    columns = [str(c) for c in frame.columns]
    if text_column is None:
        text_column = next((c for c in TEXT_COLUMNS if c in columns), None)
        if text_column is None:
            raise ConfigError(
                f"{path}: no 'sentence' or 'text' column (columns: {', '.join(columns)}); "
                "name the text column with --text-column"
            )
    elif text_column not in columns:
        raise ConfigError(
            f"{path}: no column '{text_column}' (columns: {', '.join(columns)}); "
            "pass one of them as the text column"
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise ConfigError(
            f"{path}: missing column(s) {', '.join(missing)} (columns: {', '.join(columns)}); "
            "add them or name the right columns"
        )
    blank = frame[text_column].isna() | (frame[text_column].astype(str).str.strip() == "")
    if bool(blank.any()):
        first = int(blank.to_numpy().nonzero()[0][0]) + (2 if fmt in ("csv", "tsv") else 1)
        raise ConfigError(f"{path}: row {first} has an empty '{text_column}'; fill or remove it")
    return SentenceTable(path, frame.reset_index(drop=True), text_column, fmt)


def write_sentence_table(frame: pd.DataFrame, path: Path | str) -> None:
    """Write a table in the format its extension names, atomically (all or nothing)."""
    path = Path(path)
    fmt = _format(path)
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        atomic_write_bytes(path, buffer.getvalue())
        return
    with atomic_open(path) as fh:
        if fmt in ("csv", "tsv"):
            frame.to_csv(fh, index=False, sep="," if fmt == "csv" else "\t")
        elif fmt == "jsonl":
            for record in frame.to_dict(orient="records"):
                fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            raise ConfigError(
                f"{path}: plain text cannot hold labels; write .csv, .tsv, .jsonl or .parquet"
            )
