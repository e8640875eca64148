"""`dualalign generate`: labelled synthetic clinical sentences from walks and personas.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dualalign.cli._app import console
from dualalign.cli._options import StoreKind, StoreOptions, with_store
from dualalign.errors import ConfigError, GraphEmptyError
from dualalign.generation.modes import FORMATS, MODES
from dualalign.graph import GraphData, GraphStore
from dualalign.ontology import load_disease, resolve_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.settings import data_home

__all__ = ["generate_command"]


def _graph(source: GraphStore, store: StoreOptions, disease: str) -> GraphData:
    try:
        return source.export()
    except GraphEmptyError:
        if store.kind not in (None, StoreKind.memory):
            raise
        console.print(f"the embedded graph store is empty: loading '{disease}' first", markup=False)
        source.load(disease_graph(load_disease(resolve_disease(disease))))
        return source.export()


def _notes_per_patient(value: str) -> int | None:
    """``all`` or a positive whole number."""
    if value.strip().lower() == "all":
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"--notes-per-patient: got '{value}'; give a number >= 1 or 'all'")
    return number


@with_store
def generate_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Option(help="Run folder (created; rerun to resume).")],
    patients: Annotated[int, typer.Option(min=1, help="How many patients.")] = 20,
    mode: Annotated[str, typer.Option(help=f"One of {', '.join(MODES)}.")] = "dualalign",
    llm: Annotated[str, typer.Option(help="LLM back-end: local, openai or hf.")] = "local",
    model: Annotated[str | None, typer.Option(help="Model name (openai back-end).")] = None,
    base_url: Annotated[
        str | None, typer.Option(envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL.")
    ] = None,
    model_path: Annotated[
        str | None, typer.Option(help="hf: model folder or GGUF file; local: a GGUF file.")
    ] = None,
    q8: Annotated[
        bool | None,
        typer.Option(
            "--q8/--no-q8",
            help="--llm local: run from a Q8_0 copy of the model, made once in "
            "$DUALALIGN_HOME/models (faster prompts on CPU); default: for the bundled model.",
            show_default=False,
        ),
    ] = None,
    structured_method: Annotated[
        str,
        typer.Option(
            help="Structured output: auto, function_calling, json_schema, json_mode, prompt."
        ),
    ] = "auto",
    seed: Annotated[int, typer.Option(help="Seed for personas, walks and sampling.")] = 7,
    population: Annotated[str, typer.Option(help="Target population.")] = "us-ad",
    disease: Annotated[
        str, typer.Option(help="Disease loaded into an empty embedded store.")
    ] = "alzheimers",
    trajectories: Annotated[
        Path | None,
        typer.Option(help="Use trajectories from `dualalign walk` instead of walking now."),
    ] = None,
    notes_per_patient: Annotated[
        str,
        typer.Option(
            help="Notes per patient, drawn from the whole timeline, or 'all' (every visit: "
            "the paper's note timeline, many calls)."
        ),
    ] = "1",
    style_examples: Annotated[
        Path | None,
        typer.Option(
            help="Your gold sentences (CSV, JSONL, Parquet; a 'sentence' or 'text' column and "
            "'label'): each sentence's few-shot examples are gold sentences with its label."
        ),
    ] = None,
    max_terms: Annotated[int, typer.Option(min=1, help="Planned terms per note.")] = 4,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="sentences (one call per sentence) or soap (a whole SOAP note per call).",
        ),
    ] = "sentences",
    max_attempts: Annotated[int, typer.Option(min=1, help="Regenerations per failed note.")] = 3,
    retries: Annotated[int, typer.Option(min=1, help="Attempts per LLM call (backoff).")] = 5,
    concurrency: Annotated[int, typer.Option(min=1, help="Parallel LLM calls.")] = 1,
    rate_limit: Annotated[
        float | None, typer.Option(help="Requests per second at most (rate-limit-friendly mode).")
    ] = None,
    temperature: Annotated[float, typer.Option(help="Sampling temperature.")] = 0.5,
    max_tokens: Annotated[int, typer.Option(help="Max tokens per note.")] = 160,
    timeout: Annotated[float, typer.Option(help="Seconds per LLM call.")] = 60.0,
    annotator: Annotated[
        list[str] | None,
        typer.Option(
            help="Annotators: llm and/or rule (repeatable); default rule for "
            "--llm local, both otherwise."
        ),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write sentences.csv.")] = False,
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Also write sentences.parquet.")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the LLM cache.")] = False,
    overwrite: Annotated[bool, typer.Option(help="Discard an earlier run in --out.")] = False,
    price_input: Annotated[float | None, typer.Option(help="USD per 1M input tokens.")] = None,
    price_output: Annotated[float | None, typer.Option(help="USD per 1M output tokens.")] = None,
) -> None:
    """Write notes for personas' trajectories with an LLM and label every sentence."""
    # LangChain and the OpenAI SDK load here, not at every command's start-up
    from pydantic import ValidationError

    from dualalign.generation.pipeline import RunRequest, run_generation
    from dualalign.generation.runner import GenerationSettings, RunStats
    from dualalign.llm import LLMSpec

    if mode not in MODES:
        raise ConfigError(f"unknown mode '{mode}'; use one of {', '.join(MODES)}")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder such as runs/demo/")
    if overwrite and out.is_dir():
        shutil.rmtree(out)
    per_patient = _notes_per_patient(notes_per_patient)
    annotators = tuple(annotator) if annotator else None
    if annotators and not set(annotators) <= {"llm", "rule"}:
        raise ConfigError("--annotator takes llm or rule")
    try:
        req = RunRequest(
            patients=patients,
            population=population,
            seed=seed,
            notes_per_patient=per_patient,
            style_examples=str(style_examples) if style_examples else None,
            max_terms=max_terms,
            fmt=fmt,
            trajectories=str(trajectories) if trajectories else None,
            llm=LLMSpec(
                backend=llm,
                model=model,
                base_url=base_url,
                model_path=model_path,
                q8=q8,
                temperature=temperature,
                max_tokens=max_tokens,
                timeout=timeout,
                rate_limit=rate_limit,
                structured_method=structured_method,
            ),
            generation=GenerationSettings(
                mode=mode,
                max_attempts=max_attempts,
                retries=retries,
                annotators=annotators,
            ),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        option = {"backend": "llm"}.get(str(err["loc"][-1]), str(err["loc"][-1]))
        raise ConfigError(f"--{option.replace('_', '-')}: {err['msg']}") from exc
    with store.open() as source:
        graph = _graph(source, store, disease)
    prices = (price_input or 0.0, price_output or 0.0) if (price_input or price_output) else None
    with Progress(
        TextColumn("[bold]generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:
        job = bar.add_task("notes", total=None, info="")

        def progress(done: int, total: int, stats: RunStats) -> None:
            bar.update(
                job,
                completed=done,
                total=total,
                info=f"{stats.sentences} sentences, {stats.failures} failed, "
                f"{stats.input_tokens + stats.output_tokens} tokens",
            )

        manifest = run_generation(
            req,
            graph,
            out,
            concurrency=concurrency,
            cache=None if no_cache else data_home() / "cache" / "llm.sqlite",
            formats=tuple(f for f, on in (("csv", csv), ("parquet", parquet)) if on),
            price_per_mtok=prices,
            progress=progress,
        )
    c = manifest["counts"]
    agreement = ", ".join(f"{k} {v:.0%}" for k, v in manifest["agreement"].items() if v is not None)
    console.print(
        f"wrote {c['sentences']} labelled sentences from {c['notes']} notes to {out} "
        f"in {manifest['seconds']:.1f} s ({c['failures']} planned sentences or notes "
        f"failed after retries and regeneration: see failures.jsonl); labels: "
        f"{c['labels']}; agreement: "
        f"{agreement or 'n/a'}; tokens in/out {manifest['tokens']['input']}/"
        f"{manifest['tokens']['output']}",
        markup=False,
    )
