"""Options shared by commands that open a graph store.

(No ``from __future__ import annotations`` here: typer reads these annotations at run time.)
"""

import functools
import inspect
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from dualalign.errors import ConfigError
from dualalign.graph import GraphStore, open_store

__all__ = ["StoreKind", "StoreOptions", "check_output_file", "with_store"]

F = TypeVar("F", bound=Callable[..., Any])


class StoreKind(StrEnum):
    """Which graph store to use."""

    memory = "memory"
    neo4j = "neo4j"


@dataclass
class StoreOptions:
    """Store selection and connection settings from the command line / environment."""

    kind: StoreKind | None
    graph_file: Path | None
    uri: str | None
    user: str | None
    password: str | None
    database: str | None

    @contextmanager
    def open(self) -> Iterator[GraphStore]:
        """Open the store, and close it afterwards."""
        store = open_store(
            self.kind.value if self.kind else None,
            graph_file=self.graph_file,
            uri=self.uri,
            username=self.user,
            password=self.password,
            database=self.database,
        )
        try:
            yield store
        finally:
            store.close()


def store_options(
    store: Annotated[
        StoreKind | None,
        typer.Option("--store", envvar="DUALALIGN_STORE", help="Graph store (default: memory)."),
    ] = None,
    graph_file: Annotated[
        Path | None,
        typer.Option(help="Embedded store file (default: $DUALALIGN_HOME/graph/graph.json)."),
    ] = None,
    neo4j_uri: Annotated[
        str | None,
        typer.Option(envvar="NEO4J_URI", help="Neo4j Bolt URI (default: bolt://127.0.0.1:7687)."),
    ] = None,
    neo4j_user: Annotated[
        str | None, typer.Option(envvar="NEO4J_USERNAME", help="Neo4j user (default: neo4j).")
    ] = None,
    neo4j_password: Annotated[
        str | None,
        typer.Option(envvar="NEO4J_PASSWORD", help="Neo4j password.", show_default=False),
    ] = None,
    neo4j_database: Annotated[
        str | None, typer.Option(envvar="NEO4J_DATABASE", help="Neo4j database (default: neo4j).")
    ] = None,
) -> StoreOptions:
    """Collect the store options into one object."""
    return StoreOptions(store, graph_file, neo4j_uri, neo4j_user, neo4j_password, neo4j_database)


_EXTRA = list(inspect.signature(store_options).parameters.values())


def with_store(func: F) -> F:
    """Give a command the store options; it receives them as ``store: StoreOptions``."""
    sig = inspect.signature(func)
    own = [p for p in sig.parameters.values() if p.name != "store"]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opts = store_options(**{p.name: kwargs.pop(p.name) for p in _EXTRA})
        return func(*args, store=opts, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=own + _EXTRA)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {
        **{p.name: p.annotation for p in own + _EXTRA},
        "return": sig.return_annotation,
    }
    return wrapper  # type: ignore[return-value]


def _nearest_folder(path: Path) -> Path:
    """The closest existing ancestor of ``path`` (what an atomic write creates its folders in)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_output_file(path: Path, name: str, example: str) -> None:
    """Refuse an output file that cannot be written, before any work is done.

    ``name`` is how the command line calls it (``--out``); ``example`` a file name to suggest.

    Raises:
        ConfigError: ``path`` is a folder or not a regular file, or its folder cannot be written.
    """
    if path.is_dir():
        raise ConfigError(f"{name} {path} is a folder; give a file name such as {path / example}")
    if path.exists() and not path.is_file():
        raise ConfigError(
            f"{name} {path} is not a regular file; give a file name such as {example}"
        )
    folder = _nearest_folder(path.absolute())
    if not folder.is_dir():
        raise ConfigError(
            f"{name} {path}: {folder} is a file, not a folder; choose a path inside a folder"
        )
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ConfigError(
            f"{name} {path}: cannot write in {folder} ({exc.strerror or exc}); "
            "choose a writable folder"
        ) from exc
