"""The typer application object, shared state and error reporting."""

from __future__ import annotations

import logging
import os
import sys
import traceback
import unicodedata
from typing import Annotated

import typer
from rich.console import Console
from typer import Abort

try:  # typer >= 0.22 carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on the real click
    from click.exceptions import (  # type: ignore[assignment,no-redef]
        ClickException,
        NoArgsIsHelpError,
        UsageError,
    )

__all__ = ["app", "console", "err_console", "printable", "run"]

app = typer.Typer(
    name="dualalign",
    help="Clinically grounded synthetic clinical text: personas + symptom trajectories + LLM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# emoji off: a value such as ``root:x:0:0`` must print as given, not with ``:x:`` as an emoji
console = Console(soft_wrap=True, emoji=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
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


def printable(text: str) -> str:
    """``text`` on one line with control characters (terminal escape codes from an input
    file, say) shown escaped instead of acted on."""
    one_line = " ".join(text.split())
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch)[0] == "C" else ch
        for ch in one_line
    )


def _fail(message: str, code: int = 1) -> None:
    if _state["debug"]:
        traceback.print_exc()
    err_console.print(f"error: {printable(message)}", markup=False)
    sys.exit(code)


def _usage(exc: UsageError) -> None:
    """A usage error in one line that names the fix (click would print a boxed block)."""
    if isinstance(exc, NoArgsIsHelpError):
        exc.show()  # a bare `dualalign` or `dualalign graph`: the help is the answer
        sys.exit(exc.exit_code)
    path = exc.ctx.command_path if exc.ctx else "dualalign"
    _fail(f"{exc.format_message()} (see '{path} --help')", exc.exit_code)


def run() -> None:
    """Run the CLI; a known error becomes one line on stderr and a non-zero exit status."""
    from dualalign.errors import DualAlignError

    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except UsageError as exc:
        _usage(exc)
    except ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except Abort:
        _fail("interrupted", 130)
    except DualAlignError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except OSError as exc:
        _fail(f"{exc.strerror or exc}: {exc.filename or ''} (check the path and permissions)")
    except Exception as exc:  # a bug: still one line unless --debug
        _fail(f"internal error {type(exc).__name__}: {exc} (rerun with --debug and report it)")
