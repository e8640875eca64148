"""The rows of a generation run folder, as typed records: what ``generate`` writes and what
``evaluate``, ``report`` and ``export`` read. One definition, used on both sides.

``sentences.jsonl`` holds :class:`SentenceRow`, ``notes.jsonl`` :class:`NoteRow`,
``failures.jsonl`` :class:`FailureRow`, ``usage.jsonl`` :class:`TaskUsage` (one per finished
task, so totals survive a resume) and ``manifest.json`` a :class:`Manifest`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AGREEMENT_KEYS",
    "FailureKind",
    "FailureRow",
    "Manifest",
    "NoteRow",
    "RunCounts",
    "RunProvenance",
    "SentenceLabels",
    "SentenceRow",
    "TaskUsage",
]

#: pairs whose agreement a run reports: (matching, compared) counts for each
AGREEMENT_KEYS = ("llm_vs_plan", "rule_vs_plan", "llm_vs_rule")

#: ``error``: the model could not be reached or answered unusably after every retry (a rerun
#: tries again); ``rejected``: every attempt failed the grounding checks (``--retry-failed``)
FailureKind = Literal["error", "rejected"]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _NoteCommon(_Row):
    note_id: str
    task_id: str
    visit_index: int
    persona_id: str
    trajectory_id: str
    mode: str
    model: str
    prompt_version: str
    seed: int
    created_at: str
    planned_symptoms: list[str]
    expressed_symptoms: list[str]
    stage: str
    note_type: str


class SentenceLabels(_Row):
    """Each annotator's label for a sentence (None: that annotator did not run or failed)."""

    llm: str | None = None
    rule: str | None = None


class SentenceRow(_NoteCommon):
    """One labelled synthetic sentence."""

    sentence_index: int = Field(ge=0)
    text: str
    label: str
    annotator: Literal["llm", "rule"]
    labels: SentenceLabels
    annotation_version: str
    years_from_diagnosis: float
    planned_symptom: str | None = None
    reporter: str | None = None
    planned_label: str | None = None


class NoteRow(_NoteCommon):
    """One written note (its sentences joined by newlines in ``sentences`` format)."""

    text: str
    format: str
    focus_label: str | None = None


class FailureRow(_Row):
    """A planned sentence or note that could not be written."""

    task_id: str
    trajectory_id: str
    visit_index: int
    mode: str
    item: str | None
    kind: FailureKind
    #: generation attempts actually made (each may have had several transport retries)
    attempts: int = Field(ge=0)
    problems: list[str]
    last_text: str
    model: str
    at: str


class TaskUsage(_Row):
    """What one finished task cost: summed into the manifest, so a resumed run's totals cover
    every process that worked on it."""

    task_id: str
    #: 0 for the first try; a rerun that retries the task counts up (fresh attempt seeds)
    round: int = 0
    attempts: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    #: key -> [matching, compared]
    agreement: dict[str, tuple[int, int]] = Field(default_factory=dict)


class RunCounts(_Row):
    tasks: int
    notes: int
    sentences: int
    failures: int
    failed_tasks: int
    labels: dict[str, int]


class RunProvenance(_Row):
    """What produced the run: enough to reproduce it."""

    graph_checksum: str
    disease: str
    model: str
    seed: int
    prompt_versions: dict[str, str]
    versions: dict[str, str]


class Manifest(BaseModel):
    """``manifest.json``: the run's settings, provenance and totals."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["running", "complete", "failed"]
    config: dict[str, Any]
    versions: dict[str, str]
    graph_checksum: str
    disease: str
    tasks: int
    started_at: str
    provenance: RunProvenance
    identity: dict[str, Any]
    finished_at: str | None = None
    seconds: float | None = None
    resumed_tasks: int = 0
    retried_tasks: int = 0
    counts: RunCounts | None = None
    failures: list[dict[str, Any]] = Field(default_factory=list)
    agreement: dict[str, float | None] = Field(default_factory=dict)
    attempts: int = 0
    retries: int = 0
    tokens: dict[str, int] = Field(default_factory=lambda: {"input": 0, "output": 0})
    cost_usd: float | None = None
