"""Rules on the disease course and its timeline: the stage chain (stage_transitions.csv), stated
durations against stay probabilities, the periods of the per-year tables, and parameters."""

from __future__ import annotations

from collections import defaultdict

from dualalign.errors import Problem
from dualalign.ontology.crosscheck.base import DURATION_TOLERANCE, TOLERANCE, CheckerBase
from dualalign.ontology.ranges import PARAMETERS

__all__ = ["CourseRules"]


class CourseRules(CheckerBase):
    """Stage chain, duration, period and parameter rules."""

    def stages(self) -> None:
        self.refs("stage_transitions", "from_stage", "Stage")
        self.refs("stage_transitions", "to_stage", "Stage")
        self.unique("stage_transitions", lambda v: (v.from_stage, v.to_stage), "transition")
        for row in self.rows["stage_transitions"]:
            if row.value.from_stage in self.terminal:
                self.add(
                    "stage_transitions",
                    row.line,
                    f"terminal stage '{row.value.from_stage}' has an outgoing transition",
                    "remove the row, or drop da:terminal from the stage",
                )
        self.sums("stage_transitions", lambda v: v.from_stage, "probability", "stage")
        sources = {r.value.from_stage for r in self.rows["stage_transitions"]}
        for loc in self.ents["Stage"]:
            sid = loc.value.id
            if sid not in self.terminal and sid not in sources and self.rows["stage_transitions"]:
                self.add(
                    "stage_transitions",
                    None,
                    f"stage '{sid}' has no outgoing transitions",
                    f"add rows from '{sid}' (include its stay probability) or mark it da:terminal",
                )

    def durations(self) -> None:
        """Stated mean durations agree with the stay probabilities of stage_transitions.csv."""
        totals: dict[str, float] = defaultdict(float)
        for r in self.rows["stage_transitions"]:
            totals[r.value.from_stage] += r.value.probability
        stay = {  # stages whose rows do not sum to 1 are reported by the sums rule already
            r.value.from_stage: r.value.probability
            for r in self.rows["stage_transitions"]
            if r.value.from_stage == r.value.to_stage
            and abs(totals[r.value.from_stage] - 1.0) <= TOLERANCE
        }
        for loc in self.ents["Stage"]:
            st = loc.value
            if st.terminal or st.id not in stay or not self.rows["stage_transitions"]:
                continue
            leave = 1.0 - stay[st.id]
            implied = 12.0 / leave if leave > 0 else float("inf")
            if abs(st.mean_duration_months - implied) > DURATION_TOLERANCE * implied:
                self.problems.append(
                    Problem(
                        loc.file,
                        f"Stage '{st.id}': da:meanDurationMonths {st.mean_duration_months:g} "
                        f"disagrees with stage_transitions.csv, whose stay probability "
                        f"{stay[st.id]:g} implies {implied:.1f} months",
                        f"set da:meanDurationMonths to about {implied:.1f}, or change the "
                        f"'{st.id}' rows of stage_transitions.csv (tolerance "
                        f"{DURATION_TOLERANCE:.0%})",
                        loc.line,
                    )
                )

    def parameters(self) -> None:
        """Required parameters exist; the timeline defaults fit the periods; shares fit in 1."""
        self.unique("parameters", lambda v: (v.name,), "parameter")
        found = {r.value.name: r for r in self.rows["parameters"]}
        for name, spec in PARAMETERS.items():
            if spec.required and name not in found:
                self.add(
                    "parameters",
                    None,
                    f"required parameter '{name}' is missing",
                    f"add the row {name},<value>,<source> ({spec.meaning})",
                )
        persist, evolve = found.get("symptom_persistence"), found.get("symptom_evolution")
        if persist and evolve and persist.value.value + evolve.value.value > 1.0 + TOLERANCE:
            self.add(
                "parameters",
                evolve.line,
                f"symptom_persistence {persist.value.value:g} + symptom_evolution "
                f"{evolve.value.value:g} is more than 1",
                "lower one of them so that they sum to at most 1",
            )
        periods = sorted({r.value.period for r in self.rows["period_stage"]})
        if not periods:
            return
        if 0 not in periods:
            self.add(
                "period_stage",
                None,
                f"periods {periods[0]}..{periods[-1]} do not include 0 (the year of diagnosis)",
                "add rows for period 0",
            )
        for name, limit, edge in (
            ("years_before", -periods[0], "first"),
            ("years_after", periods[-1], "last"),
        ):
            row = found.get(name)
            if row is not None and row.value.value > limit:
                self.add(
                    "parameters",
                    row.line,
                    f"{name} {row.value.value:g} reaches past the {edge} period "
                    f"({periods[0] if edge == 'first' else periods[-1]}) of period_stage.csv",
                    f"set {name} to at most {max(limit, 0)}, or add periods to the tables",
                )

    def periods(self) -> None:
        self.refs("period_stage", "stage", "Stage")
        self.unique("period_stage", lambda v: (v.period, v.stage), "period/stage")
        self.sums("period_stage", lambda v: v.period, "probability", "period")
        periods = sorted({r.value.period for r in self.rows["period_stage"]})
        if periods and periods != list(range(periods[0], periods[-1] + 1)):
            gaps = sorted(set(range(periods[0], periods[-1] + 1)) - set(periods))
            self.add(
                "period_stage",
                None,
                f"periods are not contiguous (missing {gaps})",
                "add rows for every year between the first and last period",
            )
        for table in ("note_type_rates", "mention_density"):
            have = {r.value.period for r in self.rows[table]}
            if self.rows[table] and periods and have != set(periods):
                missing = sorted(set(periods) - have)
                extra = sorted(have - set(periods))
                self.add(
                    table,
                    None,
                    f"periods differ from period_stage.csv (missing {missing}, extra {extra})",
                    "cover exactly the periods of period_stage.csv",
                )
        self.refs("note_type_rates", "note_type", "NoteType")
        self.unique("note_type_rates", lambda v: (v.period, v.note_type), "period/note type")
        self.unique("mention_density", lambda v: (v.period,), "period")
        totals: dict[int, float] = defaultdict(float)
        for r in self.rows["note_type_rates"]:
            totals[r.value.period] += r.value.visits_per_year
        for period, total in totals.items():
            if total <= 0:
                self.add(
                    "note_type_rates",
                    None,
                    f"period {period} has no visits at all",
                    "give at least one note type a positive visits_per_year",
                )
