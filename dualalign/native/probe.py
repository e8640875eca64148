"""Run llama.cpp in a child process and read what happened: its result, or how it died.

A native crash (SIGSEGV in an AMX kernel, SIGILL from a build made for another CPU) kills the
child only; the parent gets a :class:`ChildOutcome` that names the signal, keeps the log and
never sees the crash itself.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from dualalign.native.child import MARKER

__all__ = [
    "BASE_BUFFERS",
    "ChildOutcome",
    "ProbeResult",
    "child_command",
    "parse_system_info",
    "probe",
    "run_child",
]

#: Buffer types that hold weights as they are in the file; anything else is an extra type.
BASE_BUFFERS = frozenset({"CPU", "CPU_Mapped"})
_WEIGHT_BUFFER = re.compile(r"load_tensors:\s+(\S+) model buffer size")

#: How long a probe may take before it counts as hung (a first load from a cold disk included).
PROBE_TIMEOUT = 180.0


def child_command() -> list[str]:
    """The command line that starts the child (the same interpreter as this process)."""
    return [sys.executable, "-m", "dualalign.native.child"]


class ChildOutcome(BaseModel):
    """How a child run ended: its JSON result when it finished, else why not."""

    result: dict[str, Any] | None = None
    returncode: int | None = None
    failure: str | None = None  # "crashed with SIGSEGV", "timed out after 180 s", ...
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None and self.failure is None


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"crashed with {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def run_child(
    args: Sequence[str],
    *,
    timeout: float = PROBE_TIMEOUT,
    command: Sequence[str] | None = None,
    env: dict[str, str] | None = None,
) -> ChildOutcome:
    """Run one child operation (``info``, ``probe ...``, ``quantize ...``) and report it."""
    try:
        done = subprocess.run(
            [*(command or child_command()), *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=env if env is not None else os.environ.copy(),
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raw = exc.stderr or b""
        log = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        return ChildOutcome(failure=f"timed out after {timeout:.0f} s", log=log)
    except OSError as exc:
        return ChildOutcome(failure=f"could not start ({exc.strerror or exc})")
    result = None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER) :])
            break
    failure = None
    if done.returncode != 0:
        failure = _describe_exit(done.returncode)
        last = [x for x in done.stderr.splitlines() if x.strip()]
        if done.returncode > 0 and last:
            failure += f" ({last[-1].strip()[:200]})"
    elif result is None:
        failure = "printed no result"
    return ChildOutcome(
        result=result if failure is None else None,
        returncode=done.returncode,
        failure=failure,
        log=done.stderr,
    )


def parse_system_info(text: str) -> dict[str, str]:
    """llama.cpp's ``CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1 |`` as a mapping."""
    features: dict[str, str] = {}
    for part in text.split("|"):
        name, sep, value = part.rpartition("=")
        if sep:
            features[name.split(":")[-1].strip()] = value.strip()
    return features


class ProbeResult(BaseModel):
    """One load-and-decode of a model in a child, with or without extra buffer types."""

    extra_buffers: bool
    ok: bool
    failure: str | None = None
    buffers: list[str] = Field(default_factory=list)  # weight buffer types the log named
    tokens: list[int] = Field(default_factory=list)
    text: str = ""
    prompt_tokens: int = 0
    prompt_seconds: float = 0.0
    decode_tokens: int = 0
    decode_seconds: float = 0.0
    load_seconds: float = 0.0
    system_info: dict[str, str] = Field(default_factory=dict)
    log_path: str | None = None

    @property
    def used_extra_buffers(self) -> list[str]:
        """The extra buffer types the weights were placed in (``AMX``, ``CPU_REPACK``)."""
        return [b for b in self.buffers if b not in BASE_BUFFERS]

    @property
    def prompt_tps(self) -> float:
        return self.prompt_tokens / self.prompt_seconds if self.prompt_seconds else 0.0

    @property
    def decode_tps(self) -> float:
        return self.decode_tokens / self.decode_seconds if self.decode_seconds else 0.0


def probe(
    model: Path,
    *,
    extra_buffers: bool,
    threads: int,
    prompt_tokens: int = 128,
    decode_tokens: int = 16,
    log_path: Path | None = None,
    command: Sequence[str] | None = None,
) -> ProbeResult:
    """Load ``model`` in a child and decode greedily; a crash is a failed result, not ours.

    With ``log_path`` the child's log is kept there when the probe fails.
    """
    outcome = run_child(
        [
            "probe",
            "--model",
            str(model),
            "--extra-buffers",
            "1" if extra_buffers else "0",
            "--threads",
            str(threads),
            "--prompt-tokens",
            str(prompt_tokens),
            "--decode-tokens",
            str(decode_tokens),
        ],
        command=command,
    )
    buffers = list(dict.fromkeys(_WEIGHT_BUFFER.findall(outcome.log)))
    data = outcome.result or {}
    failure = outcome.failure
    if failure is None and not data.get("tokens"):
        failure = "decoded no token"
    kept = None
    if failure is not None and log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(outcome.log)
        kept = str(log_path)
    return ProbeResult(
        extra_buffers=extra_buffers,
        ok=failure is None,
        failure=failure,
        buffers=buffers,
        tokens=data.get("tokens", []),
        text=data.get("text", ""),
        prompt_tokens=data.get("prompt_tokens", 0),
        prompt_seconds=data.get("prompt_seconds", 0.0),
        decode_tokens=data.get("decode_tokens", 0),
        decode_seconds=data.get("decode_seconds", 0.0),
        load_seconds=data.get("load_seconds", 0.0),
        system_info=parse_system_info(data.get("system_info", "")),
        log_path=kept,
    )
