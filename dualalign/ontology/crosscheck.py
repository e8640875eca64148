"""Cross-file consistency rules: references between tables and entities, sums, coverage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from dualalign.errors import Problem
from dualalign.ontology.entities import Located
from dualalign.ontology.ranges import PARAMETERS
from dualalign.ontology.tables import TABLES, Row

__all__ = ["DURATION_TOLERANCE", "TOLERANCE", "cross_check"]

#: How far a probability sum may be from 1.
TOLERANCE = 1e-6
#: How far a stage's stated mean duration may be from what its stay probability implies.
DURATION_TOLERANCE = 0.10
PERSONA_ATTRIBUTES = ("age_band", "sex", "race_ethnicity", "education")


class _Checker:
    def __init__(
        self, ents: dict[str, list[Located]], ids: dict[str, set[str]], rows: dict[str, list[Row]]
    ) -> None:
        self.ents = ents
        self.rows = rows
        self.problems: list[Problem] = []
        self.ids = ids
        self.terminal = {loc.value.id for loc in ents["Stage"] if loc.value.terminal}

    def add(self, table: str, line: int | None, message: str, fix: str) -> None:
        self.problems.append(Problem(TABLES[table].file, message, fix, line))

    def refs(self, table: str, column: str, cls: str, allow: Iterable[str] = ()) -> None:
        allowed = self.ids.get(cls, set()) | set(allow)
        for row in self.rows[table]:
            value = getattr(row.value, column)
            if value is not None and value not in allowed:
                choices = ", ".join(sorted(self.ids.get(cls, set()))[:12])
                self.add(
                    table,
                    row.line,
                    f"{column} '{value}' is not a defined {cls}",
                    f"use one of: {choices}",
                )

    def unique(self, table: str, key: Callable[[Any], tuple[object, ...]], what: str) -> None:
        seen: dict[tuple[object, ...], int] = {}
        for row in self.rows[table]:
            k = key(row.value)
            if k in seen:
                self.add(
                    table,
                    row.line,
                    f"duplicate {what} {k} (first at line {seen[k]})",
                    "keep one row per key",
                )
            else:
                seen[k] = row.line

    def sums(self, table: str, group: Callable[[Any], object], value: str, what: str) -> None:
        totals: dict[object, float] = defaultdict(float)
        first: dict[object, int] = {}
        for row in self.rows[table]:
            g = group(row.value)
            totals[g] += getattr(row.value, value)
            first.setdefault(g, row.line)
        for g, total in totals.items():
            if abs(total - 1.0) > TOLERANCE:
                self.add(
                    table,
                    first[g],
                    f"{what} {g!r}: {value} values sum to {total:.6g}, not 1",
                    f"adjust the rows of {g!r} so they sum to 1 (within {TOLERANCE:g})",
                )

    # ---------------------------------------------------------------- rules

    def entities(self) -> None:
        disease = self.ents["Disease"]
        if len(disease) != 1:
            self.problems.append(
                Problem(
                    "disease.ttl",
                    f"found {len(disease)} da:Disease entities",
                    "declare exactly one da:Disease with dcterms:identifier and da:formatVersion",
                )
            )
        if self.ents["Label"] and "none" not in self.ids["Label"]:
            self.problems.append(
                Problem(
                    self.ents["Label"][0].file,
                    "no label 'none' is defined",
                    'add a da:Label with dcterms:identifier "none"',
                )
            )
        for cls in ("Stage", "LexiconDomain", "Label"):
            seen: dict[int, str] = {}
            for loc in self.ents[cls]:
                order = loc.value.order
                if order in seen:
                    self.problems.append(
                        Problem(
                            loc.file,
                            f"{cls} '{loc.value.id}' has da:order {order}, "
                            f"already used by '{seen[order]}'",
                            "give each a distinct da:order",
                            loc.line,
                        )
                    )
                seen[order] = loc.value.id
        labels: dict[str, str] = {}
        for loc in self.ents["Symptom"]:
            key = loc.value.label.casefold()
            if key in labels:
                self.problems.append(
                    Problem(
                        loc.file,
                        f"Symptom '{loc.value.id}' repeats the prefLabel "
                        f"'{loc.value.label}' of '{labels[key]}'",
                        "merge the two terms or make one a synonym",
                        loc.line,
                    )
                )
            labels[key] = loc.value.id
        for loc in self.ents["Stage"]:
            st = loc.value
            if (
                st.min_duration_months is not None
                and st.max_duration_months is not None
                and st.min_duration_months > st.max_duration_months
            ):
                self.problems.append(
                    Problem(
                        loc.file,
                        f"Stage '{st.id}' has minDurationMonths > maxDurationMonths",
                        "swap or correct them",
                        loc.line,
                    )
                )

    def sources(self) -> None:
        keys = {row.value.key for row in self.rows["sources"]}
        self.unique("sources", lambda v: (v.key,), "source key")
        hint = ", ".join(sorted(keys)[:8]) or "(sources.csv is empty)"
        for cls, items in self.ents.items():
            for loc in items:
                key = getattr(loc.value, "source", None)
                if key is not None and key not in keys:
                    self.problems.append(
                        Problem(
                            loc.file,
                            f"{cls} '{loc.value.id}': source key '{key}' is not in sources.csv",
                            f"add '{key}' to sources.csv or use one of: {hint}",
                            loc.line,
                        )
                    )
        for table, rows in self.rows.items():
            if table == "sources":
                continue
            for row in rows:
                key = row.value.source
                if key not in keys:
                    self.add(
                        table,
                        row.line,
                        f"source key '{key}' is not in sources.csv",
                        f"add '{key}' to sources.csv or use one of: {hint}",
                    )

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

    def reporters(self) -> None:
        """Reporter shares: known ids, one row per key, sums of 1, and every stage covered."""
        table = "reporter_rates"
        if not self.rows[table]:
            return
        self.refs(table, "stage", "Stage")
        self.refs(table, "note_type", "NoteType")
        self.refs(table, "reporter", "Reporter")
        self.unique(table, lambda v: (v.stage, v.note_type or "*", v.reporter), "row")
        self.sums(
            table, lambda v: f"{v.stage}/{v.note_type or '*'}", "probability", "stage/note type"
        )
        covered = {r.value.stage for r in self.rows[table] if r.value.note_type is None}
        for loc in self.ents["Stage"]:
            if not loc.value.terminal and loc.value.id not in covered:
                self.add(
                    table,
                    None,
                    f"stage '{loc.value.id}' has no default (note_type '*') reporter rows",
                    f"add rows {loc.value.id},*,<reporter>,<probability>,<source>",
                )

    def screening(self) -> None:
        """A normal score lies within the instrument's range; one row per instrument."""
        self.unique("screening_instruments", lambda v: (v.instrument,), "instrument")
        for r in self.rows["screening_instruments"]:
            if r.value.normal_from > r.value.max_score:
                self.add(
                    "screening_instruments",
                    r.line,
                    f"instrument '{r.value.instrument}': normal_from {r.value.normal_from:g} "
                    f"is above max_score {r.value.max_score}",
                    "use a normal_from between 0 and max_score",
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

    def domains(self) -> None:
        self.refs("domain_prevalence", "stage", "Stage")
        self.refs("domain_prevalence", "domain", "LexiconDomain")
        self.unique("domain_prevalence", lambda v: (v.stage, v.domain), "stage/domain")
        self.sums("domain_prevalence", lambda v: v.stage, "proportion", "stage")
        order = {loc.value.id: loc.value.order for loc in self.ents["Stage"]}
        onset: dict[str, list[int]] = defaultdict(list)
        for loc in self.ents["Symptom"]:
            onset[loc.value.lexicon_domain].append(order.get(loc.value.onset_stage, 0))
        for r in self.rows["domain_prevalence"]:
            v = r.value
            if (
                v.proportion > 0
                and v.stage in order
                and not any(o <= order[v.stage] for o in onset[v.domain])
            ):
                self.add(
                    "domain_prevalence",
                    r.line,
                    f"stage '{v.stage}' gives domain '{v.domain}' a share but no symptom of "
                    "that domain has its onset by then",
                    "set the share to 0 or add a symptom with an earlier da:onsetStage",
                )
        have = {r.value.stage for r in self.rows["domain_prevalence"]}
        for loc in self.ents["Stage"]:
            sid = loc.value.id
            if sid not in self.terminal and sid not in have and self.rows["domain_prevalence"]:
                self.add(
                    "domain_prevalence",
                    None,
                    f"stage '{sid}' has no domain proportions",
                    f"add rows for '{sid}' over the lexicon domains",
                )

    def personas(self) -> None:
        self.refs("persona_marginals", "population", "Population")
        self.unique(
            "persona_marginals",
            lambda v: (v.population, v.attribute, v.category),
            "population/attribute/category",
        )
        self.sums(
            "persona_marginals",
            lambda v: (v.population, v.attribute),
            "probability",
            "population/attribute",
        )
        cats: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self.rows["persona_marginals"]:
            v = r.value
            cats[(v.population, v.attribute)].add(v.category)
        for pop in sorted(self.ids["Population"]):
            for attr in PERSONA_ATTRIBUTES:
                if (pop, attr) not in cats:
                    self.add(
                        "persona_marginals",
                        None,
                        f"population '{pop}' has no '{attr}' distribution",
                        f"add rows for {pop},{attr},<category>,<probability>,<source>",
                    )
        self.refs("risk_factor_prevalence", "population", "Population")
        self.refs("risk_factor_prevalence", "risk_factor", "RiskFactor")
        self.unique(
            "risk_factor_prevalence",
            lambda v: (
                v.population,
                v.risk_factor,
                None if v.condition is None else (v.condition.attribute, v.condition.category),
            ),
            "population/risk factor/condition",
        )
        unconditional = set()
        for r in self.rows["risk_factor_prevalence"]:
            v = r.value
            if v.condition is None:
                unconditional.add((v.population, v.risk_factor))
                continue
            c = v.condition
            known = cats.get((v.population, c.attribute))
            if not known or c.category not in known:
                self.add(
                    "risk_factor_prevalence",
                    r.line,
                    f"condition '{c.attribute}={c.category}' is not a persona category of "
                    f"population '{v.population}'",
                    "use '*' or attribute=category from persona_marginals.csv, e.g. sex=female",
                )
        for pop in sorted(self.ids["Population"]):
            for rf in sorted(self.ids["RiskFactor"]):
                if (pop, rf) not in unconditional:
                    self.add(
                        "risk_factor_prevalence",
                        None,
                        f"risk factor '{rf}' has no prevalence for population '{pop}'",
                        f"add the row {pop},{rf},*,<prevalence>,<source>",
                    )

    def symptoms(self) -> None:
        self.refs("symptom_prevalence", "stage", "Stage")
        self.refs("symptom_prevalence", "symptom", "Symptom")
        self.unique("symptom_prevalence", lambda v: (v.stage, v.symptom), "stage/symptom")
        self.refs("symptom_onset", "symptom", "Symptom")
        self.refs("symptom_transitions", "from_symptom", "Symptom")
        self.refs("symptom_transitions", "to_symptom", "Symptom")
        self.refs("symptom_transitions", "stage", "Stage")
        self.unique(
            "symptom_transitions",
            lambda v: (v.from_symptom, v.to_symptom, v.stage),
            "symptom transition",
        )
        for r in self.rows["symptom_transitions"]:
            if r.value.from_symptom == r.value.to_symptom:
                self.add(
                    "symptom_transitions",
                    r.line,
                    f"'{r.value.from_symptom}' evolves to itself",
                    "remove the row; persistence is set by the symptom_persistence parameter",
                )

    def modifiers(self) -> None:
        self.refs("risk_modifiers", "risk_factor", "RiskFactor")
        self.refs("risk_modifiers", "stage", "Stage")
        pairs = {(r.value.from_stage, r.value.to_stage) for r in self.rows["stage_transitions"]}
        for r in self.rows["risk_modifiers"]:
            v = r.value
            kind, target = v.target_kind, v.target
            if kind == "stage_transition":
                a, _, b = target.partition(">")
                ok = (a, b) in pairs
                fix = "use from>to for a row of stage_transitions.csv, e.g. mci>mild_dementia"
            else:
                cls = "LexiconDomain" if kind == "domain" else "Symptom"
                ok = target in self.ids[cls]
                fix = f"use a defined {cls} identifier"
            if not ok:
                self.add("risk_modifiers", r.line, f"{kind} target '{target}' does not exist", fix)


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
