"""Turn a written, labelled note into the run's typed rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dualalign.generation.context import NoteTask
from dualalign.generation.labelling import Labelled
from dualalign.generation.modes import Mode
from dualalign.generation.prompts import ANNOTATION_VERSION
from dualalign.generation.vocabulary import Vocabulary
from dualalign.records import FailureKind, FailureRow, NoteRow, SentenceLabels, SentenceRow

__all__ = ["failure_row", "note_rows"]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _plan(task: NoteTask, item: str | None, vocab: Vocabulary) -> dict[str, str | None]:
    """What a sentence was planned to say (empty for a whole note)."""
    if task.mode == Mode.UNCONSTRAINED:
        return {"planned_symptom": None, "reporter": None, "planned_label": task.focus_label}
    reporter = task.reporter_of(item) if item else None
    return {
        "planned_symptom": item,
        "reporter": reporter,
        "planned_label": vocab.planned_label(item, reporter) if item else "none",
    }


def note_rows(
    task: NoteTask,
    *,
    text: str,
    sentences: Sequence[str],
    expressed: Sequence[str],
    labelled: Labelled,
    model: str,
    prompt_version: str,
    vocab: Vocabulary,
    items: Sequence[str | None] | None = None,
) -> tuple[NoteRow, list[SentenceRow]]:
    """The note's row and one row per sentence (``items``: each sentence's planned term, in
    ``sentences`` format)."""
    common: dict[str, Any] = {
        "note_id": f"note-{task.task_id}",
        "task_id": task.task_id,
        "visit_index": task.visit.index,
        "persona_id": task.persona.id,
        "trajectory_id": task.trajectory_id,
        "mode": str(task.mode),
        "model": model,
        "prompt_version": prompt_version,
        "seed": task.seed,
        "created_at": _now(),
        "planned_symptoms": list(task.terms),
        "expressed_symptoms": list(expressed),
        "stage": task.visit.stage,
        "note_type": task.visit.note_type,
    }
    rows = []
    for i, sentence in enumerate(sentences):
        plan: dict[str, Any] = {}
        if items is not None or task.mode == Mode.UNCONSTRAINED:
            plan = _plan(task, items[i] if items is not None else None, vocab)
        rows.append(
            SentenceRow(
                **common,
                sentence_index=i,
                text=sentence,
                label=labelled.label(i),
                annotator=labelled.lead.value,
                labels=SentenceLabels(
                    llm=labelled.llm[i] if labelled.llm else None, rule=labelled.rule[i]
                ),
                annotation_version=ANNOTATION_VERSION,
                years_from_diagnosis=task.visit.years_from_diagnosis,
                **plan,
            )
        )
    note = NoteRow(**common, text=text, format=str(task.fmt), focus_label=task.focus_label)
    return note, rows


def failure_row(
    task: NoteTask,
    item: str | None,
    *,
    kind: FailureKind,
    attempts: int,
    problems: Sequence[str],
    text: str,
    model: str,
) -> FailureRow:
    """A planned sentence (``item``) or a note (None) that could not be written."""
    return FailureRow(
        task_id=task.task_id,
        trajectory_id=task.trajectory_id,
        visit_index=task.visit.index,
        mode=str(task.mode),
        item=item,
        kind=kind,
        attempts=attempts,
        problems=[" ".join(p.split()) for p in problems],
        last_text=text,
        model=model,
        at=_now(),
    )
