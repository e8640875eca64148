"""Benchmark: the README's main job, cold, against the 60 s per 100 sentences target.

Runs ``dualalign generate --patients 20 --mode dualalign --llm local --seed 7`` as a new user
would (fresh ``$DUALALIGN_HOME``: graph load, model conversion and model load included, no LLM
cache), side by side with a baseline run of the same job with the previous defaults
(Q4_1 weights as shipped, and the local model's own LLM annotator on), or with the same job
from another checkout of dualalign (``--baseline-checkout``, e.g. a git worktree of the
previous release: its code and knowledge base). Prints wall seconds, sentences, seconds per
100 sentences and the ratio::

    python bench/main_job.py
    git worktree add /tmp/base HEAD~1 && python bench/main_job.py --baseline-checkout /tmp/base
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

JOB = ["generate", "--patients", "20", "--mode", "dualalign", "--llm", "local", "--seed", "7"]
BASELINE = ["--no-q8", "--annotator", "llm", "--annotator", "rule"]


def _run(extra: list[str], patients: int, checkout: Path | None = None) -> tuple[float, int]:
    exe = [str(Path(sys.executable).with_name("dualalign"))]
    env = dict(os.environ)
    if checkout is not None:  # the other checkout's package and bundled knowledge base
        exe = [sys.executable, "-m", "dualalign"]
        env["PYTHONPATH"] = str(checkout)
    with tempfile.TemporaryDirectory() as home:
        out = Path(home) / "run"
        args = [*exe, *JOB, "--out", str(out), *extra]
        args[args.index("--patients") + 1] = str(patients)
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env={**env, "DUALALIGN_HOME": home})
        seconds = time.perf_counter() - t0
        manifest = json.loads((out / "manifest.json").read_text())
    return seconds, int(manifest["counts"]["sentences"])


def main(
    patients: Annotated[int, typer.Option(help="Patients per run (the README uses 20).")] = 20,
    baseline_checkout: Annotated[
        Path | None, typer.Option(help="Run the baseline from this source checkout instead.")
    ] = None,
) -> None:
    baseline = (
        _run([], patients, baseline_checkout.resolve())
        if baseline_checkout
        else _run(BASELINE, patients)
    )
    rows = {"dualalign defaults": _run([], patients), "baseline": baseline}
    print(f"{'run':<20} {'wall s':>8} {'sentences':>10} {'s/100 sentences':>16}")
    for name, (seconds, sentences) in rows.items():
        print(f"{name:<20} {seconds:>8.1f} {sentences:>10} {100 * seconds / sentences:>16.1f}")
    ours, base = (100 * s / n for s, n in rows.values())
    print(
        f"speed-up over baseline: {base / ours:.2f}x; target <= 60 s per 100 sentences: "
        f"{'met' if ours <= 60 else 'missed'} ({ours:.1f} s)"
    )


if __name__ == "__main__":
    typer.run(main)
