"""Ways to break a copy of a disease folder, one mistake each, for validation tests."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from dualalign.ontology import load_disease


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def set_cell(folder: Path, file: str, index: int, column: str, value: str) -> int:
    """Set one cell; return the line number of that row (header is line 1)."""
    header, rows = read_rows(folder / file)
    rows[index][column] = value
    write_rows(folder / file, header, rows)
    return index + 2


def _max_row(folder: Path, file: str, column: str) -> int:
    _, rows = read_rows(folder / file)
    return max(range(len(rows)), key=lambda i: float(rows[i][column]))


def _shift_largest(folder: Path, file: str, column: str) -> None:
    header, rows = read_rows(folder / file)
    i = _max_row(folder, file, column)
    rows[i][column] = f"{float(rows[i][column]) - 0.05:.6f}"
    write_rows(folder / file, header, rows)


def _append(folder: Path, file: str, text: str) -> int:
    path = folder / file
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(body + text, encoding="utf-8")
    return body.count("\n") + 1


def _drop_period(folder: Path, period: str) -> None:
    for file in ("period_stage.csv", "note_type_rates.csv", "mention_density.csv"):
        header, rows = read_rows(folder / file)
        write_rows(folder / file, header, [r for r in rows if r["period"] != period])


def _first_symptom_id(folder: Path) -> str:
    return load_disease(folder).symptoms[0].id


def _terminal_row(folder: Path) -> None:
    model = load_disease(folder)
    terminal = next(s.id for s in model.stages if s.terminal)
    header, rows = read_rows(folder / "stage_transitions.csv")
    rows.append({**rows[0], "from_stage": terminal, "to_stage": terminal, "probability": "1"})
    write_rows(folder / "stage_transitions.csv", header, rows)


def _dup_symptom(folder: Path) -> None:
    ident = _first_symptom_id(folder)
    _append(
        folder,
        "symptoms.ttl",
        "<https://w3id.org/dualalign/alzheimers#dup_x> a "
        "<https://w3id.org/dualalign/schema#Symptom> ;\n"
        f'  <http://purl.org/dc/terms/identifier> "{ident}" .\n',
    )


def _dangling_domain(folder: Path) -> None:
    path = folder / "symptoms.ttl"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(
        r"(da:lexiconDomain\s+)(\S+?)(\s*[;.])", r"\1ad:no_such_domain\3", text, count=1
    )
    assert n == 1
    path.write_text(new, encoding="utf-8")


def _rename_none(folder: Path) -> None:
    path = folder / "disease.ttl"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r'dcterms:identifier\s+"none"', 'dcterms:identifier "nothing"', text)
    assert n == 1
    path.write_text(new, encoding="utf-8")


def _negative_duration(folder: Path) -> None:
    path = folder / "disease.ttl"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(da:meanDurationMonths\s+)([0-9.]+)", r"\1-4.0", text, count=1)
    assert n == 1
    path.write_text(new, encoding="utf-8")


def _set_turtle_number(folder: Path, prop: str, value: str) -> None:
    path = folder / "disease.ttl"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"({re.escape(prop)}\s+)([0-9.]+)", rf"\g<1>{value}", text, count=1)
    assert n == 1
    path.write_text(new, encoding="utf-8")


def _edit_line(
    folder: Path, file: str, pick: Callable[[str], bool], edit: Callable[[str], str]
) -> int:
    """Edit the first physical line ``pick`` accepts; return its line number."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if i > 0 and pick(line))
    lines[number] = edit(lines[number])
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def _unclosed_note(folder: Path) -> int:
    """Drop the closing quote of a quoted note followed by a row without quotes: a lenient CSV
    reader reads that whole next row into the note, and the row is silently lost."""
    path = folder / "symptom_prevalence.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(
        i for i in range(1, len(lines) - 1) if lines[i].endswith('"') and '"' not in lines[i + 1]
    )
    lines[i] = lines[i][:-1]
    path.write_text("\n".join(lines), encoding="utf-8")
    return i + 1


def truncate_in_string(folder: Path, file: str = "symptoms.ttl") -> int:
    """Cut the file a few characters into a quoted string (a copy that stopped half-way);
    return the line the cut is on."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(i for i in range(len(lines) // 3, len(lines)) if '"' in lines[i])
    cut = lines[i][: lines[i].index('"') + 4]
    path.write_text("\n".join([*lines[:i], cut]), encoding="utf-8")
    return i + 1


def _missing_column(folder: Path) -> None:
    header, rows = read_rows(folder / "mention_density.csv")
    keep = [h for h in header if h != "source"]
    write_rows(folder / "mention_density.csv", keep, [{k: r[k] for k in keep} for r in rows])


def _extra_column(folder: Path) -> None:
    header, rows = read_rows(folder / "mention_density.csv")
    write_rows(
        folder / "mention_density.csv", [*header, "sorce"], [{**r, "sorce": "x"} for r in rows]
    )


def _bad_condition(folder: Path) -> None:
    header, rows = read_rows(folder / "risk_factor_prevalence.csv")
    rows.append({**rows[0], "condition": "sex=unknown_sex"})
    write_rows(folder / "risk_factor_prevalence.csv", header, rows)


def set_parameter(folder: Path, name: str, value: str) -> int:
    """Set (or add) one row of parameters.csv; return its line number."""
    header, rows = read_rows(folder / "parameters.csv")
    for i, row in enumerate(rows):
        if row["name"] == name:
            return set_cell(folder, "parameters.csv", i, "value", value)
    rows.append({**rows[0], "name": name, "value": value})
    write_rows(folder / "parameters.csv", header, rows)
    return len(rows) + 1


def _drop_parameter(folder: Path, name: str) -> None:
    header, rows = read_rows(folder / "parameters.csv")
    write_rows(folder / "parameters.csv", header, [r for r in rows if r["name"] != name])


def _dup_row(folder: Path) -> None:
    header, rows = read_rows(folder / "mention_density.csv")
    write_rows(folder / "mention_density.csv", header, [*rows, rows[0]])


Breaker = Callable[[Path], object]


#: id -> (how to break the folder, substrings the single error line must contain)
def _long_mci(folder: Path) -> None:
    path = folder / "disease.ttl"
    text = path.read_text(encoding="utf-8")
    at = text.index('dcterms:identifier "mci"')
    start = text.index("da:meanDurationMonths", at)
    end = text.index(";", start)
    path.write_text(text[:start] + "da:meanDurationMonths 80.0 " + text[end:], encoding="utf-8")


CASES: dict[str, tuple[Breaker, tuple[str, ...]]] = {
    "duration_disagrees_with_transitions": (
        _long_mci,
        ("disease.ttl", "Stage 'mci'", "meanDurationMonths 80", "implies 40.0 months"),
    ),
    "reporter_shares_do_not_sum": (
        lambda f: set_cell(f, "reporter_rates.csv", 0, "probability", "0.5"),
        ("reporter_rates.csv", "prodromal_scd/*", "not 1"),
    ),
    "unknown_reporter": (
        lambda f: set_cell(f, "reporter_rates.csv", 1, "reporter", "neighbour"),
        ("reporter_rates.csv:3", "'neighbour' is not a defined Reporter"),
    ),
    "missing_csv": (
        lambda f: (f / "period_stage.csv").unlink(),
        ("period_stage.csv", "required file is missing"),
    ),
    "missing_disease_ttl": (
        lambda f: (f / "disease.ttl").unlink(),
        ("disease.ttl", "required file is missing"),
    ),
    "malformed_turtle": (
        lambda f: _append(f, "symptoms.ttl", "ad:oops a da:Symptom ;; ] .\n"),
        ("symptoms.ttl:", "cannot parse as turtle"),
    ),
    "malformed_rdfxml": (
        lambda f: (f / "extra.owl").write_text(
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            "\n<rdf:Description>\n</rdf:RDF>\n"
        ),
        ("extra.owl:", "cannot parse as xml"),
    ),
    "malformed_obo": (
        lambda f: (f / "extra.obo").write_text("format-version: 1.2\n\n[Term]\nid X:1\nname: a\n"),
        ("extra.obo", "cannot parse as OBO", "no 'id:' tag"),
    ),
    "probability_above_one": (
        lambda f: set_cell(f, "stage_transitions.csv", 0, "probability", "1.5"),
        ("stage_transitions.csv:2", "probability", "must be in [0, 1]", "got '1.5'"),
    ),
    "negative_probability": (
        lambda f: set_cell(f, "persona_marginals.csv", 0, "probability", "-0.1"),
        ("persona_marginals.csv:2", "must be in [0, 1]"),
    ),
    "not_a_number": (
        lambda f: set_cell(f, "mention_density.csv", 0, "mean_mentions", "lots"),
        ("mention_density.csv:2", "mean_mentions", "plain number"),
    ),
    "transitions_do_not_sum": (
        lambda f: _shift_largest(f, "stage_transitions.csv", "probability"),
        ("stage_transitions.csv", "sum to 0.95", "not 1"),
    ),
    "domains_do_not_sum": (
        lambda f: _shift_largest(f, "domain_prevalence.csv", "proportion"),
        ("domain_prevalence.csv", "sum to 0.95"),
    ),
    "dangling_rdf_reference": (_dangling_domain, ("symptoms.ttl", "no_such_domain", "not defined")),
    "dangling_csv_reference": (
        lambda f: set_cell(f, "period_stage.csv", 0, "stage", "no_such_stage"),
        ("period_stage.csv:2", "no_such_stage", "not a defined Stage"),
    ),
    "duplicate_identifier": (_dup_symptom, ("symptoms.ttl", "duplicate Symptom identifier")),
    "duplicate_row": (_dup_row, ("mention_density.csv", "duplicate period")),
    "unknown_source_key": (
        lambda f: set_cell(f, "note_type_rates.csv", 0, "source", "nope"),
        ("note_type_rates.csv:2", "'nope'", "sources.csv"),
    ),
    "missing_column": (_missing_column, ("mention_density.csv:1", "missing column(s) source")),
    "unknown_column": (_extra_column, ("mention_density.csv:1", "unknown column(s) sorce")),
    "periods_not_contiguous": (lambda f: _drop_period(f, "-5"), ("not contiguous", "-5")),
    "terminal_stage_outgoing": (_terminal_row, ("stage_transitions.csv", "terminal stage")),
    "unknown_condition_category": (
        _bad_condition,
        ("risk_factor_prevalence.csv", "sex=unknown_sex"),
    ),
    "missing_none_label": (_rename_none, ("disease.ttl", "no label 'none'")),
    "negative_duration": (_negative_duration, ("disease.ttl", "mean_duration_months")),
    "not_utf8": (
        lambda f: (f / "mention_density.csv").write_bytes(
            "period,mean_mentions,source\n-10,2.7,caf\xe9\n".encode("latin-1")
        ),
        ("mention_density.csv", "not UTF-8"),
    ),
    # plausible ranges (docs/ontology-format.md): absurd values fail at validate time
    "visits_per_year_absurd": (
        lambda f: set_cell(f, "note_type_rates.csv", 0, "visits_per_year", "1e308"),
        ("note_type_rates.csv:2", "visits_per_year", "in [0, 52]", "1e308"),
    ),
    "mean_mentions_absurd": (
        lambda f: set_cell(f, "mention_density.csv", 0, "mean_mentions", "1e15"),
        ("mention_density.csv:2", "mean_mentions", "in [0, 50]"),
    ),
    "onset_months_nan": (
        lambda f: set_cell(f, "symptom_onset.csv", 0, "onset_months", "nan"),
        ("symptom_onset.csv:2", "onset_months", "in [-360, 360]", "'nan'"),
    ),
    "onset_months_inf": (
        lambda f: set_cell(f, "symptom_onset.csv", 0, "onset_months", "-inf"),
        ("symptom_onset.csv:2", "onset_months", "in [-360, 360]"),
    ),
    "modifier_multiplier_negative": (
        lambda f: set_cell(f, "risk_modifiers.csv", 0, "multiplier", "-2"),
        ("risk_modifiers.csv:2", "multiplier", "in (0, 20]"),
    ),
    "transition_weight_absurd": (
        lambda f: set_cell(f, "symptom_transitions.csv", 0, "weight", "1e9"),
        ("symptom_transitions.csv:2", "weight", "in (0, 100]"),
    ),
    "period_absurd": (
        lambda f: set_cell(f, "mention_density.csv", 0, "period", "-1000"),
        ("mention_density.csv:2", "period", "whole number in [-30, 30]"),
    ),
    "years_before_absurd": (
        lambda f: set_parameter(f, "years_before", "1e8"),
        ("parameters.csv:5", "years_before must be a whole number in [0, 30]"),
    ),
    "years_before_past_periods": (
        lambda f: set_parameter(f, "years_before", "12"),
        ("parameters.csv:5", "years_before 12 reaches past the first period (-10)", "at most 10"),
    ),
    "density_multiplier_negative": (
        lambda f: set_parameter(f, "density_multiplier", "-1"),
        ("parameters.csv:2", "density_multiplier must be in (0, 20]"),
    ),
    "persistence_nan": (
        lambda f: set_parameter(f, "symptom_persistence", "NaN"),
        ("parameters.csv:3", "value", "finite number"),
    ),
    "persistence_plus_evolution_above_one": (
        lambda f: set_parameter(f, "symptom_persistence", "0.9"),
        ("parameters.csv:4", "is more than 1"),
    ),
    "unknown_parameter": (
        lambda f: set_parameter(f, "years_befor", "10"),
        ("parameters.csv:8", "unknown parameter 'years_befor'", "years_before"),
    ),
    "required_parameter_missing": (
        lambda f: _drop_parameter(f, "symptom_evolution"),
        ("parameters.csv", "required parameter 'symptom_evolution' is missing"),
    ),
    "stage_duration_absurd": (
        lambda f: _set_turtle_number(f, "da:meanDurationMonths", "1e9"),
        ("disease.ttl", "mean_duration_months", "in [0, 600]"),
    ),
    # CSV syntax: one row per physical line, so a stray quote cannot hide a row
    "unterminated_quote_swallows_next_row": (
        _unclosed_note,
        ("symptom_prevalence.csv:3", "unterminated quote", 'close the quote with "'),
    ),
    "unterminated_quote_last_row": (
        lambda f: _edit_line(
            f, "mention_density.csv", lambda s: s.startswith("2,"), lambda s: s.replace(",a", ',"a')
        ),
        ("mention_density.csv:14", "unterminated quote"),
    ),
    "text_after_closing_quote": (
        lambda f: _edit_line(
            f, "stage_transitions.csv", lambda s: True, lambda s: '"prodromal_scd"x' + s[13:]
        ),
        ("stage_transitions.csv:2", "text after the closing quote"),
    ),
    "repeated_column": (
        lambda f: (f / "mention_density.csv").write_text(
            "period,mean_mentions,source,source\n-10,2.7,dualalign_2025,dualalign_2025\n"
        ),
        ("mention_density.csv:1", "repeated column(s) source"),
    ),
    # RDF files: the root cause once, with its line
    "truncated_turtle": (truncate_in_string, ("symptoms.ttl:", "quoted string is not closed")),
    "empty_symptoms_ttl": (
        lambda f: (f / "symptoms.ttl").write_text(""),
        ("symptoms.ttl", "no symptoms are defined"),
    ),
    "empty_disease_ttl": (
        lambda f: (f / "disease.ttl").write_text(""),
        ("disease.ttl", "no disease is defined"),
    ),
    "binary_turtle": (
        lambda f: (f / "symptoms.ttl").write_bytes(bytes(range(256)) * 4),
        ("symptoms.ttl", "not UTF-8"),
    ),
    "nul_bytes_in_turtle": (
        lambda f: (f / "disease.ttl").write_text("\x00\x01\x02 ttl?\n"),
        ("disease.ttl:1", "cannot parse as turtle"),
    ),
    "empty_csv": (
        lambda f: (f / "symptom_onset.csv").write_text(""),
        ("symptom_onset.csv", "file is empty"),
    ),
}
