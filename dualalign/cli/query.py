"""`dualalign query NAME --param key=value`: run a named exploration query from ``cypher/``.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from dualalign.cli._app import console
from dualalign.cli._options import StoreOptions, with_store
from dualalign.errors import ConfigError
from dualalign.graph import coerce_params, load_named_queries

__all__ = ["query_command"]


class OutputFormat(StrEnum):
    """How to print rows."""

    table = "table"
    csv = "csv"
    json = "json"


def _parse_params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param {pair!r} is not key=value; write e.g. --param stage=mci")
        out[key.strip()] = value
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return " > ".join(map(str, value))
    return "" if value is None else str(value)


def _print(rows: list[dict[str, Any]], fmt: OutputFormat, title: str) -> None:
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    columns = list(rows[0]) if rows else []
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [json.dumps(row[c]) if isinstance(row[c], list) else row[c] for c in columns]
            )
        return
    table = Table(title=title)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in columns))
    console.print(table if rows else f"{title}: no rows")


@with_store
def query_command(
    store: StoreOptions,
    name: Annotated[str | None, typer.Argument(help="Query name; omit to list them.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as key=value (repeatable)."),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Run a named exploration query (the same text as cypher/NAME.cypher) on either store."""
    queries = load_named_queries()
    if name is None:
        table = Table("name", "parameters", "purpose", title="Named queries (cypher/)")
        for q in queries.values():
            table.add_row(q.name, ", ".join(q.describe(k) for k in q.defaults), q.purpose)
        console.print(table)
        console.print("* required; (lo..hi) the accepted range")
        return
    if name not in queries:
        raise ConfigError(f"unknown query '{name}'; available: {', '.join(queries)}")
    query = queries[name]
    values = coerce_params(query, _parse_params(param or []))
    with store.open() as source:
        rows = source.query(query, values)
    _print(rows, fmt, f"{name} ({source.kind})")
