"""Translate a module's state graph into a disease course: onset, stages, their durations and
exits, the diagnosis stage, and the lexicon terms with their onset stages.

Mapping rules (documented for users in ``ontologies/README.md``):

* **Onset.** The disease starts at the first ``ConditionOnset`` state on each path from
  ``Initial`` (the whole module if it has none). Everything before it (waiting ``Delay`` states,
  screening encounters) is pre-disease time: reported, not imported.
* **Stages.** Every ``Delay`` state reachable from the onset that lasts at least a month on
  average is a stage; a ``Death`` state leads to the terminal stage ``death``. Shorter delays
  (hours, days) are absorbed into the surrounding stage. The path leaving a stage is followed
  through the instantaneous states (encounters, symptoms, attributes ...) to the next stage:
  ``direct_transition`` is probability 1, ``distributed_transition`` its distribution (an
  attribute-driven one takes its ``default``), ``lookup_table_transition`` its
  ``default_probability``s, ``conditional_transition`` its unconditional (default) branch and
  ``complex_transition`` the distributions of its unconditional branch; each dropped condition
  is a warning (see :mod:`dualalign.ontology.synthea.graph`). When the default branches of a
  stage only lead back into it (a Synthea "repeat until a condition holds" loop), its branches
  are taken as equally likely instead, with a warning, since the stage would otherwise never
  end. Reaching ``Terminal`` (the module stops) keeps the patient in the stage.
* **Durations.** A delay's mean (``exact``, the middle of ``range``, or the mean of its
  ``distribution``) in months; a stage re-entered with probability ``r`` lasts
  ``mean / (1 - r)``. A stage shorter than 12 months is stated as 12 (the annual model cannot
  hold a shorter stay) and a stage with no way out lasts for life; both are warnings. (The
  annual transitions are derived from these in :mod:`dualalign.ontology.synthea.derived`.)
* **Symptoms.** ``Symptom`` states become lexicon terms (one per symptom name) in a lexicon
  domain chosen by keywords (:data:`~dualalign.ontology.synthea.mapping.DOMAIN_KEYWORDS`,
  first match wins, else ``other_symptoms``); later ``ConditionOnset`` states (complications)
  become terms in the domain ``conditions``, with their codes as xrefs. A term's onset stage is
  the first stage reached after its state (else the stage it is reached from). Stages before
  the first term's onset stage are pre-disease time (warned, dropped). Symptom-to-symptom
  order along the module becomes ``symptom_transitions.csv`` edges weighted by branch
  probability.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dualalign.errors import OntologyError
from dualalign.ontology.synthea.graph import StateGraph
from dualalign.ontology.synthea.mapping import (
    CLINICAL,
    CONDITIONS,
    DOMAIN_KEYWORDS,
    MAX_MONTHS,
    MIN_STAGE_MONTHS,
    OTHER,
    slug,
    words,
)

__all__ = ["Course", "Term", "Translator"]

#: A lexicon term: ``label``, ``states`` (the GMF states it comes from), ``domain``,
#: ``xrefs`` (a set) and ``onset`` (the stage state of its onset).
Term = dict[str, Any]


@dataclass
class Course:
    """A module translated into the disease format's terms (states are GMF state names)."""

    #: Stage states, in stage order.
    order: list[str]
    #: Stage state -> stage identifier.
    stage_ids: dict[str, str]
    #: Stage state -> where the patient goes on leaving it (a stage state or ``@death``) -> share.
    exits: dict[str, dict[str, float]]
    #: Stage state -> mean duration in months.
    duration: dict[str, float]
    #: Stage states with no way out.
    absorbing: set[str]
    #: Stage state -> share of patients entering the course in it.
    entry_stages: dict[str, float]
    #: The stage state of diagnosis (period 0).
    diag_stage: str
    #: Term identifier -> term.
    terms: dict[str, Term]
    #: (from term, to term) -> weight of the symptom-to-symptom edge.
    evolution: dict[tuple[str, str], float]
    #: The onset states (``["Initial"]`` when the module has no ConditionOnset).
    onsets: list[str]


class Translator(StateGraph):
    """The translation of one module; :meth:`translate` runs the steps in order."""

    def translate(self) -> Course:
        """The module's disease course (warnings in :attr:`log`).

        Raises:
            OntologyError: no stage, no stage reached from the onset, or no term.
        """
        start_reach = self.reachable(["Initial"])
        for name in self.m.states:
            if name not in start_reach:
                self.warn(name, "unreachable state", "no path from 'Initial' leads to it")

        # 1. onset: the first ConditionOnset on each path from Initial
        onsets, entry_start, after = self._onset()
        delays, stage_states = self._stage_states(after, start_reach)
        is_stage = set(stage_states).__contains__

        # 2. the annual stage chain
        stage_ids = self._stage_ids(stage_states)
        exits, duration, absorbing, visits = self._stage_chain(stage_states, delays, is_stage)
        entry_stages = self._entry_stages(entry_start, is_stage)
        order = self._stage_order(entry_stages, exits, stage_states)
        index = {s: i for i, s in enumerate(order)}

        # 3. the diagnosis stage anchors period 0
        diag_stage = self._diagnosis_stage(entry_stages, index, onsets, is_stage)

        # 4. terms
        terms = self._terms(after, onsets, is_stage, visits, entry_stages, index)
        order, entry_stages, diag_stage = self._drop_stages_before_terms(
            order, terms, entry_stages, exits, diag_stage
        )
        self._warn_not_imported(after, start_reach)
        evolution = self._evolution(terms)
        return Course(
            order,
            stage_ids,
            exits,
            duration,
            absorbing,
            entry_stages,
            diag_stage,
            terms,
            evolution,
            onsets,
        )

    # ---- onset and stages ------------------------------------------------------------------

    def _onset(self) -> tuple[list[str], list[tuple[str, float]], set[str]]:
        """The onset states, where their mass goes next, and every state from the onset on."""
        states = self.m.states
        onset_mass = self.flow(
            [("Initial", 1.0)], lambda s: states[s].type == "ConditionOnset", split=True
        )
        onsets = sorted(s for s in onset_mass if not s.startswith("@"))
        entry_start: list[tuple[str, float]]
        if not onsets:
            self.warn(
                "Initial",
                "disease onset",
                "no ConditionOnset state; the course starts at 'Initial'",
            )
            onsets = ["Initial"]
            entry_start = [("Initial", 1.0)]
        else:
            total = math.fsum(onset_mass[s] for s in onsets)
            entry_start = []
            for s in onsets:
                for target, p in self.successors(s, split=False):
                    entry_start.append((target, p * onset_mass[s] / total))
        after = self.reachable(onsets) - ({"Initial"} if onsets != ["Initial"] else set())
        after |= set(onsets)
        return onsets, entry_start, after

    def _stage_states(
        self, after: set[str], start_reach: set[str]
    ) -> tuple[dict[str, float], list[str]]:
        """Every Delay's length in months, and the Delays after the onset that are stages."""
        states = self.m.states
        delays = {n: self.delay_months(n) for n, s in states.items() if s.type == "Delay"}
        stage_states = sorted(
            n for n, months in delays.items() if n in after and months >= MIN_STAGE_MONTHS
        )
        for n, months in sorted(delays.items()):
            if n in stage_states or n not in start_reach:
                continue
            if n not in after:
                self.warn(
                    n,
                    f"delay of {months:.3g} months before the disease onset",
                    "pre-disease time is not a stage; timelines are anchored at diagnosis",
                )
            else:
                self.warn(
                    n,
                    f"delay of {months * 30.44:.3g} days",
                    "shorter than a month; absorbed into the surrounding stage",
                )
        if not stage_states:
            raise OntologyError(
                f"{self.file}: not convertible: no Delay of at least a month after the "
                "disease onset, so the module has no stages"
            )
        return delays, stage_states

    @staticmethod
    def _stage_ids(stage_states: list[str]) -> dict[str, str]:
        """A distinct stage identifier per stage state (never ``death``)."""
        stage_ids: dict[str, str] = {}
        for n in stage_states:
            sid = slug(n)
            while sid in stage_ids.values() or sid == "death":
                sid += "_stage"
            stage_ids[n] = sid
        return stage_ids

    def _stage_chain(
        self, stage_states: list[str], delays: dict[str, float], is_stage: Callable[[str], bool]
    ) -> tuple[
        dict[str, dict[str, float]], dict[str, float], set[str], dict[str, dict[str, float]]
    ]:
        """Per stage: its exits, its duration in months, whether it has no way out; and per
        state passed on the way out of a stage, its expected visits from each stage."""
        exits: dict[str, dict[str, float]] = {}
        duration: dict[str, float] = {}
        absorbing: set[str] = set()
        visits: dict[str, dict[str, float]] = defaultdict(dict)  # state -> stage -> mass
        for n in stage_states:
            seen: dict[str, float] = {}
            out = self.flow(self.successors(n, split=False), is_stage, seen=seen)
            leave = {k: v for k, v in out.items() if k not in (n, "@end")}
            if math.fsum(leave.values()) <= 1e-9 and self.has_conditions([n, *seen]):
                self.warn(
                    n,
                    "default branches that only lead back into the stage",
                    "the stage would never end; its conditional branches are taken as "
                    "equally likely",
                )
                seen = {}
                out = self.flow(self.successors(n, split=True), is_stage, split=True, seen=seen)
                leave = {k: v for k, v in out.items() if k not in (n, "@end")}
            for state, mass in seen.items():
                visits[state][n] = visits[state].get(n, 0.0) + mass
            exit_mass = math.fsum(leave.values())
            if exit_mass <= 1e-9:
                absorbing.add(n)
                duration[n] = MAX_MONTHS
                exits[n] = {}
                self.warn(
                    n,
                    "an end to the stage",
                    "no path leads on from it; the stage lasts for life (stay probability 1)",
                )
                continue
            months = delays[n] / exit_mass
            exits[n] = {k: v / exit_mass for k, v in leave.items()}
            if months < 12.0:
                self.warn(
                    n,
                    f"a stage length of {months:.3g} months",
                    "transitions are annual; the stage is stated as 12 months",
                )
                months = 12.0
            elif months > MAX_MONTHS:
                self.warn(n, f"a stage length of {months:.4g} months", "capped at 600 months")
                months = MAX_MONTHS
            duration[n] = months
        return exits, duration, absorbing, visits

    def _entry_stages(
        self, entry_start: list[tuple[str, float]], is_stage: Callable[[str], bool]
    ) -> dict[str, float]:
        """The stages first reached from the onset, with their shares."""
        entry = self.flow(entry_start, is_stage, split=False)
        entry_stages = {k: v for k, v in entry.items() if not k.startswith("@")}
        if not entry_stages:
            entry = self.flow(entry_start, is_stage, split=True)
            entry_stages = {k: v for k, v in entry.items() if not k.startswith("@")}
        if not entry_stages:
            raise OntologyError(
                f"{self.file}: not convertible: no stage is reached from the disease onset"
            )
        return entry_stages

    @staticmethod
    def _stage_order(
        entry_stages: dict[str, float],
        exits: dict[str, dict[str, float]],
        stage_states: list[str],
    ) -> list[str]:
        """Stage order: breadth first from the entry stages, most likely first."""
        order: list[str] = []
        frontier = sorted(entry_stages, key=lambda s: (-entry_stages[s], s))
        while frontier:
            nxt: list[str] = []
            for s in frontier:
                if s in order:
                    continue
                order.append(s)
                nxt.extend(
                    sorted(
                        (t for t in exits[s] if not t.startswith("@")),
                        key=lambda t: (-exits[s][t], t),
                    )
                )
            frontier = nxt
        for s in stage_states:  # reached only through a branch the defaults skip
            if s not in order:
                order.append(s)
        return order

    def _diagnosis_stage(
        self,
        entry_stages: dict[str, float],
        index: dict[str, int],
        onsets: list[str],
        is_stage: Callable[[str], bool],
    ) -> str:
        """The most likely entry stage, or the stage the diagnosis encounter leads to."""
        states = self.m.states
        diag_stage = max(entry_stages, key=lambda s: (entry_stages[s], -index[s]))
        diag_target = states[onsets[0]].target_encounter
        if diag_target is not None and diag_target in states:
            after_diag = self.flow([(diag_target, 1.0)], is_stage)
            cands = {k: v for k, v in after_diag.items() if not k.startswith("@")}
            if cands:
                diag_stage = max(cands, key=lambda s: (cands[s], -index[s]))
        return diag_stage

    # ---- symptoms and the lexicon ----------------------------------------------------------

    def _terms(
        self,
        after: set[str],
        onsets: list[str],
        is_stage: Callable[[str], bool],
        visits: dict[str, dict[str, float]],
        entry_stages: dict[str, float],
        index: dict[str, int],
    ) -> dict[str, Term]:
        """The lexicon terms of the Symptom and later ConditionOnset states, each with its
        domain and onset stage.

        Raises:
            OntologyError: no term.
        """
        states = self.m.states
        terms: dict[str, Term] = {}
        for name in sorted(after):
            st = states[name]
            if st.type == "Symptom" and st.symptom:
                tid, label, domain, xrefs = slug(st.symptom), st.symptom, None, []
                if st.range or st.exact or st.distribution or st.probability is not None:
                    self.warn(
                        name,
                        "symptom severity" + (" and probability" if st.probability else ""),
                        "the lexicon has no severity; the term is imported without it",
                    )
            elif st.type == "ConditionOnset" and name not in onsets:
                display = st.codes[0].display if st.codes else ""
                label = re.sub(r"\s*\((disorder|finding|situation)\)\s*$", "", display) or words(
                    name
                )
                tid, domain = slug(label), CONDITIONS[0]
                xrefs = [
                    f"SNOMEDCT:{c.code}"
                    for c in st.codes or []
                    if "snomed" in c.system.lower() and c.code
                ]
                if tid in terms and terms[tid]["domain"] != CONDITIONS[0]:
                    tid += "_condition"
            else:
                continue
            term = terms.setdefault(
                tid,
                {"label": label, "states": [], "domain": domain, "xrefs": set()},
            )
            term["states"].append(name)
            term["xrefs"].update(xrefs)
        for term in terms.values():
            if term["domain"] is None:
                low = term["label"].lower()
                term["domain"] = next(
                    (d for d, _, keys in DOMAIN_KEYWORDS if any(k in low for k in keys)),
                    OTHER[0],
                )
            best: str | None = None
            for s in term["states"]:
                nxt_stage = self.flow(self.successors(s, False), is_stage)
                options = [k for k in nxt_stage if not k.startswith("@")]
                if not options:
                    options = list(visits.get(s, {}))
                if not options:
                    options = list(entry_stages)
                earliest = min(options, key=lambda k: index[k])
                if best is None or index[earliest] < index[best]:
                    best = earliest
            term["onset"] = best
        if not terms:
            raise OntologyError(
                f"{self.file}: not convertible: no Symptom or ConditionOnset state after the "
                "disease onset, so the lexicon would be empty"
            )
        return terms

    def _drop_stages_before_terms(
        self,
        order: list[str],
        terms: dict[str, Term],
        entry_stages: dict[str, float],
        exits: dict[str, dict[str, float]],
        diag_stage: str,
    ) -> tuple[list[str], dict[str, float], str]:
        """Stages before the first documented term have nothing to write about: pre-disease.
        Drop them (``exits`` is updated in place); the new order, entry and diagnosis stage."""
        index = {s: i for i, s in enumerate(order)}
        first_idx = min(index[t["onset"]] for t in terms.values())
        dropped = order[:first_idx]
        if dropped:
            for s in dropped:
                self.warn(
                    s,
                    "stage before any symptom",
                    "no term has its onset in it; treated as pre-disease time",
                )
            order = order[first_idx:]
            index = {s: i for i, s in enumerate(order)}
            stage_mass: dict[str, float] = dict(entry_stages)
            kept: dict[str, float] = defaultdict(float)
            for _ in range(10_000):
                moving = {s: m for s, m in stage_mass.items() if s in dropped and m > 1e-12}
                if not moving:
                    break
                stage_mass = {s: m for s, m in stage_mass.items() if s not in dropped}
                for s, m in moving.items():
                    for t, p in exits[s].items():
                        if not t.startswith("@"):
                            stage_mass[t] = stage_mass.get(t, 0.0) + m * p
            for s, m in stage_mass.items():
                if s in index:
                    kept[s] += m
            entry_stages = dict(kept) or {order[0]: 1.0}
            back = max(entry_stages, key=lambda s: entry_stages[s])
            for s in order:  # a way back into a dropped stage re-enters the course
                moved = math.fsum(p for t, p in exits[s].items() if t in dropped)
                if moved:
                    exits[s] = {t: p for t, p in exits[s].items() if t not in dropped}
                    exits[s][back] = exits[s].get(back, 0.0) + moved
            if diag_stage in dropped:
                diag_stage = back
        return order, entry_stages, diag_stage

    def _warn_not_imported(self, after: set[str], start_reach: set[str]) -> None:
        """A warning per clinical state after the onset and per event before it."""
        states = self.m.states
        for name in sorted(after):
            st = states[name]
            if st.type in CLINICAL:
                what = CLINICAL[st.type]
                self.warn(name, what, "no place in the disease format (the path runs through it)")
            elif st.type == "Death" and (st.range or st.exact):
                self.warn(name, "delay before death", "death is immediate in the stage model")
        for name in sorted(start_reach - after):
            st = states[name]
            if st.type in CLINICAL or st.type in ("Symptom", "ConditionOnset", "Death"):
                self.warn(
                    name,
                    f"{CLINICAL.get(st.type, st.type)} before the disease onset",
                    "pre-disease events are not imported",
                )

    def _evolution(self, terms: dict[str, Term]) -> dict[tuple[str, str], float]:
        """Symptom -> symptom evolution along the module: the largest branch probability of
        reaching another term next."""
        term_of = {s: tid for tid, t in terms.items() for s in t["states"]}
        evolution: dict[tuple[str, str], float] = defaultdict(float)
        for s, tid in term_of.items():
            nxt_terms = self.flow(self.successors(s, False), term_of.__contains__)
            for t, p in nxt_terms.items():
                if not t.startswith("@") and term_of[t] != tid:
                    key = (tid, term_of[t])
                    evolution[key] = max(evolution[key], p)
        return evolution
