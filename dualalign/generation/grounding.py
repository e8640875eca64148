"""Grounding checks on a generated note: planned symptoms expressed, persona not
contradicted, no real-looking identifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dualalign.generation.context import NoteTask
from dualalign.generation.cues import affirmed, find_cues
from dualalign.generation.vocabulary import Vocabulary
from dualalign.identifiers import find_identifiers

__all__ = ["GroundingResult", "check_note"]

_MALE = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_AGE = re.compile(r"\b(\d{2,3})[- ]?(?:years?[- ]old|yo|y/o|y\.o\.)", re.IGNORECASE)


@dataclass(frozen=True)
class GroundingResult:
    """Whether a note passed, which planned symptoms it expressed, and why it failed."""

    expressed: tuple[str, ...]
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def expressed(symptom: str, text: str, vocab: Vocabulary) -> bool:
    """Some lexicon phrasing of the symptom appears in the text, and is not negated."""
    return any(affirmed(phrase, text) for phrase in vocab.phrases(symptom))


def _identifier_problems(text: str) -> list[str]:
    """One problem per kind of identifier in the text, naming the first one found."""
    first: dict[str, str] = {}
    for found in find_identifiers(text):
        first.setdefault(found.kind, found.text)
    return [f"contains a real-looking {kind} ({value})" for kind, value in first.items()]


def check_note(task: NoteTask, text: str, vocab: Vocabulary) -> GroundingResult:
    """Check one note against its task."""
    problems = []
    done = tuple(s for s in task.terms if expressed(s, text, vocab))
    if task.mode != "unconstrained":  # every planned term, walked or drawn, must be there
        missing = [s for s in task.terms if s not in done]
        if missing:
            problems.append(f"planned symptom not expressed: {', '.join(missing)}")
    relatives = {r for r in task.reporters if r and vocab.reporter_label.get(r)}
    if relatives and task.mode in ("dualalign", "trajectory-only") and not find_cues(text).reporter:
        problems.append("planned report by a relative or caregiver not expressed")
    if task.mode in ("dualalign", "persona-only"):
        male, female = bool(_MALE.search(text)), bool(_FEMALE.search(text))
        # with a relative speaking, "she" may well be the daughter: pronouns prove nothing
        if task.persona.sex == "female" and male and not female and not relatives:
            problems.append("pronouns contradict the persona's sex (he/his for a woman)")
        if task.persona.sex == "male" and female and not male and not relatives:
            problems.append("pronouns contradict the persona's sex (she/her for a man)")
        for match in _AGE.finditer(text):
            if abs(int(match.group(1)) - task.age_at_visit()) > 1:
                problems.append(
                    f"age {match.group(1)} contradicts the persona's {task.age_at_visit()}"
                )
        for rf in task.persona.risk_factors:
            name = str(vocab.risk_factors.get(rf, {}).get("label", rf)).lower()
            if re.search(rf"\b(?:no (?:history|hx) of|denies)\s+{re.escape(name)}", text.lower()):
                problems.append(f"denies the persona's history of {name}")
    problems += _identifier_problems(text)
    return GroundingResult(done, tuple(problems))
