"""Requantize a GGUF file with llama.cpp's quantizer, in a child process."""

from __future__ import annotations

import os
from pathlib import Path

from dualalign.errors import ConfigError
from dualalign.native.probe import run_child

__all__ = ["requantize"]

#: Converting a 100 MB model takes a second or two; a big one can take minutes.
QUANTIZE_TIMEOUT = 1800.0


def requantize(source: Path, target: Path, ftype: str = "q8_0") -> None:
    """Write ``source``'s weights as ``ftype`` to ``target`` (a path the caller renames).

    Raises:
        ConfigError: llama.cpp could not convert the file, or crashed doing so.
    """
    outcome = run_child(
        [
            "quantize",
            "--source",
            str(source),
            "--target",
            str(target),
            "--ftype",
            ftype,
            "--threads",
            str(os.cpu_count() or 1),
        ],
        timeout=QUANTIZE_TIMEOUT,
    )
    status = (outcome.result or {}).get("status")
    if not outcome.ok or status != 0 or not target.is_file():
        why = outcome.failure or f"llama.cpp status {status}"
        raise ConfigError(
            f"could not convert {source.name} to {ftype.upper()} ({why}); "
            "pass --no-q8 to use the file as it is"
        )
