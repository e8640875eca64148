"""`walk --executor ray` on a real Ray head (inside a loopback-only network namespace, see
test-support/ray_ns.sh): the output is byte for byte the single-process walk's, a worker
killed mid-run loses and duplicates nothing, and every node's address is 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualalign.walk.output import read_trajectories
from tests.support.ray import need_ray, ns_run

pytestmark = [pytest.mark.ray, pytest.mark.slow]

#: three blocks of the engine's 2000 patients (the last one short), kept light per patient
WALK = "--patients 4500 --density-multiplier 1 --years-before 3 --seed 3 -q"


#: prints the addresses of the cluster's nodes
NODES = (
    "import json, os, ray; ray.init(address=os.environ['RAY_ADDRESS']); "
    "print(json.dumps(sorted({n['NodeManagerAddress'] for n in ray.nodes()})))"
)


def test_walk_on_ray_equals_single_process_even_when_a_worker_is_killed(tmp_path: Path) -> None:
    need_ray()
    script = f"""
    set -e
    python -c "$NODES" > nodes.json
    dualalign graph load --disease alzheimers -q
    dualalign walk {WALK} --out single.jsonl
    (until pkill -9 -o -f 'ray::walk_block'; do sleep 0.05; done; touch killed) &
    dualalign walk {WALK} --out ray.jsonl --executor ray --ray-address "$RAY_ADDRESS" --workers 2
    dualalign walk {WALK} --out parts --files 3 --executor ray --ray-address "$RAY_ADDRESS"
    """
    done = ns_run(2, script, tmp_path, NODES=NODES)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((tmp_path / "nodes.json").read_text()) == ["127.0.0.1"]
    assert (tmp_path / "killed").exists(), "the test never killed a worker"
    single = (tmp_path / "single.jsonl").read_bytes()
    assert single.count(b"\n") == 4500
    assert (tmp_path / "ray.jsonl").read_bytes() == single
    parts = read_trajectories(tmp_path / "parts")
    assert "".join(t.model_dump_json() + "\n" for t in parts).encode() == single
