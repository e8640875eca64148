"""Plausible ranges for every number of a disease folder, checked when the folder is validated.

A value outside its range is far more likely a typo (an extra zero, a percentage instead of a
share, ``1e8`` for ``10``) than a finding, and would otherwise break or distort walks much later.
The ranges are listed in ``docs/ontology-format.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel
from pydantic_core import PydanticCustomError

__all__ = ["DOCS", "PARAMETERS", "Range", "field_range"]

#: Where the ranges are documented, for fixes.
DOCS = "docs/ontology-format.md"


@dataclass(frozen=True)
class Range:
    """A closed interval [lo, hi] (``(lo, hi]`` when ``lo_open``); ``whole``: integers only.

    Used as a pydantic ``AfterValidator``: NaN and infinities never pass.
    """

    lo: float
    hi: float
    lo_open: bool = False
    whole: bool = False

    def __str__(self) -> str:
        left = "(" if self.lo_open else "["
        interval = f"{left}{self.lo:g}, {self.hi:g}]"
        return f"a whole number in {interval}" if self.whole else f"in {interval}"

    @property
    def fix(self) -> str:
        """What to do about a value outside the range."""
        what = str(self) if self.whole else f"a value {self}"
        return f"use {what} (plausible ranges: {DOCS})"

    def contains(self, value: float) -> bool:
        """Whether ``value`` is finite and inside the range."""
        if not math.isfinite(value):
            return False
        if self.whole and value != int(value):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        return above and value <= self.hi

    def __call__(self, value: Any) -> Any:
        if not self.contains(float(value)):
            raise PydanticCustomError(
                "out_of_range",
                "must be {expected}",
                {"expected": str(self), "fix": self.fix},
            )
        return value


def _r(lo: float, hi: float, *, lo_open: bool = False, whole: bool = False) -> AfterValidator:
    return AfterValidator(Range(lo, hi, lo_open=lo_open, whole=whole))


# The bounds, by meaning. Each is generous for real diseases and excludes absurd values.
PROBABILITY = _r(0, 1)
#: Years relative to diagnosis a table may cover.
PERIOD = _r(-30, 30, whole=True)
VISITS_PER_YEAR = _r(0, 52)
MENTIONS_PER_NOTE = _r(0, 50)
#: Onset relative to diagnosis, in months: at most 30 years before or after.
ONSET_MONTHS = _r(-360, 360)
DURATION_MONTHS = _r(0, 600)
MMSE = _r(0, 30)
MULTIPLIER = _r(0, 20, lo_open=True)
WEIGHT = _r(0, 100, lo_open=True)
ORDER = _r(0, 1000, whole=True)
PRIORITY = _r(0, 100, whole=True)
MAX_SCORE = _r(1, 1000, whole=True)
SCORE = _r(0, 1000)


@dataclass(frozen=True)
class ParameterSpec:
    """A known parameter of ``parameters.csv``: its range and, if any, its default."""

    range: Range
    meaning: str
    required: bool = False


#: name -> spec. A name not listed is an error: a typo would otherwise silently be ignored.
PARAMETERS: dict[str, ParameterSpec] = {
    "density_multiplier": ParameterSpec(
        Range(0, 20, lo_open=True), "default multiplier on mention density (the paper uses 5)"
    ),
    "symptom_persistence": ParameterSpec(
        Range(0, 1),
        "probability a symptom mentioned at one visit is carried to the next",
        required=True,
    ),
    "symptom_evolution": ParameterSpec(
        Range(0, 1), "probability mass given to curated evolution edges", required=True
    ),
    "years_before": ParameterSpec(
        Range(0, 30, whole=True), "default number of years a timeline starts before diagnosis"
    ),
    "years_after": ParameterSpec(
        Range(0, 30, whole=True), "default number of years a timeline runs after diagnosis"
    ),
    "diagnosis_age_offset": ParameterSpec(
        Range(-30, 30), "years added to an age drawn from the persona age bands"
    ),
}


def _ranges_in(annotation: Any) -> Range | None:
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, AfterValidator) and isinstance(meta.func, Range):
                return meta.func
    if get_origin(annotation) in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _ranges_in(arg)
            if found is not None:
                return found
    return None


def field_range(model: type[BaseModel], name: str) -> Range | None:
    """The range a model field is checked against, or None when it has none."""
    info = model.model_fields[name]
    for meta in info.metadata:
        if isinstance(meta, AfterValidator) and isinstance(meta.func, Range):
            return meta.func
    return _ranges_in(info.annotation)
