"""`dualalign graph ...`: build, inspect, export and import the graph.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dualalign.cli._app import console
from dualalign.cli._options import StoreOptions, check_output_file, with_store
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.graph.data import GraphData
from dualalign.graph.portable import read_graph_file, write_graph_file
from dualalign.graph.store import LoadReport
from dualalign.ontology import load_disease, resolve_disease
from dualalign.ontology.to_graph import disease_graph

__all__ = ["graph_app"]

graph_app = typer.Typer(
    help="The disease graph: load, stats, export, import.", no_args_is_help=True
)


def _load(store: StoreOptions, graph: GraphData, replace: bool, quiet: bool) -> None:
    """Load ``graph`` into the chosen store with a progress bar, and report what it did."""
    total = len(graph.nodes) + len(graph.rels)
    with store.open() as target:
        with progress_bar("loading", total, quiet=quiet, unit="items") as bar:
            report = target.load(graph, replace=replace, on_progress=bar.advance)
        _report(report, repr(target))


def _report(report: LoadReport, where: str) -> None:
    console.print(
        f"loaded '{report.disease}' into {where}: {report.nodes} nodes, "
        f"{report.rels} relationships, {report.removed} stale removed, "
        f"checksum {report.checksum[:16]}, {report.seconds:.2f} s",
        markup=False,
    )


@graph_app.command("load")
@with_store
def load_command(
    store: StoreOptions,
    disease: Annotated[str, typer.Option(help="A registered disease or a folder.")] = "alzheimers",
    replace: Annotated[bool, typer.Option(help="Replace a graph of another disease.")] = False,
    quiet: Quiet = False,
) -> None:
    """Build the graph from a disease knowledge base (idempotent: loading twice changes nothing)."""
    _load(store, disease_graph(load_disease(resolve_disease(disease))), replace, quiet)


@graph_app.command("stats")
@with_store
def stats_command(store: StoreOptions) -> None:
    """Show what the store holds: counts per label and relationship type, and the checksum."""
    with store.open() as source:
        stats = source.stats()
        extra = ""
        if getattr(source, "has_gds", False):
            extra = " (Graph Data Science plugin present)"
        console.print(
            f"{source!r}: disease '{stats.disease}', checksum {stats.checksum}{extra}", markup=False
        )
    table = Table("label / relationship", "count", title="Graph contents")
    for key, value in stats.counts.items():
        table.add_row(key, str(value))
    console.print(table)


@graph_app.command("export")
@with_store
def export_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Argument(help="Output file (.json, or .json.gz to compress).")],
) -> None:
    """Write the stored graph to a portable JSON file (atomic: never half-written)."""
    check_output_file(out, "output file", "graph.json.gz")
    with store.open() as source:
        data = source.export()
    write_graph_file(data, out)
    console.print(
        f"wrote {len(data.nodes)} nodes, {len(data.rels)} relationships to {out} "
        f"(checksum {data.checksum[:16]})",
        markup=False,
    )


@graph_app.command("import")
@with_store
def import_command(
    store: StoreOptions,
    file: Annotated[Path, typer.Argument(help="A file written by `dualalign graph export`.")],
    replace: Annotated[bool, typer.Option(help="Replace a graph of another disease.")] = False,
    quiet: Quiet = False,
) -> None:
    """Load a graph exported from any store (e.g. memory -> neo4j); a file that breaks the
    graph model is refused before anything is replaced."""
    _load(store, read_graph_file(file), replace, quiet)
