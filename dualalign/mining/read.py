"""Read an observation file in batches and check it: one clear line per problem.

An observation file is CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``, or a folder
of Parquet files), one row per symptom mention. Columns (names are case-insensitive):

* ``patient_id`` (required);
* ``years_from_diagnosis`` (a number), or ``mention_date`` and ``diagnosis_date`` (ISO dates);
* ``term`` (required): a lexicon id, label, synonym, lay phrase, abbreviation or xref such as
  ``HP:0002354``. An empty term is a note with no symptom mention (it counts as a visit);
* optional: ``note_id``, ``note_type``, ``stage``, ``reporter``, ``death_date``, ``mention_index``,
  ``age_band``, ``sex``, ``race_ethnicity``, ``education``, ``risk_factors`` (ids separated by
  ``|`` or ``;``). ``death_date`` (empty: not recorded dead) needs ``diagnosis_date``; with
  ``stage`` it lets the miner learn transitions into the terminal stage.

Nothing is loaded whole: CSV is read with pyarrow's streaming reader, Parquet with
``iter_batches``; each batch comes out as a pandas frame of strings (and dates as datetimes).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from dualalign.errors import ObservationError

__all__ = ["DEMOGRAPHICS", "OPTIONAL", "Batch", "ObservationSource", "open_observations"]

DEMOGRAPHICS = ("age_band", "sex", "race_ethnicity", "education")
OPTIONAL = (
    "note_id",
    "note_type",
    "stage",
    "reporter",
    "death_date",
    "mention_index",
    *DEMOGRAPHICS,
    "risk_factors",
)
_DATES = ("mention_date", "diagnosis_date", "death_date")
_DAYS_PER_YEAR = 365.25
BATCH_ROWS = 262_144


@dataclass(frozen=True)
class Batch:
    """One batch of rows: ``frame`` (canonical column names) and the 0-based number of its
    first row in the file."""

    frame: pd.DataFrame
    first_row: int


@dataclass(frozen=True)
class ObservationSource:
    """An observation file whose header has been checked."""

    path: Path
    kind: str  # "csv" | "parquet"
    columns: dict[str, str]  # canonical name -> the file's own column name
    rows: int | None  # known up front for Parquet

    def where(self, row: int) -> str:
        """How a message names a 0-based data row: the CSV line, or the Parquet row."""
        if self.kind == "csv":
            return f"{self.path.name}:{row + 2}"
        return f"{self.path.name} row {row + 1}"

    def has(self, name: str) -> bool:
        return name in self.columns

    def batches(self, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
        """Stream the file as validated batches (years computed, required values present)."""
        first = 0
        for frame in self._raw(batch_rows):
            frame = frame.rename(columns={v: k for k, v in self.columns.items()})
            frame = frame[[c for c in self.columns if c in frame.columns]]
            yield Batch(self._check(frame, first), first)
            first += len(frame)
        if first == 0:
            raise ObservationError(
                f"{self.path}: no observations (only a header); give one row per symptom mention"
            )

    # ------------------------------------------------------------------ reading

    def _raw(self, batch_rows: int) -> Iterator[pd.DataFrame]:
        wanted = list(self.columns.values())
        if self.kind == "csv":
            types = {c: pa.string() for c in wanted}
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(block_size=1 << 24, encoding="utf8"),
                parse_options=pacsv.ParseOptions(newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=types, include_columns=wanted, strings_can_be_null=False
                ),
            )
            try:
                for rb in reader:
                    yield _arrow_frame(rb)
            except pa.ArrowInvalid as exc:
                raise ObservationError(
                    f"{self.path}: not readable as CSV ({_first_line(exc)}); save it as "
                    "comma-separated UTF-8 text with one header row"
                ) from exc
            return
        files = (
            sorted(self.path.rglob("*.parquet")) + sorted(self.path.rglob("*.pq"))
            if self.path.is_dir()
            else [self.path]
        )
        for file in files:
            parquet = pq.ParquetFile(file, pre_buffer=False, buffer_size=1 << 20)
            for rb in parquet.iter_batches(batch_size=batch_rows, columns=wanted):
                yield _arrow_frame(rb)

    # ------------------------------------------------------------------ checking

    def _fail_row(self, mask: np.ndarray, first: int, message: str, fix: str) -> None:
        bad = np.flatnonzero(mask)
        if bad.size:
            more = f" (and {bad.size - 1} more rows)" if bad.size > 1 else ""
            raise ObservationError(f"{self.where(first + int(bad[0]))}: {message}{more}; {fix}")

    def _check(self, frame: pd.DataFrame, first: int) -> pd.DataFrame:
        pid = _text(frame["patient_id"])
        self._fail_row(
            (pid == "").to_numpy(),
            first,
            "empty patient_id",
            "give every row the id of its patient",
        )
        out = pd.DataFrame({"patient_id": pid})
        if self.has("years_from_diagnosis"):
            raw = frame["years_from_diagnosis"]
            years = pd.to_numeric(raw, errors="coerce")
            bad = years.isna() | ~np.isfinite(years.to_numpy(dtype=float, na_value=np.nan))
            self._fail_row(
                bad.to_numpy(),
                first,
                f"years_from_diagnosis {_shown(raw, bad)} is not a number",
                "write years relative to diagnosis, e.g. -2.5",
            )
            out["years"] = years.astype(float)
            mention = None
            diagnosis = None
            if self.has("diagnosis_date") and self.has("death_date"):
                diagnosis = self._date(frame, "diagnosis_date", first)
                mention = diagnosis + pd.to_timedelta(out["years"] * _DAYS_PER_YEAR, unit="D")
        else:
            mention = self._date(frame, "mention_date", first)
            diagnosis = self._date(frame, "diagnosis_date", first)
            out["years"] = (mention - diagnosis).dt.total_seconds().to_numpy() / (
                86400 * _DAYS_PER_YEAR
            )
        if self.has("death_date") and mention is not None and diagnosis is not None:
            death = self._date(frame, "death_date", first, required=False)
            slack = pd.Timedelta(0 if self.has("mention_date") else "1D")  # years are rounded
            after = (death.notna() & (mention > death + slack)).to_numpy()
            self._fail_row(
                after,
                first,
                "the mention is dated after death_date",
                "correct the dates, or drop mentions recorded after death",
            )
            # years from diagnosis to death (NaN: not recorded dead), for stage transitions
            out["death_years"] = (death - diagnosis).dt.total_seconds().to_numpy() / (
                86400 * _DAYS_PER_YEAR
            )
        out["term"] = _text(frame["term"])
        for name in OPTIONAL:
            if self.has(name) and name not in ("death_date", "mention_index"):
                out[name] = _text(frame[name])
        if self.has("mention_index"):
            raw = frame["mention_index"]
            idx = pd.to_numeric(raw, errors="coerce")
            bad = idx.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
            self._fail_row(
                bad.to_numpy(),
                first,
                f"mention_index {_shown(raw, bad)} is not a number",
                "give the mention's position in its note (0, 1, 2 ...) or leave it empty",
            )
            out["mention_index"] = idx.fillna(0).astype(float)
        out.index = pd.RangeIndex(first, first + len(out))
        return out

    def _date(
        self, frame: pd.DataFrame, name: str, first: int, *, required: bool = True
    ) -> pd.Series:
        raw = frame[name]
        if pd.api.types.is_datetime64_any_dtype(raw):
            parsed = pd.to_datetime(raw).dt.tz_localize(None) if raw.dt.tz else raw
            missing = parsed.isna()
        else:
            text = _text(raw)
            cats = pd.to_datetime(pd.Series(text.cat.categories), errors="coerce", format="ISO8601")
            parsed = pd.Series(cats.to_numpy()[text.cat.codes.to_numpy()], index=text.index)
            missing = text == ""
            self._fail_row(
                (parsed.isna() & ~missing).to_numpy(),
                first,
                f"{name} {_shown(text, parsed.isna() & ~missing)} is not a date",
                "write dates as YYYY-MM-DD",
            )
        if required:
            self._fail_row(missing.to_numpy(), first, f"empty {name}", f"give every row its {name}")
        return parsed.astype("datetime64[ns]")


def _shown(values: pd.Series, bad: pd.Series) -> str:
    """The first bad value, quoted and kept short ("" when none is bad)."""
    mask = bad.to_numpy(dtype=bool, na_value=False)
    if not mask.any():
        return ""
    value = str(values[mask].iloc[0])
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


#: columns read as numbers; every other text column becomes a pandas Categorical
_NUMERIC = ("years_from_diagnosis", "mention_index")


def _arrow_frame(rb: pa.RecordBatch) -> pd.DataFrame:
    """A batch as pandas without a Python string per cell: text is dictionary-encoded (a
    Categorical), dates stay datetimes, numbers stay numbers."""
    cols = {}
    for name, col in zip(rb.schema.names, rb.columns, strict=True):
        if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
            cols[name] = pd.to_datetime(col.to_pandas())
        elif pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            cols[name] = col.to_pandas()
        elif name.strip().lower() in _NUMERIC:
            cols[name] = col.cast(pa.string()).to_pandas()
        else:
            if not pa.types.is_dictionary(col.type):
                col = col.cast(pa.string()).dictionary_encode()
            cols[name] = col.to_pandas()
    return pd.DataFrame(cols)


def _text(values: pd.Series) -> pd.Series:
    """Stripped text as a Categorical ("" for missing), cleaned once per distinct value."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    cats = pd.Series(values.cat.categories.astype(str)).str.strip()
    uniques, inverse = np.unique(np.append(cats.to_numpy(dtype=object), ""), return_inverse=True)
    codes = values.cat.codes.to_numpy()
    new = np.where(codes >= 0, inverse[:-1][codes] if len(cats) else 0, inverse[-1])
    return pd.Series(pd.Categorical.from_codes(new, categories=list(uniques)), index=values.index)


def _format(path: Path) -> str:
    name = path.name.lower()
    if path.is_dir():
        if any(path.glob("*.parquet")) or any(path.glob("*.pq")):
            return "parquet"
        raise ObservationError(
            f"{path}: a folder without .parquet files; give a CSV or Parquet file"
        )
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise ObservationError(
        f"{path}: unknown observation format '{path.suffix or path.name}'; "
        "give a .csv, .csv.gz, .parquet or .pq file"
    )


def _header(path: Path, kind: str) -> list[str]:
    if kind == "csv":
        if path.stat().st_size == 0:
            raise ObservationError(
                f"{path}: the file is empty; give a header row and one row per symptom mention"
            )
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        try:
            with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:  # type: ignore[operator]
                header = next(csv.reader(fh), [])
        except (UnicodeDecodeError, OSError, csv.Error) as exc:
            raise ObservationError(
                f"{path}: not readable as CSV ({_first_line(exc)}); save it as UTF-8 text "
                "with one header row"
            ) from exc
        if not header or not any(h.strip() for h in header):
            raise ObservationError(
                f"{path}: the file is empty; give a header row and one row per symptom mention"
            )
        return header
    try:
        return list(pads.dataset(path, format="parquet").schema.names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ObservationError(
            f"{path}: not readable as Parquet ({_first_line(exc)}); write it with pandas "
            "or pyarrow, or give a CSV file"
        ) from exc


def _row_count(path: Path, kind: str) -> int | None:
    if kind != "parquet":
        return None
    try:
        return int(pads.dataset(path, format="parquet").count_rows())
    except (pa.ArrowInvalid, OSError):
        return None


def open_observations(path: str | Path) -> ObservationSource:
    """Check the file's format and header (required columns present, no duplicates).

    Raises:
        ObservationError: missing file, unknown format, empty file or a missing column.
    """
    path = Path(path)
    if not path.exists():
        raise ObservationError(f"{path}: no such observation file; check the path")
    kind = _format(path)
    header = _header(path, kind)
    columns: dict[str, str] = {}
    for col in header:
        key = col.strip().lower()
        if key in columns:
            raise ObservationError(
                f"{path}: column '{col}' appears twice; rename or drop one of them"
            )
        columns[key] = col
    for name in ("patient_id", "term"):
        if name not in columns:
            raise ObservationError(
                f"{path}: missing column '{name}'; add it "
                + (
                    "(the patient each mention belongs to)"
                    if name == "patient_id"
                    else "(a lexicon id, synonym or code per mention)"
                )
            )
    if "years_from_diagnosis" not in columns:
        lacking = [c for c in ("mention_date", "diagnosis_date") if c not in columns]
        if lacking:
            raise ObservationError(
                f"{path}: missing column '{lacking[0]}'; give years_from_diagnosis, or "
                "mention_date and diagnosis_date"
            )
    keep = {"patient_id", "term", "years_from_diagnosis", *OPTIONAL, *_DATES}
    chosen = {k: v for k, v in columns.items() if k in keep}
    return ObservationSource(path, kind, chosen, _row_count(path, kind))
