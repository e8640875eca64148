"""`dualalign generate`: labelled synthetic clinical sentences from walks and personas.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from dualalign.cli._app import console
from dualalign.cli._executor import Executor, ExecutorOption, RayAddress, Workers, check_ray_options
from dualalign.cli._options import StoreKind, StoreOptions, with_store
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.errors import ConfigError, GraphEmptyError
from dualalign.generation.config import Annotator
from dualalign.generation.modes import Format, Mode
from dualalign.graph import GraphData, GraphStore
from dualalign.llm.factory import Backend, StructuredMethod
from dualalign.ontology import load_disease, resolve_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.settings import data_home

if TYPE_CHECKING:
    from dualalign.generation.pipeline import RunRequest
    from dualalign.records import Manifest

__all__ = ["generate_command"]


def _graph(source: GraphStore, store: StoreOptions, disease: str) -> GraphData:
    try:
        return source.export()
    except GraphEmptyError:
        if store.kind not in (None, StoreKind.memory):
            raise
        folder = resolve_disease(disease)  # an unknown disease fails before anything is loaded
        console.print(f"the embedded graph store is empty: loading '{disease}' first", markup=False)
        source.load(disease_graph(load_disease(folder)))
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


_OPTION_OF = {"backend": "llm", "fmt": "format", "annotators": "annotator"}


def _request(**given: Any) -> "RunRequest":
    """The run request from the options; a bad value is named by its option.

    Raises:
        ConfigError: a value outside its range (NaN and infinities included).
    """
    from pydantic import ValidationError

    from dualalign.generation.config import GenerationSettings
    from dualalign.generation.pipeline import RunRequest
    from dualalign.llm import LLMSpec

    llm_keys = set(LLMSpec.model_fields)
    gen_keys = set(GenerationSettings.model_fields)
    try:
        return RunRequest(
            **{k: v for k, v in given.items() if k not in llm_keys | gen_keys},
            llm=LLMSpec(**{k: v for k, v in given.items() if k in llm_keys}),
            generation=GenerationSettings(**{k: v for k, v in given.items() if k in gen_keys}),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "option"
        option = _OPTION_OF.get(field, field).replace("_", "-")
        got = err.get("input")
        raise ConfigError(f"--{option}: {err['msg']} (got {got!r})") from exc


def _summary(manifest: "Manifest", out: Path) -> str:
    c = manifest.counts
    assert c is not None
    agreement = ", ".join(f"{k} {v:.0%}" for k, v in manifest.agreement.items() if v is not None)
    again = f", {manifest.retried_tasks} retried" if manifest.retried_tasks else ""
    return (
        f"wrote {c.sentences} labelled sentences from {c.notes} notes to {out} in "
        f"{manifest.seconds or 0:.1f} s ({c.tasks} tasks, {manifest.resumed_tasks} resumed"
        f"{again}; {c.failures} planned sentences or notes failed after retries and "
        f"regeneration: see failures.jsonl, rerun to retry errors, --retry-failed for the "
        f"rest); labels: {c.labels}; agreement: {agreement or 'n/a'}; tokens in/out "
        f"{manifest.tokens['input']}/{manifest.tokens['output']}"
    )


def _formats(csv: bool, parquet: bool) -> tuple[Literal["csv", "parquet"], ...]:
    chosen: list[Literal["csv", "parquet"]] = []
    if csv:
        chosen.append("csv")
    if parquet:
        chosen.append("parquet")
    return tuple(chosen)


@with_store
def generate_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Option(help="Run folder (created; rerun to resume).")],
    patients: Annotated[int, typer.Option(help="How many patients (1 or more).")] = 20,
    mode: Annotated[Mode, typer.Option(help="What grounds the notes.")] = Mode.DUALALIGN,
    llm: Annotated[Backend, typer.Option(help="LLM back-end.")] = Backend.LOCAL,
    model: Annotated[str | None, typer.Option(help="Model name (openai back-end).")] = None,
    base_url: Annotated[
        list[str] | None,
        typer.Option(
            envvar="OPENAI_BASE_URL",
            help="OpenAI-compatible server URL; repeat it (or space-separate the variable's "
            "value) to spread --executor ray workers over several servers.",
        ),
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
        StructuredMethod,
        typer.Option(help="How the LLM annotator gets JSON (auto: the back-end's best)."),
    ] = StructuredMethod.AUTO,
    seed: Annotated[int, typer.Option(help="Seed for personas, walks and sampling.")] = 7,
    population: Annotated[
        str | None,
        typer.Option(help="Target population (default: the disease's own, da:defaultPopulation)."),
    ] = None,
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
    balance_labels: Annotated[
        bool,
        typer.Option(
            help="Choose visits and terms so the planned labels follow the symptom-label mix "
            "of --style-examples (every term still comes from the walked visit)."
        ),
    ] = False,
    max_terms: Annotated[int, typer.Option(help="Planned terms per note (1-50).")] = 4,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="sentences (one call each) or soap (a note per call)."),
    ] = Format.SENTENCES,
    max_attempts: Annotated[int, typer.Option(help="Regenerations per failed note.")] = 3,
    retries: Annotated[int, typer.Option(help="Attempts per LLM call (backoff).")] = 5,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Parallel LLM calls.")] = 1,
    rate_limit: Annotated[
        float | None, typer.Option(help="Requests per second at most (> 0).")
    ] = None,
    temperature: Annotated[float, typer.Option(help="Sampling temperature (0-2).")] = 0.5,
    max_tokens: Annotated[int, typer.Option(help="Max tokens per note.")] = 160,
    timeout: Annotated[float, typer.Option(help="Seconds per LLM call (> 0).")] = 60.0,
    annotator: Annotated[
        list[Annotator] | None,
        typer.Option(help="Annotators (repeatable); default rule for --llm local, both else."),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write sentences.csv.")] = False,
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Also write sentences.parquet.")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the LLM cache.")] = False,
    overwrite: Annotated[bool, typer.Option(help="Discard an earlier run in --out.")] = False,
    executor: ExecutorOption = Executor.single,
    ray_address: RayAddress = "auto",
    workers: Workers = None,
    retry_failed: Annotated[
        bool,
        typer.Option(
            help="On a rerun, also redo tasks whose sentences failed the grounding checks "
            "(tasks that met errors are always redone)."
        ),
    ] = False,
    price_input: Annotated[
        float | None, typer.Option(min=0.0, help="USD per 1M input tokens.")
    ] = None,
    price_output: Annotated[
        float | None, typer.Option(min=0.0, help="USD per 1M output tokens.")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write notes for personas' trajectories with an LLM and label every sentence."""
    # LangChain and the OpenAI SDK load here, not at every command's start-up
    from dualalign.generation.on_ray import RayPlan
    from dualalign.generation.pipeline import RunOptions, check_models, run_generation

    check_ray_options(executor, workers)
    urls = tuple(dict.fromkeys(base_url or ()))
    if len(urls) > 1 and (executor is not Executor.ray or llm is not Backend.OPENAI):
        raise ConfigError(
            "several --base-url values need --executor ray and --llm openai; add them or "
            "give one --base-url"
        )
    if executor is Executor.ray:
        from dualalign.cluster import check_address

        check_address(ray_address)  # not installed, or no head there: fail before any work
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder such as runs/demo/")
    if trajectories is not None and not trajectories.exists():
        raise ConfigError(
            f"--trajectories {trajectories}: no such file or folder; write one with "
            "`dualalign walk --out FILE.jsonl`"
        )
    if balance_labels and style_examples is None:
        from dualalign.generation.pipeline import BALANCE_NEEDS_GOLD

        raise ConfigError(BALANCE_NEEDS_GOLD)
    req = _request(
        patients=patients,
        population=population,
        seed=seed,
        notes_per_patient=_notes_per_patient(notes_per_patient),
        style_examples=str(style_examples) if style_examples else None,
        balance_labels=balance_labels,
        max_terms=max_terms,
        fmt=fmt,
        trajectories=str(trajectories) if trajectories else None,
        backend=llm,
        model=model,
        base_url=urls[0] if urls else None,
        model_path=model_path,
        q8=q8,
        temperature=temperature,
        max_tokens=max_tokens,
        timeout=timeout,
        rate_limit=rate_limit,
        structured_method=structured_method,
        mode=mode,
        max_attempts=max_attempts,
        retries=retries,
        annotators=tuple(dict.fromkeys(annotator)) if annotator else None,
    )
    check_models(req)
    with store.open() as source:
        graph = _graph(source, store, disease)
    prices = (price_input or 0.0, price_output or 0.0) if (price_input or price_output) else None
    with progress_bar("generating", None, quiet=quiet, unit="tasks") as bar:

        def show(p: Any) -> None:
            bar.total(p.total)
            bar.set(p.done, f"{p.sentences} sentences, {p.failures} failed, {p.tokens} tokens")

        manifest = run_generation(
            req,
            graph,
            out,
            RunOptions(
                concurrency=concurrency,
                cache=None if no_cache else data_home() / "cache" / "llm.sqlite",
                formats=_formats(csv, parquet),
                price_per_mtok=prices,
                retry_failed=retry_failed,
                overwrite=overwrite,
                progress=show,
                ray=RayPlan(ray_address, workers, urls) if executor is Executor.ray else None,
            ),
        )
    console.print(_summary(manifest, out), markup=False)
