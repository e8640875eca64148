"""Pure functions from a trajectory visit (and persona) to the prompt request, per mode."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from dualalign.generation.modes import FORMATS, MODES, Format, Mode
from dualalign.generation.prompts import ROUTINE, STYLES
from dualalign.generation.vocabulary import Vocabulary
from dualalign.types import Persona, Visit

__all__ = [
    "FORMATS",
    "MODES",
    "Format",
    "Mode",
    "NoteTask",
    "render_request",
    "render_sentence_request",
    "reporter_clause",
    "sentence_request_parts",
    "term_request",
]


@dataclass(frozen=True)
class NoteTask:
    """One note to write: everything the prompt and the checks need, and its identity."""

    task_id: str
    trajectory_id: str
    persona: Persona
    visit: Visit
    earlier: tuple[str, ...]
    terms: tuple[str, ...]
    mode: Mode
    style: int
    seed: int
    focus_label: str | None = None
    fmt: Format = Format.SENTENCES
    #: who reports each planned term (aligned with ``terms``; None where the plan has none)
    reporters: tuple[str | None, ...] = ()

    def reporter_of(self, symptom: str) -> str | None:
        """The planned reporter of one of this task's terms."""
        for term, reporter in zip(self.terms, self.reporters, strict=False):
            if term == symptom:
                return reporter
        return None

    def age_at_visit(self) -> int:
        """The persona's age at this visit."""
        return self.persona.age_at_diagnosis + int(self.visit.years_from_diagnosis // 1)


def _persona_line(task: NoteTask, vocab: Vocabulary) -> str:
    sex = {"female": "woman", "male": "man"}.get(task.persona.sex, "adult")
    factors = sorted(task.persona.risk_factors, key=lambda rf: _pick(task.seed, rf, 1 << 30))
    history = [
        str(vocab.risk_factors.get(rf, {}).get("prompt_phrase") or rf.replace("_", " "))
        for rf in factors[:3]
    ]
    line = f"{task.age_at_visit()}-year-old {sex}"
    return line + (f"; history: {', '.join(history)}" if history else "")


def _term(symptom: str, vocab: Vocabulary, pick: int) -> str:
    phrases = vocab.phrases(symptom)
    return phrases[pick % min(len(phrases), 2)]  # the label or its first synonym


def _definition(symptom: str, vocab: Vocabulary) -> str:
    return str(vocab.symptoms.get(symptom, {}).get("definition", ""))


def _gloss(symptom: str, vocab: Vocabulary) -> str:
    """The definition's first clause (at most 10 words), lower-cased: enough to say what the
    term means without a long prompt."""
    text = re.split(r"[,;(]| that | which ", _definition(symptom, vocab))[0].rstrip(". ")
    text = " ".join(text.split()[:10])
    return text[:1].lower() + text[1:]


def _mention(task: NoteTask, vocab: Vocabulary, symptom: str, i: int) -> str:
    before, after = reporter_clause(task, vocab, symptom)
    term = _term(symptom, vocab, task.seed + i)
    return f"{before}{term} ({_definition(symptom, vocab)}){after}"


def render_request(task: NoteTask, vocab: Vocabulary) -> str:
    """The human turn of the narrative prompt for this task's mode."""
    note = str(vocab.note_types.get(task.visit.note_type, {}).get("label", task.visit.note_type))
    style = STYLES[task.style % len(STYLES)]
    lines = []
    if task.mode in ("dualalign", "trajectory-only"):
        stage = str(vocab.stages.get(task.visit.stage, {}).get("label", task.visit.stage))
        lines.append(
            f"Note: {note.lower()}, {_phase(task.visit.years_from_diagnosis)}, "
            f"stage: {stage.lower()}."
        )
    else:
        lines.append(f"Note: {note.lower()}.")
    if _knows_persona(task):
        lines.append(f"Patient: {_persona_line(task, vocab)}.")
    else:
        lines.append("Patient: an older adult (say 'the patient').")
    if task.mode in ("dualalign", "trajectory-only"):
        if task.earlier:
            earlier = "; ".join(_term(s, vocab, 0) for s in task.earlier)
            lines.append(f"Earlier notes mentioned: {earlier}.")
        if task.terms:
            terms = "; ".join(_mention(task, vocab, s, i) for i, s in enumerate(task.terms))
            lines.append(f"Mention: {terms}.")
    lines.append("Also write 1 routine sentence without symptoms.")
    lines.append(f"Style: {style}.")
    n = (len(task.terms) if task.mode in ("dualalign", "trajectory-only") else 2) + 1
    lines.append(f"Write {n} sentences.")
    return "\n".join(lines)


_SHORT_STYLES = ("terse, abbreviations", "full sentence", "short, one abbreviation")
_SPOUSE = {"female": "husband", "male": "wife"}
_POSSESSIVE = {"female": "her", "male": "his"}
_PRONOUN = {"female": "she", "male": "he"}


def _phase(years: float) -> str:
    """When the visit is, without a number of years a small model would copy as a duration."""
    if years < -3:
        return "years before any diagnosis"
    if years < 0:
        return "in the years just before diagnosis"
    return "in the year of diagnosis" if years < 1 else "after the diagnosis"


def _pick(seed: int, salt: str, n: int) -> int:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).hexdigest()
    return int(digest[:8], 16) % max(1, n)


def _knows_persona(task: NoteTask) -> bool:
    return task.mode in ("dualalign", "persona-only")


def _relative(task: NoteTask, vocab: Vocabulary, salt: str) -> str:
    """Which relative or caregiver reports: one of the family reporter's prompt phrases,
    'spouse' turned into husband or wife (where the mode knows the persona), and no spouse
    for a widowed persona."""
    sex = task.persona.sex if _knows_persona(task) else ""
    options = [
        _SPOUSE.get(sex, "spouse") if p == "spouse" else str(p)
        for p in vocab.reporters.get("family", {}).get("prompt_phrases", ["family member"])
        if not (p == "spouse" and "widowhood" in task.persona.risk_factors)
    ] or ["family member"]
    return options[_pick(task.seed, salt, len(options))]


def reporter_clause(task: NoteTask, vocab: Vocabulary, term: str) -> tuple[str, str]:
    """Who reports the planned term, as words before and after it in the request: ("her
    daughter reports ", "") , ("she reports ", "") or ("", ", observed at the visit"). A mode
    without the persona says "the patient's" and "the patient" instead."""
    reporter = task.reporter_of(term)
    if reporter is None or reporter not in vocab.reporters:
        return "", ""
    sex = task.persona.sex if _knows_persona(task) else ""
    if vocab.reporter_label.get(reporter):  # a relative's report
        own = _POSSESSIVE.get(sex, "the patient's")
        return f"{own} {_relative(task, vocab, term)} reports ", ""
    if reporter == "patient":
        return f"{_PRONOUN.get(sex, 'the patient')} reports ", ""
    return "", ", observed at the visit"


def _history(task: NoteTask, vocab: Vocabulary, term: str | None) -> list[str]:
    """At most one history item, as a clinician would write it: for a symptom, a risk factor
    that bears on it (half the time); for a routine line, any one of the persona's (mostly)."""
    factors = task.persona.risk_factors
    if term is not None:
        factors = tuple(rf for rf in factors if term in vocab.modifies.get(rf, frozenset()))
    salt = f"history:{term}"
    if not factors or _pick(task.seed, salt, 10) >= (5 if term is not None else 7):
        return []
    rf = factors[_pick(task.seed, salt + ":which", len(factors))]
    return [str(vocab.risk_factors.get(rf, {}).get("prompt_phrase") or rf.replace("_", " "))]


def term_request(term: str, vocab: Vocabulary) -> str:
    """How a one-sentence request names a term: its preferred label and a short gloss (small
    models then write the label, and the check accepts any phrasing)."""
    return f"{_term(term, vocab, 0)} ({_gloss(term, vocab)})"


def sentence_request_parts(
    task: NoteTask, vocab: Vocabulary, term: str | None
) -> tuple[str, str, str]:
    """The one-sentence request as (context head, what to document, style)."""
    note = str(vocab.note_types.get(task.visit.note_type, {}).get("label", task.visit.note_type))
    parts = [f"{note[:1].upper()}{note[1:]}"]
    history: list[str] = []
    if _knows_persona(task):
        sex = {"female": "woman", "male": "man"}.get(task.persona.sex, "adult")
        history = _history(task, vocab, term)
        pronoun = {"female": " (she)", "male": " (he)"}.get(task.persona.sex, "")
        who = f"{task.age_at_visit()}-year-old {sex}{pronoun}"
        parts.append(who + (f" with {history[0]}" if history and term is not None else ""))
    if task.mode in ("dualalign", "trajectory-only"):
        parts.append(_phase(task.visit.years_from_diagnosis))
    head = ", ".join(parts) + "."
    # earlier symptoms stay out of one-sentence requests: a small model writes them into the
    # sentence, which then documents (and is labelled as) something that was not planned
    if term is None:
        what = (
            f"a routine line about {history[0]} (vitals, a medication or the plan)"
            if history
            else ROUTINE
        )
    else:
        before, after = reporter_clause(task, vocab, term)
        what = f"{before}{term_request(term, vocab)}{after}"
    style = _SHORT_STYLES[(task.style + sum(map(ord, term or ""))) % len(_SHORT_STYLES)]
    return head, what, style


def render_sentence_request(task: NoteTask, vocab: Vocabulary, term: str | None) -> str:
    """The human turn asking for one sentence: documenting ``term``, or a routine one."""
    head, what, style = sentence_request_parts(task, vocab, term)
    return f"{head} Document: {what}. Style: {style}."
