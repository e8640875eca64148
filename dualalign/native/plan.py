"""Which llama.cpp CPU path this machine runs, proven in a child process before it is used.

``DUALALIGN_LLAMA_CPU`` chooses:

- ``auto`` (default): llama.cpp's defaults, extra buffer types on (AMX, repacked weights),
  if a child loads the model with them, decodes, and agrees with the safe path; otherwise the
  safe path, with one line saying why;
- ``safe``: extra buffer types off (weights as they are in the file), on every CPU;
- ``fast``: llama.cpp's defaults, an error instead of a fallback when the probe fails.

Probe results are cached per llama.cpp build, CPU, model file and path under
``$DUALALIGN_HOME/native/``, so the probe runs once per machine and model.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ValidationError

from dualalign.errors import ConfigError
from dualalign.files import atomic_write_bytes
from dualalign.native.cpu import CpuInfo, cpu_info
from dualalign.native.probe import ProbeResult, probe
from dualalign.settings import data_home

__all__ = [
    "ENV",
    "CpuPath",
    "NativePlan",
    "build_identity",
    "cpu_path_setting",
    "decide",
    "native_plan",
]

logger = logging.getLogger(__name__)

ENV = "DUALALIGN_LLAMA_CPU"
#: Bump when the probe changes, so cached results from an older probe are not trusted.
PROBE_VERSION = 1
#: Greedy tokens the fast path must share with the safe path (a kernel that runs but computes
#: wrong values is caught here, not in the notes).
AGREE_TOKENS = 4


class CpuPath(StrEnum):
    """The values of ``DUALALIGN_LLAMA_CPU``."""

    AUTO = "auto"
    SAFE = "safe"
    FAST = "fast"


def cpu_path_setting() -> CpuPath:
    """``$DUALALIGN_LLAMA_CPU`` (default ``auto``).

    Raises:
        ConfigError: the value is not one of auto, safe, fast.
    """
    raw = os.environ.get("DUALALIGN_LLAMA_CPU", "").strip().lower() or CpuPath.AUTO.value
    try:
        return CpuPath(raw)
    except ValueError:
        raise ConfigError(
            f"{ENV}={raw!r} is not a CPU path; use auto (default), safe or fast"
        ) from None


class NativePlan(BaseModel):
    """The path chosen for one model on this machine, and the probes that chose it."""

    extra_buffers: bool
    setting: CpuPath
    reason: str
    notice: str | None = None  # the one line printed when auto fell back
    fast: ProbeResult | None = None
    safe: ProbeResult | None = None

    def describe(self) -> str:
        """One line for ``dualalign version`` and run manifests."""
        proof = self.fast if self.extra_buffers else self.safe
        used = ", ".join(proof.used_extra_buffers) if proof else ""
        state = f"on ({used or 'none apply to this model'})" if self.extra_buffers else "off"
        return f"{ENV}={self.setting.value}: extra buffer types {state}; {self.reason}"


Runner = Callable[[bool], ProbeResult]


def _fix_build(version: str) -> str:
    return (
        "rebuild llama.cpp for this machine with `CMAKE_ARGS=-DGGML_NATIVE=OFF pip install "
        f"--force-reinstall --no-cache-dir --no-deps llama-cpp-python=={version}`, "
        "or use --llm openai"
    )


def _log_hint(result: ProbeResult) -> str:
    return f" (log: {result.log_path})" if result.log_path else ""


def _refuses_model(result: ProbeResult, model: str) -> None:
    """A child that exited with an error (no signal) could not read the model: not the CPU."""
    if result.failure and result.failure.startswith("exited with status"):
        raise ConfigError(
            f"llama.cpp could not load {model}: it {result.failure}; give a complete GGUF "
            f"model file (or pass --no-q8 if it is a converted copy){_log_hint(result)}"
        )


def decide(
    setting: CpuPath, run: Runner, *, model: str, cpu: CpuInfo, llama_version: str
) -> NativePlan:
    """Probe what ``setting`` needs with ``run(extra_buffers)`` and choose the path.

    Raises:
        ConfigError: the path that must work did not (``safe``, ``fast``, or both for auto),
            or llama.cpp cannot read the model at all.
    """
    where = f"{model} on this CPU ({cpu.model})"
    if setting == CpuPath.SAFE:
        safe = run(False)
        if not safe.ok:
            _refuses_model(safe, model)
            raise ConfigError(
                f"llama.cpp {safe.failure} loading {where} with extra buffer types off; "
                f"{_fix_build(llama_version)}{_log_hint(safe)}"
            )
        return NativePlan(
            extra_buffers=False, setting=setting, reason="safe path as set", safe=safe
        )
    fast = run(True)
    if setting == CpuPath.FAST:
        if not fast.ok:
            _refuses_model(fast, model)
            raise ConfigError(
                f"{ENV}=fast, but llama.cpp's CPU fast path {fast.failure} loading {where}; "
                f"unset {ENV} (auto falls back to the safe path) or set it to safe"
                f"{_log_hint(fast)}"
            )
        return NativePlan(
            extra_buffers=True, setting=setting, reason="fast path as set, probed", fast=fast
        )
    if fast.ok and not fast.used_extra_buffers:
        # no extra buffer type applies to this model here: both paths run the same kernels
        return NativePlan(
            extra_buffers=True,
            setting=setting,
            reason="probed; no extra buffer type applies, so both paths are the same",
            fast=fast,
        )
    safe = run(False)
    if not safe.ok:
        if fast.ok:
            return NativePlan(
                extra_buffers=True,
                setting=setting,
                reason=f"probed; the safe path {safe.failure}",
                fast=fast,
                safe=safe,
            )
        _refuses_model(safe, model)
        raise ConfigError(
            f"llama.cpp {fast.failure} loading {where}, and {safe.failure} with extra buffer "
            f"types off; {_fix_build(llama_version)}{_log_hint(safe)}"
        )
    if fast.ok and fast.tokens[:AGREE_TOKENS] == safe.tokens[:AGREE_TOKENS]:
        return NativePlan(
            extra_buffers=True,
            setting=setting,
            reason="probed: decodes and agrees with the safe path",
            fast=fast,
            safe=safe,
        )
    kinds = ", ".join(fast.used_extra_buffers) or "extra buffer types"
    what = (
        fast.failure
        if not fast.ok
        else f"decoded other tokens than the safe path ({fast.tokens[:AGREE_TOKENS]} vs "
        f"{safe.tokens[:AGREE_TOKENS]})"
    )
    notice = (
        f"llama.cpp's CPU fast path ({kinds}) {what} in a probe of {where}; using the safe "
        f"path (extra buffer types off); set {ENV}=safe to skip the probe{_log_hint(fast)}"
    )
    return NativePlan(
        extra_buffers=False,
        setting=setting,
        reason=f"probed: the fast path {'failed' if not fast.ok else 'disagreed'}",
        notice=notice,
        fast=fast,
        safe=safe,
    )


def llama_version() -> str:
    """The installed llama-cpp-python version.

    Raises:
        ConfigError: llama-cpp-python is not installed.
    """
    try:
        return importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(
            "llama-cpp-python is not installed (the local model needs it); "
            "reinstall dualalign with `pip install -e .`"
        ) from None


def build_identity() -> dict[str, object]:
    """What identifies the llama.cpp build without loading it: its shared libraries' names,
    sizes and times (a rebuild or reinstall changes them)."""
    spec = importlib.util.find_spec("llama_cpp")
    folders = list(spec.submodule_search_locations or []) if spec else []
    libs: list[tuple[str, int, int]] = []
    for folder in folders:
        lib = Path(folder) / "lib"
        if lib.is_dir():
            for path in sorted(lib.iterdir()):
                if path.is_file() and not path.is_symlink():
                    stat = path.stat()
                    libs.append((path.name, stat.st_size, stat.st_mtime_ns))
    return {"llama_cpp_python": llama_version(), "libraries": libs}


def _probe_key(model: Path) -> str:
    stat = model.stat()
    cpu = cpu_info()
    identity = {
        "probe": PROBE_VERSION,
        "build": build_identity(),
        "cpu": [cpu.vendor, cpu.model, list(cpu.flags)],
        "model": [str(model.resolve()), stat.st_size, stat.st_mtime_ns],
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]


#: Failures that say nothing about the CPU (probed again next time instead of cached).
_TRANSIENT = ("timed out", "could not start")

_memo: dict[tuple[str, CpuPath], NativePlan] = {}
_memo_lock = threading.Lock()


def _cached_runner(model: Path, key: str, threads: int) -> Runner:
    folder = data_home() / "native"

    def run(extra: bool) -> ProbeResult:
        name = f"probe-{key}-{'fast' if extra else 'safe'}"
        cached = folder / f"{name}.json"
        if cached.is_file():
            try:
                return ProbeResult.model_validate_json(cached.read_text())
            except (ValidationError, OSError):
                pass  # an unreadable cache entry is probed again
        result = probe(model, extra_buffers=extra, threads=threads, log_path=folder / f"{name}.log")
        if result.ok or not (result.failure or "").startswith(_TRANSIENT):
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(cached, result.model_dump_json(indent=1).encode())
        return result

    return run


def native_plan(
    model: Path, *, threads: int | None = None, setting: CpuPath | None = None
) -> NativePlan:
    """The CPU path for ``model`` on this machine (probed once, then cached); logs the
    fallback line once per process.

    Raises:
        ConfigError: a bad ``DUALALIGN_LLAMA_CPU``, no llama-cpp-python, or no path that works.
    """
    chosen = setting or cpu_path_setting()
    version = llama_version()
    key = _probe_key(model)
    with _memo_lock:
        plan = _memo.get((key, chosen))
        if plan is None:
            run = _cached_runner(model, key, threads or os.cpu_count() or 1)
            plan = decide(chosen, run, model=model.name, cpu=cpu_info(), llama_version=version)
            _memo[(key, chosen)] = plan
            if plan.notice:
                logger.warning(plan.notice)
    return plan
