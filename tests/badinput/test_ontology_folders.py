"""Bad disease folders, through the real CLI: each is refused in one line, and nothing changes.

Every case breaks a private copy of the bundled Alzheimer's folder in one way and runs
``ontology validate``, ``ontology add`` or ``graph load --disease`` on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.badinput.harness import Case, RunCli, check_rejected
from tests.ontology.breakers import CASES as BREAKERS
from tests.ontology.breakers import set_cell, set_parameter

Breaker = Callable[[Path], object]

VALIDATE = ("ontology", "validate", "{alz}")
ADD = ("ontology", "add", "{alz}")
LOAD = ("graph", "load", "--disease", "{alz}")


@dataclass(frozen=True)
class FolderCase:
    """A way to break the folder, the command to run on it, and what the error must name."""

    case: Case
    breaker: Breaker


def _known(name: str, args: tuple[str, ...], expect: str) -> FolderCase:
    """A case built from a breaker of the validation tests."""
    return FolderCase(Case(name, args, expect), BREAKERS[name][0])


def _case(name: str, args: tuple[str, ...], expect: str, breaker: Breaker) -> FolderCase:
    return FolderCase(Case(name, args, expect), breaker)


def _nothing(folder: Path) -> None:
    """Leave the folder as it is (the command itself is what is wrong)."""


def _utf16(folder: Path) -> None:
    path = folder / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-16")


def _several(folder: Path) -> None:
    set_cell(folder, "mention_density.csv", 0, "mean_mentions", "lots")
    set_cell(folder, "note_type_rates.csv", 0, "visits_per_year", "1e308")
    set_parameter(folder, "years_before", "1e8")


def _escape_code(folder: Path) -> None:
    set_cell(folder, "note_type_rates.csv", 0, "source", "red\x1b[31msource")


CASES = [
    # plausible ranges
    _known("visits_per_year_absurd", VALIDATE, "visits_per_year': must be in [0, 52]"),
    _known("mean_mentions_absurd", LOAD, "mean_mentions': must be in [0, 50]"),
    _known("years_before_absurd", VALIDATE, "years_before must be a whole number in [0, 30]"),
    _known("years_before_past_periods", LOAD, "at most 10"),
    _known("density_multiplier_negative", ADD, "density_multiplier must be in (0, 20]"),
    _known("onset_months_nan", VALIDATE, "onset_months': must be in [-360, 360]"),
    _known("modifier_multiplier_negative", LOAD, "multiplier': must be in (0, 20]"),
    _known("persistence_plus_evolution_above_one", LOAD, "is more than 1"),
    _known("unknown_parameter", VALIDATE, "unknown parameter 'years_befor'"),
    _known("required_parameter_missing", LOAD, "required parameter 'symptom_evolution'"),
    _known("probability_above_one", VALIDATE, "stage_transitions.csv:2"),
    _known("transitions_do_not_sum", LOAD, "not 1"),
    # CSV syntax and encoding
    _known("unterminated_quote_swallows_next_row", VALIDATE, "symptom_prevalence.csv:3"),
    _known("unterminated_quote_last_row", ADD, "unterminated quote"),
    _known("text_after_closing_quote", LOAD, "text after the closing quote"),
    _known("repeated_column", VALIDATE, "repeated column(s) source"),
    _known("unknown_column", LOAD, "unknown column(s) sorce"),
    _known("missing_column", VALIDATE, "missing column(s) source"),
    _known("empty_csv", VALIDATE, "symptom_onset.csv: file is empty"),
    _known("not_utf8", LOAD, "not UTF-8"),
    _case("utf16_csv", VALIDATE, "sources.csv: file is not UTF-8", _utf16),
    _known("missing_csv", LOAD, "period_stage.csv: required file is missing"),
    # RDF files
    _known("truncated_turtle", VALIDATE, "quoted string is not closed"),
    _known("empty_symptoms_ttl", LOAD, "symptoms.ttl: no symptoms are defined"),
    _known("empty_disease_ttl", VALIDATE, "disease.ttl: no disease is defined"),
    _known("binary_turtle", VALIDATE, "symptoms.ttl: file is not UTF-8"),
    _known("nul_bytes_in_turtle", ADD, "disease.ttl:1: cannot parse as turtle"),
    _known("missing_disease_ttl", LOAD, "disease.ttl: required file is missing"),
    # references and identities
    _known("duplicate_identifier", VALIDATE, "duplicate Symptom identifier"),
    _known("dangling_csv_reference", LOAD, "'no_such_stage' is not a defined Stage"),
    _known("dangling_rdf_reference", VALIDATE, "no_such_domain"),
    _known("unknown_source_key", ADD, "'nope' is not in sources.csv"),
    _known("duplicate_row", VALIDATE, "duplicate period"),
    # the commands themselves
    _case("several_problems_one_line", VALIDATE, "(+2 more, listed above)", _several),
    _case("add_invalid_registers_nothing", ADD, "nothing was registered", _several),
    _case("add_shadows_bundled", ADD, "pass --replace to shadow it", _nothing),
    _case(
        "no_such_folder", ("graph", "load", "--disease", "{tmp}/nope"), "unknown disease", _nothing
    ),
    _case(
        "folder_is_a_file",
        ("ontology", "validate", "{alz}/disease.ttl"),
        "no such disease folder",
        _nothing,
    ),
]


def test_enough_distinct_cases() -> None:
    assert len({c.case.id for c in CASES}) == len(CASES) >= 22


@pytest.mark.parametrize("folder_case", CASES, ids=[c.case.id for c in CASES])
def test_bad_folder_rejected(
    folder_case: FolderCase,
    run_cli: RunCli,
    where: Callable[[], dict[str, Path]],
    bad_home: Path,
) -> None:
    places = where()
    folder_case.breaker(places["alz"])
    case = folder_case.case
    check_rejected(run_cli, case.argv(**places), case.expect, [bad_home, places["tmp"]])


def test_escape_codes_in_a_folder_are_shown_escaped(
    run_cli: RunCli, where: Callable[[], dict[str, Path]], bad_home: Path
) -> None:
    places = where()
    _escape_code(places["alz"])
    line = check_rejected(
        run_cli,
        ["ontology", "validate", str(places["alz"])],
        "red\\x1b[31msource",
        [bad_home, places["tmp"]],
    )
    assert "\x1b" not in line
