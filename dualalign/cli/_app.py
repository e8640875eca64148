"""The typer application object, shared state and error reporting."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["app", "console", "err_console", "run"]

app = typer.Typer(
    name="dualalign",
    help="Clinically grounded synthetic clinical text: personas + symptom trajectories + LLM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": bool(os.environ.get("DUALALIGN_DEBUG"))}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress at INFO.")] = False,
) -> None:
    _state["debug"] = _state["debug"] or debug
    level = logging.DEBUG if _state["debug"] else logging.INFO if verbose else logging.WARNING
    # Other libraries speak only on errors unless --debug; ours follows -v.
    logging.basicConfig(
        level=logging.DEBUG if _state["debug"] else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("dualalign").setLevel(level)


def _fail(message: str, code: int = 1) -> None:
    if _state["debug"]:
        traceback.print_exc()
    one_line = " ".join(message.split())
    err_console.print(f"error: {one_line}", markup=False)
    sys.exit(code)


def run() -> None:
    """Run the CLI; a known error becomes one line on stderr and exit code 1."""
    from dualalign.errors import DualAlignError

    try:
        app()
    except DualAlignError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except OSError as exc:
        _fail(f"{exc.strerror or exc}: {exc.filename or ''} (check the path and permissions)")
    except Exception as exc:  # a bug: still one line unless --debug
        _fail(f"internal error {type(exc).__name__}: {exc} (rerun with --debug and report it)")
