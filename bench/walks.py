"""Benchmark: 1M weighted random walks of length 10 on a synthetic 10k-node / 100k-edge graph.

Side by side, in one run, each in its own process (so peak memory is its own):

* ours   -- dualalign's alias-table walker (numpy, one core), ``dualalign.walk.random_walks``;
* PecanPy -- first-order walks (``PreCompFirstOrder``, p = q = 1, numba, 2 threads): its walk
  kernel and its end-to-end ``simulate_walks``;
* naive  -- a pure-Python networkx walker (``random.choices`` per step) on a sample.

Then ours again on a 1M-edge graph, for peak memory.

PecanPy needs numpy < 2 (through gensim) while dualalign needs numpy >= 2, so it runs from
its own virtual environment::

    python -m venv bench/.pecanpy && bench/.pecanpy/bin/pip install pecanpy==2.0.9 typer
    python bench/walks.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

HERE = Path(__file__).resolve().parent
ROUNDS = 3


def _graph(path: Path, nodes: int, degree: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    src = np.repeat(np.arange(nodes), degree)
    # distinct targets per node (PecanPy would merge parallel edges)
    dst = np.concatenate([rng.choice(nodes, size=degree, replace=False) for _ in range(nodes)])
    weight = rng.random(src.size) + 0.01
    with path.open("w") as fh:
        for s, d, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True):
            fh.write(f"{s}\t{d}\t{w:.6f}\n")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_ours(path: str, walks_per_node: int, length: int) -> dict:
    from dualalign.walk import RowSampler, random_walks

    t0 = time.perf_counter()
    data = np.loadtxt(path, dtype=np.float64)
    src, dst, w = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]
    n = int(max(src.max(), dst.max())) + 1
    order = np.argsort(src, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    sampler = RowSampler(indptr, dst[order], w[order])
    setup = time.perf_counter() - t0
    starts = np.tile(np.arange(n), walks_per_node)
    seconds = float("inf")
    for _ in range(ROUNDS):  # best of ROUNDS
        t0 = time.perf_counter()
        walks = random_walks(sampler, starts, length, seed=7)
        seconds = min(seconds, time.perf_counter() - t0)
    return {
        "steps": int(walks.shape[0] * length),
        "seconds": seconds,
        "setup": setup,
        "edges": int(src.size),
        "peak_mb": _peak_mb(),
    }


def part_pecanpy(path: str, walks_per_node: int, length: int) -> dict:
    from numba_progress import ProgressBar
    from pecanpy.pecanpy import PreCompFirstOrder

    t0 = time.perf_counter()
    g = PreCompFirstOrder(p=1, q=1, workers=2, verbose=False, random_state=7)
    g.read_edg(path, weighted=True, directed=True)
    g._preprocess_transition_probs()
    nodes = np.arange(g.num_nodes, dtype=np.uint32)
    setup = time.perf_counter() - t0
    starts = np.concatenate([nodes] * walks_per_node)
    has_nbrs, move_forward = g.get_has_nbrs(), g.get_move_forward()
    timings = []
    for _ in range(ROUNDS + 1):
        t0 = time.perf_counter()
        with ProgressBar(total=starts.size, disable=True) as bar:
            g._random_walks(starts.size, length, 7, starts, has_nbrs, move_forward, bar)
        timings.append(time.perf_counter() - t0)
    kernel = min(timings[1:])  # the first round JIT-compiles the kernel: not counted
    t0 = time.perf_counter()
    walks = g.simulate_walks(num_walks=walks_per_node, walk_length=length)
    end_to_end = time.perf_counter() - t0
    return {
        "steps": int(starts.size * length),
        "seconds": kernel,
        "setup": setup,
        "end_to_end_seconds": end_to_end,
        "walks": len(walks),
        "peak_mb": _peak_mb(),
    }


def part_naive(path: str, walks_per_node: int, length: int) -> dict:
    import random

    import networkx as nx

    g = nx.DiGraph()
    with open(path) as fh:
        for line in fh:
            s, d, w = line.split("\t")
            g.add_edge(int(s), int(d), weight=float(w))
    rnd = random.Random(7)
    nbrs = {u: (list(g[u]), [g[u][v]["weight"] for v in g[u]]) for u in g}
    sample = 20_000
    starts = [rnd.randrange(g.number_of_nodes()) for _ in range(sample)]
    t0 = time.perf_counter()
    for start in starts:
        cur = start
        for _ in range(length):
            targets, weights = nbrs[cur]
            cur = rnd.choices(targets, weights=weights)[0]
    seconds = time.perf_counter() - t0
    return {"steps": sample * length, "seconds": seconds, "setup": 0.0, "peak_mb": _peak_mb()}


PARTS = {"ours": part_ours, "pecanpy": part_pecanpy, "naive": part_naive}


def _run(python: str, part: str, path: Path, walks_per_node: int, length: int) -> dict:
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    out = subprocess.run(
        [
            python,
            str(Path(__file__).resolve()),
            "--part",
            part,
            "--edges",
            str(path),
            "--walks-per-node",
            str(walks_per_node),
            "--length",
            str(length),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,
    )
    if out.returncode != 0:
        sys.exit(f"part '{part}' failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(
    part: Annotated[str | None, typer.Option(help="Internal: run one part and print JSON.")] = None,
    edges: Annotated[Path | None, typer.Option(help="Internal: edge list file.")] = None,
    walks_per_node: int = 100,
    length: int = 10,
    pecanpy_python: Annotated[Path, typer.Option(help="Python of the PecanPy venv.")] = (
        HERE / ".pecanpy" / "bin" / "python"
    ),
) -> None:
    """Run all parts side by side and print steps/s, ratios and peak memory."""
    if part is not None:
        assert edges is not None
        print(json.dumps(PARTS[part](str(edges), walks_per_node, length)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "g10k.edg", Path(tmp) / "g100k.edg"
        _graph(small, 10_000, 10, seed=1)
        _graph(big, 100_000, 10, seed=2)
        ours = _run(sys.executable, "ours", small, walks_per_node, length)
        pecan = _run(str(pecanpy_python), "pecanpy", small, walks_per_node, length)
        naive = _run(sys.executable, "naive", small, walks_per_node, length)
        big_ours = _run(sys.executable, "ours", big, 10, length)
    rate = {
        k: v["steps"] / v["seconds"]
        for k, v in {"ours": ours, "pecanpy": pecan, "naive": naive}.items()
    }
    pecan_e2e = pecan["steps"] / pecan["end_to_end_seconds"]
    print(
        f"graph: 10,000 nodes, {ours['edges']:,} weighted edges; "
        f"{ours['steps'] // length:,} walks x {length} steps"
    )
    print(f"{'walker':<40}{'steps/s':>14}{'vs ours':>10}{'setup s':>10}{'peak MB':>10}")
    rows = [
        ("ours (alias tables, numpy, 1 core)", rate["ours"], ours),
        ("PecanPy PreCompFirstOrder kernel (2 thr)", rate["pecanpy"], pecan),
        ("PecanPy simulate_walks end to end", pecan_e2e, pecan),
        ("naive networkx random.choices (sample)", rate["naive"], naive),
    ]
    for name, r, info in rows:
        print(
            f"{name:<40}{r:>14,.0f}{r / rate['ours']:>10.3f}{info['setup']:>10.2f}"
            f"{info['peak_mb']:>10.0f}"
        )
    print(
        f"ours / PecanPy kernel: {rate['ours'] / rate['pecanpy']:.2f}x (target >= 1.0x); "
        f"ours / PecanPy end to end: {rate['ours'] / pecan_e2e:.2f}x"
    )
    print(f"ours / naive: {rate['ours'] / rate['naive']:.0f}x (target >= 50x)")
    print(
        f"1M-edge graph ({big_ours['edges']:,} edges, {big_ours['steps'] // length:,} walks): "
        f"{big_ours['steps'] / big_ours['seconds']:,.0f} steps/s, peak "
        f"{big_ours['peak_mb']:.0f} MB (target <= 500 MB)"
    )


if __name__ == "__main__":
    typer.run(main)
