"""`dualalign personas sample` and `dualalign walk`: personas and trajectories from the graph.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dualalign.cli._app import console
from dualalign.cli._options import StoreOptions, check_output_file, with_store
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.errors import ConfigError
from dualalign.files import read_jsonl, write_jsonl
from dualalign.graph import GraphData, GraphStore
from dualalign.persona import PersonaDistributions, persona_graph_items, sample_personas
from dualalign.types import Persona, Trajectory
from dualalign.walk import TrajectorySnapshot, WalkSettings, simulate
from dualalign.walk.engine import MAX_DENSITY_MULTIPLIER
from dualalign.walk.summary import TrajectorySummary

__all__ = ["personas_app", "walk_command"]

personas_app = typer.Typer(
    help="Synthetic patients aligned to a target population.", no_args_is_help=True
)

#: The most personas or patients one command makes.
MAX_PATIENTS = 1_000_000
#: Seeds are non-negative 63-bit integers.
MAX_SEED = 2**63 - 1


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
Population = Annotated[str, typer.Option(help="Target population (see `ontology show`).")]
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
    population: Population = "us-ad",
    seed: Seed = 7,
    out: Annotated[Path | None, typer.Option(help="Write them as JSONL.")] = None,
    store_personas: StorePersonas = False,
) -> None:
    """Sample personas; write them to a file and/or store them as Persona nodes."""
    if out is not None:
        check_output_file(out, "--out", "personas.jsonl")
    with store.open() as source:
        graph = source.export()
        personas = sample_personas(PersonaDistributions.from_graph(graph), population, count, seed)
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


def _summarised(
    trajectories: Iterable[Trajectory], summary: TrajectorySummary
) -> Iterator[Trajectory]:
    for trajectory in trajectories:
        summary.add(trajectory)
        yield trajectory


@with_store
def walk_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Option(help="Trajectories JSONL file to write.")],
    patients: Annotated[
        int, typer.Option(min=1, max=MAX_PATIENTS, help="How many patients.")
    ] = 100,
    population: Population = "us-ad",
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
    quiet: Quiet = False,
) -> None:
    """Sample personas and walk their symptom trajectories; write one JSON object per patient."""
    check_output_file(out, "--out", "trajectories.jsonl")
    with store.open() as source:
        graph = source.export()
        snapshot = TrajectorySnapshot.from_graph(graph)
        settings = WalkSettings(
            snapshot,
            density_multiplier=density_multiplier,
            years_before=years_before,
            years_after=years_after,
        )
        people = (
            read_jsonl(personas, Persona)
            if personas is not None
            else sample_personas(PersonaDistributions.from_graph(graph), population, patients, seed)
        )
        if store_personas:
            _check_storable(graph, people)
        summary = TrajectorySummary()
        with progress_bar("walking", len(people), quiet=quiet, unit="patients") as bar:
            walks = simulate(snapshot, people, seed, settings, on_progress=bar.advance)
            write_jsonl(out, _summarised(walks, summary))
        if store_personas:
            _store(source, people)
    _print_summary(summary, out)
