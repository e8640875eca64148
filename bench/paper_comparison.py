"""The paper's comparison on the bundled demo gold set: the four generation modes, three
generation seeds each, evaluated against gold-only with ``dualalign evaluate``.

Runs the README recipe as a user would (CLI subprocesses, a shared data folder so the graph and
model conversion happen once) and prints the evaluation's table of macro-F1 by condition::

    python bench/paper_comparison.py --work runs/paper
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

MODES = ("dualalign", "persona-only", "trajectory-only", "unconstrained")


def _cli(*args: str) -> None:
    exe = Path(sys.executable).with_name("dualalign")
    subprocess.run([str(exe), *args], check=True)


def main(
    work: Annotated[Path, typer.Option(help="Folder for the runs and the report.")] = Path(
        "runs/paper"
    ),
    patients: Annotated[int, typer.Option(help="Patients per run.")] = 20,
    seeds: Annotated[str, typer.Option(help="Generation seeds.")] = "1,2,3",
    classifier: Annotated[str, typer.Option(help="Classifier.")] = "tfidf-lr",
) -> None:
    t0 = time.perf_counter()
    runs = []
    for mode in MODES:
        for seed in seeds.split(","):
            out = work / f"{mode}-s{seed}"
            if (
                not (out / "manifest.json").is_file()
                or json.loads((out / "manifest.json").read_text()).get("status") != "complete"
            ):
                _cli(
                    "generate",
                    "--patients",
                    str(patients),
                    "--mode",
                    mode,
                    "--llm",
                    "local",
                    "--seed",
                    seed,
                    "--out",
                    str(out),
                )
            runs += ["--run", f"{mode}={out}"]
    generated = time.perf_counter() - t0
    report = work / "evaluation"
    _cli(
        "evaluate",
        "--demo",
        *runs,
        "--classifier",
        classifier,
        "--synthetic-weight",
        "0.3,1",
        "--curate",
        "--out",
        str(report),
    )
    data = json.loads((report / "report.json").read_text())
    print(f"generation {generated:.0f} s, evaluation {data['result']['seconds']} s")
    print(f"{'condition':<40} {'macro-F1':>9} {'sd':>6} {'n':>3}")
    for c in data["result"]["conditions"]:
        if c["gold_patients"] == "all":
            f1 = c["macro_f1"]
            print(f"{c['name']:<40} {f1['mean']:>9.3f} {f1['std']:>6.3f} {c['n']:>3}")


if __name__ == "__main__":
    typer.run(main)
