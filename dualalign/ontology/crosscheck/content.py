"""Rules on what the notes are made of: lexicon-domain shares, symptom tables, reporter shares
and screening instruments."""

from __future__ import annotations

from collections import defaultdict

from dualalign.ontology.crosscheck.base import CheckerBase

__all__ = ["ContentRules"]


class ContentRules(CheckerBase):
    """Domain, symptom, reporter and screening rules."""

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
