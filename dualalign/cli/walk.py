"""`dualalign personas sample` and `dualalign walk`: personas and trajectories from the graph.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dualalign.cli._app import console
from dualalign.cli._executor import Executor, ExecutorOption, RayAddress, Workers, check_ray_options
from dualalign.cli._options import StoreOptions, check_output_file, with_store
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.errors import ConfigError
from dualalign.files import read_jsonl, write_jsonl
from dualalign.graph import GraphData, GraphStore
from dualalign.persona import PersonaDistributions, persona_graph_items, sample_personas
from dualalign.types import Persona
from dualalign.walk import TrajectorySnapshot, WalkSettings
from dualalign.walk.engine import MAX_DENSITY_MULTIPLIER
from dualalign.walk.output import Block, WalkFormat, WalkJob, open_sink, walk_blocks
from dualalign.walk.summary import TrajectorySummary

__all__ = ["personas_app", "walk_command"]

personas_app = typer.Typer(
    help="Synthetic patients aligned to a target population.", no_args_is_help=True
)

#: The most personas or patients one command makes.
MAX_PATIENTS = 1_000_000
#: Seeds are non-negative 63-bit integers.
MAX_SEED = 2**63 - 1
#: The most Parquet parts one walk writes.
MAX_FILES = 10_000


def _density(value: float | None) -> float | None:
    """Option callback: ``None`` or a finite number in (0, MAX_DENSITY_MULTIPLIER]."""
    if value is not None and not (0 < value <= MAX_DENSITY_MULTIPLIER):  # NaN fails too
        raise typer.BadParameter(
            f"{value} is not a number above 0 and at most {MAX_DENSITY_MULTIPLIER:g}; "
            "give e.g. 1 or 2.5"
        )
    return value


Count = Annotated[
    int,
    typer.Option("-n", "--count", min=1, max=MAX_PATIENTS, help="How many personas."),
]
Population = Annotated[
    str | None,
    typer.Option(
        help="Target population (see `ontology show`; default: the disease's own, "
        "da:defaultPopulation)."
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        min=0, max=MAX_SEED, help="Random seed (>= 0); the same seed gives the same output."
    ),
]
StorePersonas = Annotated[
    bool,
    typer.Option(
        "--store-personas",
        help="Also add the personas to the graph store as Persona nodes, once the output is "
        "written (default: the store is left as it is).",
    ),
]


def _check_storable(graph: GraphData, people: list[Persona]) -> None:
    """Refuse, before any work, personas whose population or risk factors the graph lacks."""
    present = {(n.label, n.id) for n in graph.nodes}
    for rel in persona_graph_items(people)[1]:
        if (rel.dst_label, rel.dst) not in present:
            raise ConfigError(
                f"persona '{rel.src}' refers to {rel.dst_label} '{rel.dst}', which the stored "
                "graph lacks; drop --store-personas or use personas sampled from this graph"
            )


def _store(store: GraphStore, people: list[Persona]) -> None:
    store.add(*persona_graph_items(people))


@personas_app.command("sample")
@with_store
def sample_command(
    store: StoreOptions,
    count: Count = 100,
    population: Population = None,
    seed: Seed = 7,
    out: Annotated[Path | None, typer.Option(help="Write them as JSONL.")] = None,
    store_personas: StorePersonas = False,
) -> None:
    """Sample personas; write them to a file and/or store them as Persona nodes."""
    if out is not None:
        check_output_file(out, "--out", "personas.jsonl")
    with store.open() as source:
        graph = source.export()
        dists = PersonaDistributions.from_graph(graph)
        population = dists.resolve(population)
        personas = sample_personas(dists, population, count, seed)
        if out is not None:
            write_jsonl(out, personas)
        if store_personas:
            _store(source, personas)
    female = sum(p.sex == "female" for p in personas) / len(personas)
    with_rf = sum(bool(p.risk_factors) for p in personas) / len(personas)
    where = store.kind.value if store.kind else "the default store"
    console.print(
        f"sampled {len(personas)} personas for '{population}' (seed {seed}): "
        f"{female:.1%} female, {with_rf:.1%} with risk factors"
        + (f"; stored in {where}" if store_personas else "")
        + (f"; wrote {out}" if out else ""),
        markup=False,
    )


def _print_summary(s: TrajectorySummary, out: Path) -> None:
    mean, median = s.visits_per_patient
    console.print(
        f"wrote {s.patients} trajectories to {out}: {mean:.1f} visits per patient "
        f"(median {median:.0f}), {s.mentions / max(1, sum(s.visits)):.1f} mentions "
        f"per visit, {s.deaths} died during follow-up",
        markup=False,
    )
    total = max(1, sum(s.stages.values()))
    stages = Table("stage", "share of visits", title="Stage mix")
    for stage, n in s.stages.most_common():
        stages.add_row(stage, f"{n / total:.1%}")
    console.print(stages)
    mentions = max(1, s.mentions)
    top = Table("symptom", "mentions", "share", title="Top symptoms")
    for sym, n in s.symptoms.most_common(10):
        top.add_row(sym, str(n), f"{n / mentions:.1%}")
    console.print(top)
    console.print(
        "Domains: " + ", ".join(f"{d} {n / mentions:.0%}" for d, n in s.domains.most_common()),
        markup=False,
    )


def _check_out(out: Path, files: int, overwrite: bool) -> None:
    if files == 1:
        check_output_file(out, "--out", "trajectories.jsonl")
        return
    if out.exists() and not out.is_dir():
        raise ConfigError(
            f"--out {out} is a file, but --files {files} writes a folder; give a folder name"
        )
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ConfigError(
            f"--out {out} is a folder that is not empty; add --overwrite to replace it"
        )
    check_output_file(out / "manifest.json", "--out", "trajectories")


def _blocks(
    executor: Executor,
    ray_address: str,
    workers: int | None,
    job: WalkJob,
    people: list[Persona],
    advance: Callable[[int], None],
) -> Iterator[Block]:
    if executor is Executor.single:
        return walk_blocks(job, people, advance)
    from dualalign.cluster import connect
    from dualalign.walk.on_ray import walk_on_ray

    ray = connect(ray_address, workers or os.cpu_count() or 1)
    slots = workers or int(ray.cluster_resources().get("CPU", 1))
    return walk_on_ray(ray, job, people, slots, advance)


@with_store
def walk_command(
    store: StoreOptions,
    out: Annotated[
        Path,
        typer.Option(help="Trajectories JSONL file to write (with --files above 1: a folder)."),
    ],
    patients: Annotated[
        int, typer.Option(min=1, max=MAX_PATIENTS, help="How many patients.")
    ] = 100,
    population: Population = None,
    seed: Seed = 7,
    personas: Annotated[
        Path | None,
        typer.Option(
            help="Walk these personas (JSONL from `personas sample --out`) instead of sampling."
        ),
    ] = None,
    density_multiplier: Annotated[
        float | None,
        typer.Option(
            callback=_density,
            help="Multiplier on mentions per note, above 0 and at most 100 "
            "(default: the knowledge base's, 5).",
        ),
    ] = None,
    years_before: Annotated[
        int | None, typer.Option(help="Years before diagnosis (0 up to what the graph covers).")
    ] = None,
    years_after: Annotated[
        int | None, typer.Option(help="Years after diagnosis (0 up to what the graph covers).")
    ] = None,
    store_personas: StorePersonas = False,
    files: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_FILES,
            help="1: one JSONL file; more: --out is a folder of that many Parquet parts "
            "plus manifest.json.",
        ),
    ] = 1,
    overwrite: Annotated[
        bool, typer.Option(help="With --files above 1: replace a folder that is not empty.")
    ] = False,
    executor: ExecutorOption = Executor.single,
    ray_address: RayAddress = "auto",
    workers: Workers = None,
    quiet: Quiet = False,
) -> None:
    """Sample personas and walk their symptom trajectories; write one JSON object per patient
    (or, with --files, Parquet parts)."""
    check_ray_options(executor, workers)
    _check_out(out, files, overwrite)
    if executor is Executor.ray:
        from dualalign.cluster import check_address

        check_address(ray_address)  # not installed, or no head there: fail before any work
    with store.open() as source:
        graph = source.export()
        snapshot = TrajectorySnapshot.from_graph(graph)
        settings = WalkSettings(
            snapshot,
            density_multiplier=density_multiplier,
            years_before=years_before,
            years_after=years_after,
        )
        if personas is None:
            dists = PersonaDistributions.from_graph(graph)
            population = dists.resolve(population)
            people = sample_personas(dists, population, patients, seed)
        else:
            people = read_jsonl(personas, Persona)
        if store_personas:
            _check_storable(graph, people)
        fmt = WalkFormat.jsonl if files == 1 else WalkFormat.parquet
        job = WalkJob(snapshot, seed, settings, fmt)
        facts = {
            "seed": seed,
            "population": population if personas is None else None,
            "personas": str(personas) if personas is not None else None,
            "graph_checksum": snapshot.checksum,
            "disease": snapshot.disease,
            "density_multiplier": settings.density_multiplier,
            "years_before": settings.years_before,
            "years_after": settings.years_after,
        }
        summary = TrajectorySummary()
        with (
            progress_bar("walking", len(people), quiet=quiet, unit="patients") as bar,
            open_sink(out, fmt, files, len(people), facts) as sink,
        ):
            for payload, part in _blocks(executor, ray_address, workers, job, people, bar.advance):
                sink.write(payload)
                summary.merge(part)
        if store_personas:
            _store(source, people)
    _print_summary(summary, out)
