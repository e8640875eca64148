"""What a bug report needs to say about llama.cpp here: its build, the CPU, the path in use."""

from __future__ import annotations

from dualalign.native.plan import NativePlan
from dualalign.native.probe import parse_system_info, run_child

__all__ = ["build_info", "describe_build", "describe_in_use"]


def build_info() -> dict[str, str]:
    """llama.cpp's versions and compiled-in CPU features, read in a child process.

    An ``error`` key says why they could not be read (the child crashed, say).
    """
    outcome = run_child(["info"], timeout=120)
    if not outcome.ok or outcome.result is None:
        return {"error": f"llama.cpp's build could not be read: it {outcome.failure}"}
    return {key: str(value) for key, value in outcome.result.items()}


def describe_build(info: dict[str, str]) -> str:
    """``ggml 0.25.3 (0c1e570); built for AVX AVX2 ...; AMX built in: no; repack: yes``."""
    if "error" in info:
        return info["error"]
    features = parse_system_info(info.get("system_info", ""))
    on = [name for name, value in features.items() if value == "1"]
    amx = any(name.startswith("AMX") and value == "1" for name, value in features.items())
    repack = features.get("REPACK") == "1"
    version = info.get("ggml_version", "?")
    commit = info.get("ggml_commit")
    return (
        f"ggml {version}{f' ({commit})' if commit else ''}; built for {' '.join(on) or '?'}; "
        f"AMX built in: {'yes' if amx else 'no'}; repack built in: {'yes' if repack else 'no'}"
    )


def describe_in_use(plan: NativePlan) -> str:
    """``extra buffer types on; in use: AMX off, repack on; DUALALIGN_LLAMA_CPU=auto ...``."""
    proof = plan.fast if plan.extra_buffers else plan.safe
    used = set(proof.used_extra_buffers) if proof and plan.extra_buffers else set()
    amx = any(name.startswith("AMX") for name in used)
    repack = any("REPACK" in name for name in used)
    others = sorted(n for n in used if not n.startswith("AMX") and "REPACK" not in n)
    speed = (
        f"; probe: prompt {proof.prompt_tps:.0f} tok/s, decode {proof.decode_tps:.0f} tok/s"
        if proof and proof.ok
        else ""
    )
    return (
        f"in use: AMX {'on' if amx else 'off'}, repack {'on' if repack else 'off'}"
        f"{', ' + ', '.join(others) if others else ''}; {plan.describe()}{speed}"
    )
