"""Read the CSV priors of a disease folder into validated rows, keeping line numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dualalign.errors import Problem
from dualalign.ontology import model as m

__all__ = ["TABLES", "Row", "TableSpec", "pydantic_problems", "read_table"]


def _any_stage(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("stage") == "*":
        row["stage"] = None
    return row


def _any_note_type(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("note_type") == "*":
        row["note_type"] = None
    return row


def _condition(row: dict[str, Any]) -> dict[str, Any]:
    raw = row.get("condition")
    if raw in ("*", "", None):
        row["condition"] = None
    elif isinstance(raw, str):
        attribute, sep, category = raw.partition("=")
        row["condition"] = {"attribute": attribute.strip(), "category": category.strip()}
        if not sep:
            row["condition"] = {"attribute": "", "category": raw}
    return row


@dataclass(frozen=True)
class TableSpec:
    """How to read one CSV file."""

    file: str
    model: type[BaseModel]
    required: bool
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the file must have, in documented order."""
        return tuple(self.model.model_fields)


#: Attribute name on DiseaseModel -> the file it is read from.
TABLES: dict[str, TableSpec] = {
    "sources": TableSpec("sources.csv", m.Source, True),
    "parameters": TableSpec("parameters.csv", m.Parameter, True),
    "stage_transitions": TableSpec("stage_transitions.csv", m.StageTransition, True),
    "period_stage": TableSpec("period_stage.csv", m.PeriodStage, True),
    "note_type_rates": TableSpec("note_type_rates.csv", m.NoteTypeRate, True),
    "mention_density": TableSpec("mention_density.csv", m.MentionDensity, True),
    "domain_prevalence": TableSpec("domain_prevalence.csv", m.DomainPrevalence, True),
    "persona_marginals": TableSpec("persona_marginals.csv", m.PersonaMarginal, True),
    "risk_factor_prevalence": TableSpec(
        "risk_factor_prevalence.csv", m.RiskFactorPrevalence, True, _condition
    ),
    "symptom_prevalence": TableSpec("symptom_prevalence.csv", m.SymptomPrevalence, False),
    "symptom_onset": TableSpec("symptom_onset.csv", m.SymptomOnset, False),
    "symptom_transitions": TableSpec(
        "symptom_transitions.csv", m.SymptomTransition, False, _any_stage
    ),
    "risk_modifiers": TableSpec("risk_modifiers.csv", m.RiskModifier, False, _any_stage),
    "screening_instruments": TableSpec("screening_instruments.csv", m.ScreeningInstrument, False),
    "reporter_rates": TableSpec("reporter_rates.csv", m.ReporterRate, False, _any_note_type),
}

_FIXES = {
    "missing": "fill in the column",
    "float_parsing": "write a plain number such as 0.25",
    "int_parsing": "write a whole number such as -3",
    "less_than_equal": "use a value within the allowed range",
    "greater_than_equal": "use a value within the allowed range",
    "greater_than": "use a value greater than zero",
    "finite_number": "write a finite number",
    "string_pattern_mismatch": "use a lower-case identifier such as mild_dementia",
    "string_too_short": "fill in the value",
    "literal_error": "use one of the allowed values",
    "too_short": "give at least one value",
    "extra_forbidden": "remove the unknown field",
}


@dataclass(frozen=True)
class Row:
    """A validated row and the line it came from."""

    line: int
    value: Any


def pydantic_problems(
    exc: ValidationError, file: str, line: int | None, what: str
) -> list[Problem]:
    """Turn a pydantic ValidationError into one Problem per error, naming the field."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"])
        shown = f"'{err.get('input')}'" in err["msg"]
        given = "" if err["type"] == "missing" or shown else f" (got {err.get('input')!r})"
        problems.append(
            Problem(
                file,
                f"{what}: field '{loc}': {err['msg']}{given}",
                str(err.get("ctx", {}).get("fix") or _FIXES.get(err["type"], "correct the value")),
                line=line,
            )
        )
    return problems


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _syntax_problem(file: str, line: int, exc: csv.Error) -> Problem:
    text = str(exc)
    if "unexpected end of data" in text:
        return Problem(
            file,
            "unterminated quote: a quoted cell is not closed on this line "
            "(it would swallow the rows after it)",
            'close the quote with " (write "" for a quote inside a quoted cell), or remove it',
            line=line,
        )
    if "expected after" in text:
        return Problem(
            file,
            "text after the closing quote of a cell",
            'quote the whole cell (write "" for a quote inside it), or remove the quotes',
            line=line,
        )
    return Problem(file, f"cannot parse as CSV: {text}", "correct the row", line=line)


def _split(file: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Header and ``(line, cells)`` rows, one row per physical line: a quote left open cannot
    silently swallow the lines after it, and every line number is the one an editor shows."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            return header or [], rows, [_syntax_problem(file, number, exc)]
        if header is None:
            header = [cell.strip() for cell in cells]
        else:
            rows.append((number, cells))
    return header or [], rows, []


def _header_problem(spec: TableSpec, header: list[str]) -> Problem | None:
    if not header:
        return Problem(spec.file, "file is empty", f"add the header {','.join(spec.columns)}")
    allowed = set(spec.columns) | {"note"}
    missing = [c for c in spec.columns if c not in header]
    extra = [c for c in header if c not in allowed]
    twice = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        parts.append(f"unknown column(s) {', '.join(extra)}")
    if twice:
        parts.append(f"repeated column(s) {', '.join(twice)}")
    if not parts:
        return None
    return Problem(
        spec.file, "; ".join(parts), f"use the header {','.join(spec.columns)}[,note]", line=1
    )


def _read_text(folder: Path, spec: TableSpec) -> tuple[str | None, list[Problem]]:
    path = folder / spec.file
    if not path.is_file():
        if not spec.required:
            return None, []
        return None, [
            Problem(
                spec.file,
                "required file is missing",
                f"create it with the columns {','.join(spec.columns)} "
                "(copy it from ontologies/_template)",
            )
        ]
    try:
        return path.read_text(encoding="utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                spec.file,
                f"file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                "save the file as UTF-8",
            )
        ]


def read_table(folder: Path, spec: TableSpec) -> tuple[list[Row], list[Problem]]:
    """Read and validate one CSV file. A missing optional file yields no rows."""
    text, problems = _read_text(folder, spec)
    if text is None:
        return [], problems
    header, lines, problems = _split(spec.file, text)
    if problems and not header:  # the header line itself is broken
        return [], problems
    bad_header = _header_problem(spec, header)
    if bad_header is not None:
        return [], [bad_header]
    if problems:
        return [], problems
    rows: list[Row] = []
    for line, cells in lines:
        if len(cells) > len(header):
            problems.append(
                Problem(
                    spec.file,
                    "row has more cells than the header",
                    "remove the extra cells or quote values containing commas",
                    line=line,
                )
            )
            continue
        raw = dict(zip(header, [c.strip() for c in cells], strict=False))
        record = {k: v for k, v in raw.items() if k != "note"}
        if all(v == "" for v in record.values()):
            continue
        record = {k: v for k, v in record.items() if v != "" or k == "locator"}
        prepared: dict[str, Any] = spec.prepare(record) if spec.prepare else dict(record)
        try:
            rows.append(Row(line, spec.model.model_validate(prepared)))
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, spec.file, line, "row"))
    if not rows and not problems:
        problems.append(Problem(spec.file, "file has a header but no rows", "add at least one row"))
    return rows, problems
