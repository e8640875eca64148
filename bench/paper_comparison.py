"""The paper's comparison on the bundled demo gold set, as a user runs it: one
``dualalign experiment`` (four modes x three generation seeds, TF-IDF and frozen-MiniLM
classifiers, intervals and paired tests), then the time it took and the headline numbers::

    python bench/paper_comparison.py --work runs/paper

A rerun in the same folder resumes the finished runs (and the LLM cache answers repeated
calls), so the printed time is only the first run's when the folder is new.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer


def main(
    work: Annotated[Path, typer.Option(help="Experiment folder.")] = Path("runs/paper"),
    patients: Annotated[int, typer.Option(help="Patients per run.")] = 8,
    seeds: Annotated[str, typer.Option(help="Generation seeds.")] = "1,2,3",
    classifiers: Annotated[str, typer.Option(help="Classifiers.")] = "tfidf-lr,embed-lr",
) -> None:
    exe = Path(sys.executable).with_name("dualalign")
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(exe),
            "experiment",
            "--demo",
            "--out",
            str(work),
            "--patients",
            str(patients),
            "--gen-seeds",
            seeds,
            "--classifiers",
            classifiers,
        ],
        check=True,
    )
    wall = time.perf_counter() - t0
    data = json.loads((work / "report.json").read_text())
    s = data["seconds"]
    print(
        f"wall {wall / 60:.1f} min (generation {s['generation']:.0f} s, evaluation "
        f"{s['evaluation']:.0f} s); budget 15 min: {'within' if wall < 900 else 'OVER'}"
    )
    for clf, r in data["result"]["classifiers"].items():
        print(f"\n{clf}")
        for name in ["gold only", *data["runs"]]:
            c = r["conditions"][name]
            print(f"  {name:<18} {c['mean']:.3f} [{c['low']:.3f}, {c['high']:.3f}]")
        for c in r["comparisons"]:
            print(
                f"  {c['a']} - {c['b']}: {100 * c['diff']:+.1f} points "
                f"[{100 * c['low']:+.1f}, {100 * c['high']:+.1f}], p {c['p']:.3f}: {c['verdict']}"
            )


if __name__ == "__main__":
    typer.run(main)
