"""`dualalign personas sample` and `dualalign walk`: personas and trajectories from the graph.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import track
from rich.table import Table

from dualalign.cli._app import console
from dualalign.cli._options import StoreOptions, with_store
from dualalign.errors import ConfigError
from dualalign.files import read_jsonl, write_jsonl
from dualalign.graph import GraphData, GraphStore
from dualalign.persona import PersonaDistributions, persona_graph_items, sample_personas
from dualalign.types import Persona
from dualalign.walk import TrajectorySnapshot, WalkSettings, simulate
from dualalign.walk.summary import TrajectorySummary

__all__ = ["personas_app", "walk_command"]

personas_app = typer.Typer(
    help="Synthetic patients aligned to a target population.", no_args_is_help=True
)

Count = Annotated[int, typer.Option("-n", "--count", min=1, help="How many personas.")]
Population = Annotated[str, typer.Option(help="Target population (see `ontology show`).")]
Seed = Annotated[int, typer.Option(help="Random seed; the same seed gives the same output.")]


def _check_out(path: Path) -> None:
    if path.is_dir():
        raise ConfigError(f"--out {path} is a folder; give a file name such as {path}/out.jsonl")


def _personas(
    store: GraphStore, graph: GraphData, population: str, n: int, seed: int
) -> list[Persona]:
    personas = sample_personas(PersonaDistributions.from_graph(graph), population, n, seed)
    store.add(*persona_graph_items(personas))
    return personas


@personas_app.command("sample")
@with_store
def sample_command(
    store: StoreOptions,
    count: Count = 100,
    population: Population = "us-ad",
    seed: Seed = 7,
    out: Annotated[Path | None, typer.Option(help="Also write them as JSONL.")] = None,
) -> None:
    """Sample personas, store them as Persona nodes, and optionally write them to a file."""
    if out is not None:
        _check_out(out)
    with store.open() as source:
        personas = _personas(source, source.export(), population, count, seed)
    if out is not None:
        write_jsonl(out, personas)
    female = sum(p.sex == "female" for p in personas) / len(personas)
    with_rf = sum(bool(p.risk_factors) for p in personas) / len(personas)
    console.print(
        f"sampled {len(personas)} personas for '{population}' (seed {seed}): "
        f"{female:.1%} female, {with_rf:.1%} with risk factors; stored in "
        f"{store.kind.value if store.kind else 'the default store'}"
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


@with_store
def walk_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Option(help="Trajectories JSONL file to write.")],
    patients: Annotated[int, typer.Option(min=1, help="How many patients.")] = 100,
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
            min=0, help="Multiplier on mentions per note (default: the knowledge base's, 5)."
        ),
    ] = None,
    years_before: Annotated[int | None, typer.Option(help="Years before diagnosis.")] = None,
    years_after: Annotated[int | None, typer.Option(help="Years after diagnosis.")] = None,
) -> None:
    """Sample personas and walk their symptom trajectories; write one JSON object per patient."""
    _check_out(out)
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
            else _personas(source, graph, population, patients, seed)
        )
    summary = TrajectorySummary()

    def records():
        for record in track(
            simulate(snapshot, people, seed, settings),
            total=len(people),
            description="walking",
            console=console,
            disable=not console.is_terminal,
        ):
            summary.add(record)
            yield record

    write_jsonl(out, records())
    _print_summary(summary, out)
