"""Rules on who the patients are: persona marginals per population, risk-factor prevalence and
the targets of risk modifiers."""

from __future__ import annotations

from collections import defaultdict

from dualalign.ontology.crosscheck.base import CheckerBase

__all__ = ["PERSONA_ATTRIBUTES", "PopulationRules"]

#: The persona attributes every population needs a distribution of.
PERSONA_ATTRIBUTES = ("age_band", "sex", "race_ethnicity", "education")


class PopulationRules(CheckerBase):
    """Persona, risk-factor and risk-modifier rules."""

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
