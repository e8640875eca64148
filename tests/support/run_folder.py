"""Small run folders built from typed records (no model call): what `dualalign generate` writes,
with the awkward values an export must carry through (quotes, commas, newlines, non-ASCII text,
nulls, empty lists, floats that print long)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from dualalign.files import atomic_write_bytes, write_jsonl
from dualalign.records import Manifest, RunCounts, RunProvenance, SentenceLabels, SentenceRow

__all__ = ["LABELS", "STAGES", "manifest_for", "sentence_rows", "write_run"]

#: the Alzheimer's knowledge base's label set, in its order (asserted by the export tests)
LABELS = (
    "cognitive_impairment",
    "concern_by_others",
    "requires_assistance",
    "physiological_changes",
    "neuropsychiatric",
    "none",
)
STAGES = ("prodromal_scd", "mci", "mild_dementia", "moderate_dementia", "severe_dementia")
_TEXTS = (
    'Daughter says "she forgot the stove, again", per dtr.',
    "Pt naïve to donepezil – café visit; 50% fewer falls.\nSecond line.",
    "BP 132/78, HR 70, afebrile.",
    "Needs help with bathing | dressing.",
    "",
)


def sentence_rows(
    patients: int = 10, notes_per_patient: int = 2, sentences_per_note: int = 3
) -> list[SentenceRow]:
    """Rows for ``patients`` personas, labels and stages cycling through the sets above."""
    rows = []
    n = 0
    for p in range(patients):
        for v in range(notes_per_patient):
            note = f"note-{p:03d}-{v}"
            for s in range(sentences_per_note):
                label = LABELS[n % len(LABELS)]
                planned = [] if n % 4 == 0 else [f"term_{n % 5}", f"term_{(n + 1) % 5}"]
                rows.append(
                    SentenceRow(
                        note_id=note,
                        task_id=f"task-{p:03d}",
                        visit_index=v,
                        persona_id=f"persona-{p:03d}",
                        trajectory_id=f"traj-{p:03d}",
                        mode="dualalign",
                        model="fake-model",
                        prompt_version="sentence-v9",
                        seed=7,
                        created_at="2026-01-02T03:04:05+00:00",
                        planned_symptoms=planned,
                        expressed_symptoms=planned[:1],
                        stage=STAGES[(p + v) % len(STAGES)],
                        note_type="progress",
                        sentence_index=s,
                        text=_TEXTS[n % len(_TEXTS)] or f"Routine sentence {n}.",
                        label=label,
                        annotator="rule",
                        labels=SentenceLabels(
                            llm=None if n % 3 == 0 else LABELS[(n + 1) % len(LABELS)],
                            rule=label,
                        ),
                        annotation_version="annotate-v3",
                        years_from_diagnosis=(0.1 + 0.2) * n - 1.0,
                        planned_symptom=planned[0] if planned else None,
                        reporter="daughter" if label == "concern_by_others" else None,
                        planned_label=None if n % 5 == 0 else label,
                    )
                )
                n += 1
    return rows


def manifest_for(rows: list[SentenceRow], status: str = "complete") -> Manifest:
    """A manifest whose counts and provenance fit ``rows``."""
    provenance = RunProvenance(
        graph_checksum="9f2c" * 16,
        disease="alzheimers",
        model="local:SmolLM2-135M-Instruct-Q8_0",
        seed=7,
        prompt_versions={"sentence": "sentence-v9", "annotation": "annotate-v3"},
        versions={"dualalign": "0.1.0", "llama-cpp-python": "0.3.36", "pydantic": "2.12.0"},
    )
    return Manifest.model_validate(
        {
            "status": status,
            "config": {
                "patients": len({r.persona_id for r in rows}),
                "seed": 7,
                "generation": {"mode": "dualalign"},
            },
            "versions": provenance.versions,
            "graph_checksum": provenance.graph_checksum,
            "disease": "alzheimers",
            "tasks": len({r.task_id for r in rows}),
            "started_at": "2026-01-02T03:00:00+00:00",
            "finished_at": "2026-01-02T03:10:00+00:00",
            "seconds": 600.0,
            "provenance": provenance,
            "identity": {},
            "counts": RunCounts(
                tasks=len({r.task_id for r in rows}),
                notes=len({r.note_id for r in rows}),
                sentences=len(rows),
                failures=2,
                failed_tasks=0,
                labels=dict(Counter(r.label for r in rows)),
            ),
        }
    )


def write_run(folder: Path, rows: list[SentenceRow] | None = None, **manifest: object) -> Path:
    """Write a run folder (``manifest.json`` and ``sentences.jsonl``) and return it.

    ``manifest`` entries are added to (or replace keys of) the manifest's JSON.
    """
    rows = sentence_rows() if rows is None else rows
    folder.mkdir(parents=True, exist_ok=True)
    data = manifest_for(rows).model_dump(mode="json")
    data.update(manifest)
    atomic_write_bytes(folder / "manifest.json", json.dumps(data, indent=2).encode())
    write_jsonl(folder / "sentences.jsonl", rows)
    for name in ("notes.jsonl", "failures.jsonl", "usage.jsonl", "tasks.done"):
        (folder / name).write_text("", encoding="utf-8")
    return folder
