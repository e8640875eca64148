"""Benchmark: `walk` and `generate` on Ray with 2 workers against one process, same 2 cores.

Runs inside a loopback-only network namespace next to a real Ray head (it re-runs itself
through ``test-support/ray_ns.sh``; the machine needs ``unshare`` and ``ip``), and times the
real CLI commands side by side in one run:

* Ray's start-up: joining the head and one round-trip task;
* ``walk`` of ``--patients`` patients, single process vs ``--executor ray --workers 2``;
* ``generate`` of ``--generate-patients`` patients with the local model, likewise;
* the writer's ceiling: how many finished tasks per second the one driver can journal.

Each pair's outputs are compared (they must be equal), and the ratios printed::

    python bench/ray_scale.py --patients 20000 --generate-patients 24
    python bench/ray_scale.py --patients 1000000 --files 8 --generate-patients 24
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

ROOT = Path(__file__).resolve().parents[1]
RAY_NS = ROOT / "test-support" / "ray_ns.sh"
WALK = ["--density-multiplier", "1", "--years-before", "3", "--seed", "3", "-q"]


def _cli(*args: str) -> float:
    exe = Path(sys.executable).with_name("dualalign")
    started = time.perf_counter()
    subprocess.run([str(exe), *args], check=True, capture_output=True)
    return time.perf_counter() - started


def _startup(address: str) -> float:
    started = time.perf_counter()
    code = (
        f"import ray; ray.init(address={address!r}, log_to_driver=False); "
        "ray.get(ray.remote(lambda: 1).remote())"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def _walk_digest(out: Path) -> object:
    """A walk's content: the JSONL bytes' hash, or each Parquet part's hash and row count."""
    if out.is_dir():
        manifest = json.loads((out / "manifest.json").read_text())
        return [(f["rows"], f["sha256"]) for f in manifest["files"]]
    digest = hashlib.sha256()
    with out.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(folder: Path) -> list[dict[str, object]]:
    out = []
    for line in (folder / "sentences.jsonl").read_text().splitlines():
        row = json.loads(line)
        row.pop("created_at")
        out.append(row)
    return out


def _writer_ceiling(folder: Path, tasks: int = 2000) -> float:
    """Tasks per second the driver journals (append + fsync), with a real run's rows."""
    from dualalign.generation.journal import Journal

    rows = [json.loads(line) for line in (folder / "sentences.jsonl").read_text().splitlines()]
    per_task = rows[: max(1, len(rows) // 3)]
    journal = Journal(folder / "ceiling")
    journal.open({"bench": True}, {"status": "running"})
    started = time.perf_counter()
    for i in range(tasks):
        journal.commit(f"t{i}", {"sentences": [{**r, "task_id": f"t{i}"} for r in per_task]})
    return tasks / (time.perf_counter() - started)


def main(
    patients: Annotated[int, typer.Option(help="Patients to walk.")] = 20_000,
    generate_patients: Annotated[int, typer.Option(help="Patients to generate for.")] = 6,
    workers: Annotated[int, typer.Option(help="Ray workers.")] = 2,
    files: Annotated[
        int, typer.Option(help="Walk output: 1 JSONL file, or that many Parquet parts (1M walks).")
    ] = 1,
) -> None:
    """Time single process vs Ray and print the ratios."""
    address = os.environ.get("RAY_ADDRESS")
    if not address:  # re-run inside a namespace with its own Ray head on 127.0.0.1
        argv = [sys.executable, *sys.argv]
        sys.exit(subprocess.run(["bash", str(RAY_NS), str(workers), *argv], check=False).returncode)
    ray = ["--executor", "ray", "--ray-address", address, "--workers", str(workers)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["DUALALIGN_HOME"] = str(work / "home")
        _cli("graph", "load", "--disease", "alzheimers", "-q")
        startup = _startup(address)
        walk = ["walk", "--patients", str(patients), *WALK, "--files", str(files)]
        a, b = (work / "a", work / "b") if files > 1 else (work / "a.jsonl", work / "b.jsonl")
        t_single = _cli(*walk, "--out", str(a))
        t_ray = _cli(*walk, "--out", str(b), *ray)
        same_walk = _walk_digest(a) == _walk_digest(b)
        for done in (a, b):  # 1M walks are large: free the disk before generating
            shutil.rmtree(done) if done.is_dir() else done.unlink()
        g = ["generate", "--patients", str(generate_patients), "--no-cache", "-q"]
        g_single = _cli(*g, "--out", str(work / "g1"))
        g_ray = _cli(*g, "--out", str(work / "g2"), *ray)
        same_gen = _rows(work / "g1") == _rows(work / "g2")
        ceiling = _writer_ceiling(work / "g1")
        tasks = generate_patients  # one note (task) per patient by default
    print(f"Ray start-up (join the head, one task): {startup:.1f} s")
    print(
        f"walk {patients} patients: single {t_single:.1f} s, Ray x{workers} {t_ray:.1f} s "
        f"-> {t_single / t_ray:.2f}x (outputs identical: {same_walk}); "
        f"{patients / t_single:.0f} vs {patients / t_ray:.0f} patients/s"
    )
    print(
        f"generate {generate_patients} patients (local model): single {g_single:.1f} s, "
        f"Ray x{workers} {g_ray:.1f} s -> {g_single / g_ray:.2f}x (rows identical: {same_gen})"
    )
    per_task = g_single / tasks
    print(
        f"writer ceiling: the driver journals {ceiling:.0f} tasks/s; one local-model worker "
        f"does {1 / per_task:.2f} tasks/s"
    )
    print(
        "estimate for N machines x one vLLM server each, at r tasks/s per server: "
        f"min(N * r, {ceiling:.0f}) tasks/s; e.g. at r = 20 (about 100 sentences/s of a "
        f"mid-size model), the writer binds from N = {int(ceiling // 20) + 1}"
    )


if __name__ == "__main__":
    typer.run(main)
