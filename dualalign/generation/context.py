"""Pure functions from a trajectory visit (and persona) to the prompt request, per mode."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dualalign.generation.modes import FORMATS, MODES, Format, Mode
from dualalign.generation.prompts import STYLES
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
    fmt: Format = "sentences"

    def age_at_visit(self) -> int:
        """The persona's age at this visit."""
        return self.persona.age_at_diagnosis + int(self.visit.years_from_diagnosis // 1)


def _when(years: float) -> str:
    whole = int(-years // 1) if years < 0 else int(years // 1)
    if years < 0:
        return f"{whole + 1} years before diagnosis" if whole else "the year before diagnosis"
    return "year of diagnosis" if whole == 0 else f"{whole} years after diagnosis"


def _persona_line(task: NoteTask, vocab: Vocabulary) -> str:
    sex = {"female": "woman", "male": "man"}.get(task.persona.sex, "adult")
    history = [
        str(vocab.risk_factors.get(rf, {}).get("prompt_phrase") or rf.replace("_", " "))
        for rf in task.persona.risk_factors[:4]
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


def render_request(task: NoteTask, vocab: Vocabulary) -> str:
    """The human turn of the narrative prompt for this task's mode."""
    note = str(vocab.note_types.get(task.visit.note_type, {}).get("label", task.visit.note_type))
    style = STYLES[task.style % len(STYLES)]
    lines = []
    if task.mode in ("dualalign", "trajectory-only"):
        stage = str(vocab.stages.get(task.visit.stage, {}).get("label", task.visit.stage))
        lines.append(
            f"Note: {note.lower()}, {_when(task.visit.years_from_diagnosis)}, "
            f"stage: {stage.lower()}."
        )
    else:
        lines.append(f"Note: {note.lower()}.")
    if task.mode in ("dualalign", "persona-only"):
        lines.append(f"Patient: {_persona_line(task, vocab)}.")
    else:
        lines.append("Patient: an older adult (say 'the patient').")
    if task.mode in ("dualalign", "trajectory-only"):
        if task.earlier:
            earlier = "; ".join(_term(s, vocab, 0) for s in task.earlier)
            lines.append(f"Earlier notes mentioned: {earlier}.")
        if task.terms:
            terms = "; ".join(
                f"{_term(s, vocab, task.seed + i)} ({_definition(s, vocab)})"
                for i, s in enumerate(task.terms)
            )
            lines.append(f"Mention: {terms}.")
    lines.append("Also write 1 routine sentence without symptoms.")
    lines.append(f"Style: {style}.")
    n = (len(task.terms) if task.mode in ("dualalign", "trajectory-only") else 2) + 1
    lines.append(f"Write {n} sentences.")
    return "\n".join(lines)


_SHORT_STYLES = ("terse, abbreviations", "full sentence", "short, one abbreviation")


def render_sentence_request(task: NoteTask, vocab: Vocabulary, term: str | None) -> str:
    """The human turn asking for one sentence: documenting ``term``, or a routine one."""
    note = str(vocab.note_types.get(task.visit.note_type, {}).get("label", task.visit.note_type))
    parts = [f"{note[:1].upper()}{note[1:]}"]
    if task.mode in ("dualalign", "persona-only"):
        sex = {"female": "woman", "male": "man"}.get(task.persona.sex, "adult")
        # history only in the routine sentence: small models copy it into every sentence
        history = (
            []
            if term is not None
            else [
                str(vocab.risk_factors.get(rf, {}).get("prompt_phrase") or rf)
                for rf in task.persona.risk_factors[:2]
            ]
        )
        pronoun = {"female": " (she)", "male": " (he)"}.get(task.persona.sex, "")
        who = f"{task.age_at_visit()}-year-old {sex}{pronoun}"
        parts.append(who + (f" with {', '.join(history)}" if history else ""))
    if task.mode in ("dualalign", "trajectory-only"):
        parts.append(_when(task.visit.years_from_diagnosis))
    head = ", ".join(parts) + "."
    if task.mode in ("dualalign", "trajectory-only") and task.earlier and term is not None:
        head += f" Earlier notes: {'; '.join(_term(s, vocab, 0) for s in task.earlier[:2])}."
    # the preferred label: small models then write it, and the check accepts any phrasing
    what = (
        "a routine finding with no symptoms"
        if term is None
        else f"{_term(term, vocab, 0)} ({_gloss(term, vocab)})"
    )
    style = _SHORT_STYLES[(task.style + sum(map(ord, term or ""))) % len(_SHORT_STYLES)]
    return f"{head} Document: {what}. Style: {style}."
