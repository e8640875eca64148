"""Running commands next to a real Ray head on 127.0.0.1 (see test-support/ray_ns.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

__all__ = ["RAY_NS", "need_ray", "ns_run"]

RAY_NS = Path(__file__).parents[2] / "test-support" / "ray_ns.sh"


def _missing(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {why}")
    pytest.skip(why)


def need_ray() -> None:
    """Skip (fail under CI=true) without the ray extra or a way to make a network namespace."""
    try:
        import ray  # noqa: F401
    except ImportError:
        _missing("the ray extra is missing: pip install -e '.[ray]'")
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        _missing("unshare and ip (util-linux, iproute2) are needed to keep Ray on loopback")
    probe = subprocess.run(
        ["unshare", "--net", "--pid", "--fork", "--mount-proc", "true"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        _missing(f"cannot make network namespaces here: {probe.stderr.decode().strip()}")


def ns_run(
    cpus: int, script: str, cwd: Path, timeout: float = 900, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Run a bash ``script`` in ``cwd`` next to a fresh Ray head with ``cpus`` CPUs; the
    keyword arguments become environment variables of the script."""
    env = {**os.environ, **variables}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", str(RAY_NS), str(cpus), "bash", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
