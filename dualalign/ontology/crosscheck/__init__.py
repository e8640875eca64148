"""Cross-file consistency rules: references between tables and entities, sums, coverage.

One module per subject, each a mixin of rules over :class:`~.base.CheckerBase`:
:mod:`.entities` (entities and source keys), :mod:`.course` (stage chain, durations, periods,
parameters), :mod:`.content` (domains, symptoms, reporters, screening) and :mod:`.population`
(personas, risk factors, risk modifiers). :func:`cross_check` runs them all in a fixed order.
"""

from __future__ import annotations

from dualalign.errors import Problem
from dualalign.ontology.crosscheck.base import DURATION_TOLERANCE, TOLERANCE
from dualalign.ontology.crosscheck.content import ContentRules
from dualalign.ontology.crosscheck.course import CourseRules
from dualalign.ontology.crosscheck.entities import EntityRules
from dualalign.ontology.crosscheck.population import PERSONA_ATTRIBUTES, PopulationRules
from dualalign.ontology.entities import Located
from dualalign.ontology.tables import Row

__all__ = ["DURATION_TOLERANCE", "PERSONA_ATTRIBUTES", "TOLERANCE", "cross_check"]


class _Checker(EntityRules, CourseRules, ContentRules, PopulationRules):
    """Every cross-file rule."""


def cross_check(
    ents: dict[str, list[Located]], ids: dict[str, set[str]], rows: dict[str, list[Row]]
) -> list[Problem]:
    """Run every cross-file rule and return the problems found."""
    checker = _Checker(ents, ids, rows)
    for rule in (
        checker.entities,
        checker.sources,
        checker.stages,
        checker.durations,
        checker.periods,
        checker.domains,
        checker.personas,
        checker.symptoms,
        checker.modifiers,
        checker.parameters,
        checker.reporters,
        checker.screening,
    ):
        rule()
    return checker.problems
