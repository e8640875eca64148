"""Every number of a disease folder has a plausible range, checked and documented."""

from __future__ import annotations

import math
import types
from typing import Annotated, Union, get_args, get_origin

import pytest

from dualalign.ontology import model as m
from dualalign.ontology.entities import _SPECS
from dualalign.ontology.ranges import PARAMETERS, Range, field_range
from dualalign.ontology.tables import TABLES
from tests.paths import ROOT

DOC = (ROOT / "docs" / "ontology-format.md").read_text(encoding="utf-8")
ROWS = [line for line in DOC.splitlines() if line.startswith("| ")]


def _is_number(annotation: object) -> bool:
    if annotation in (int, float):
        return True
    if get_origin(annotation) is Annotated:
        return _is_number(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_number(a) for a in get_args(annotation) if a is not type(None))
    return False


def _numeric_fields() -> list[tuple[str, str, object]]:
    """(where, column as documented, (model, field)) for every number of the format."""
    out: list[tuple[str, str, object]] = []
    for spec in TABLES.values():
        for name, info in spec.model.model_fields.items():
            if _is_number(info.annotation) and spec.model is not m.Parameter:
                out.append((spec.file, name, (spec.model, name)))
    for cls, (model, props) in _SPECS.items():
        for name, (prop, kind, _) in props.items():
            if kind in ("int", "float"):
                out.append((f"da:{cls}", f"da:{prop}", (model, name)))
    return out


FIELDS = _numeric_fields()


def _documented(where: str, column: str, rng: Range) -> bool:
    expected = f"| {str(rng).removeprefix('in ').removeprefix('a ')}"
    for row in ROWS:
        place = f"`{where}`" in row or (where.endswith(".csv") and "every CSV file" in row)
        if place and f"`{column}`" in row and expected in row:
            return True
    return False


def test_the_format_has_numbers_to_check() -> None:
    assert len(FIELDS) >= 25


@pytest.mark.parametrize(
    ("where", "column", "field"), FIELDS, ids=[f"{w}:{c}" for w, c, _ in FIELDS]
)
def test_every_number_has_a_documented_range(where: str, column: str, field: object) -> None:
    model, name = field  # type: ignore[misc]
    rng = field_range(model, name)
    assert rng is not None, f"{where} {column} has no range"
    assert _documented(where, column, rng), f"{where} {column} {rng} missing from the docs"


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_parameter_range_is_documented(name: str) -> None:
    rng = PARAMETERS[name].range
    expected = f"| {str(rng).removeprefix('in ').removeprefix('a ')}"
    assert any(row.startswith(f"| `{name}` {expected}") for row in ROWS), name


@pytest.mark.parametrize(
    ("rng", "value", "inside"),
    [
        (Range(0, 52), 52, True),
        (Range(0, 52), 0, True),
        (Range(0, 52), 52.0001, False),
        (Range(0, 52), math.nan, False),
        (Range(0, 52), math.inf, False),
        (Range(0, 20, lo_open=True), 0, False),
        (Range(0, 20, lo_open=True), 1e-9, True),
        (Range(0, 30, whole=True), 10.0, True),
        (Range(0, 30, whole=True), 10.5, False),
        (Range(-360, 360), -math.inf, False),
    ],
)
def test_range_contains(rng: Range, value: float, inside: bool) -> None:
    assert rng.contains(value) is inside
