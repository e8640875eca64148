"""The fixed tables of the mapping: lexicon domains by symptom keyword, time units, the GMF
state types whose content has no place in the disease format, the stage-length thresholds, and
the identifier and label helpers."""

from __future__ import annotations

import re

__all__ = [
    "CLINICAL",
    "CONDITIONS",
    "DOMAIN_KEYWORDS",
    "MAX_MONTHS",
    "MIN_STAGE_MONTHS",
    "OTHER",
    "UNIT_MONTHS",
    "domain_descriptions",
    "slug",
    "to_months",
    "words",
]

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
#: The domain of a symptom no keyword places, and its description.
OTHER = ("other_symptoms", "symptoms no keyword rule places elsewhere")
#: The domain of later ConditionOnset states (complications), and its description.
CONDITIONS = ("conditions", "conditions diagnosed during the course (complications)")

#: Months per GMF time unit.
UNIT_MONTHS = {
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
#: The longest stated stage (months); also the length of a stage with no way out.
MAX_MONTHS = 600.0
#: Types whose content has no place in the format (the path still runs through them).
CLINICAL = {
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


def words(text: str) -> str:
    """``text`` as space-separated words (camel case and underscores split)."""
    return " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).replace("_", " ").split())


def to_months(quantity: float, unit: str | None) -> float | None:
    """``quantity`` of a GMF time ``unit`` in months; None for a missing or unknown unit."""
    if unit is None:
        return None
    factor = UNIT_MONTHS.get(unit.strip().lower())
    return None if factor is None else quantity * factor


def domain_descriptions() -> dict[str, str]:
    """Every lexicon domain the importer can use, in order, with its description."""
    desc: dict[str, str] = {dom: text for dom, text, _ in DOMAIN_KEYWORDS}
    desc |= {OTHER[0]: OTHER[1], CONDITIONS[0]: CONDITIONS[1]}
    return desc
