"""`generate --executor ray` on a real Ray head with the local model (inside a loopback-only
network namespace, see test-support/ray_ns.sh): the run equals the single-process run row
for row (timestamps aside) when an actor is killed mid-run, and when the driver itself is
killed with -9 and the run resumed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.paths import ROOT
from tests.support.ray import need_ray, ns_run

pytestmark = [pytest.mark.ray, pytest.mark.slow, pytest.mark.llm]

RUN = "--patients 3 --seed 5 --no-cache -q"


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (folder / f"{table}.jsonl").read_text().splitlines()]
    for row in rows:
        row.pop("created_at", None)
        row.pop("at", None)
    return rows


def test_generate_on_ray_equals_single_process_through_kills(tmp_path: Path) -> None:
    need_ray()
    ray = '--executor ray --ray-address "$RAY_ADDRESS" --workers 2'
    script = f"""
    set -e
    dualalign generate {RUN} --out single
    (until pkill -9 -o -f 'ray::TaskActor.run'; do sleep 0.1; done; touch actor-killed) &
    dualalign generate {RUN} --out actor {ray}
    dualalign generate {RUN} --out driver {ray} &
    driver=$!
    until [ -s driver/tasks.done ]; do sleep 0.1; done
    kill -9 $driver
    wait $driver || true
    wc -l < driver/tasks.done > driver-killed-after
    dualalign generate {RUN} --out driver {ray}
    """
    done = ns_run(2, script, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "actor-killed").exists(), "the test never killed an actor"
    assert int((tmp_path / "driver-killed-after").read_text()) < 3, "driver finished too soon"
    single = tmp_path / "single"
    assert len(_rows(single, "sentences")) >= 3
    for run in ("actor", "driver"):
        for table in ("sentences", "notes", "failures"):
            assert _rows(tmp_path / run, table) == _rows(single, table), (run, table)
        manifest = json.loads((tmp_path / run / "manifest.json").read_text())
        assert manifest["status"] == "complete"
        assert manifest["counts"]["tasks"] == 3
    resumed = json.loads((tmp_path / "driver" / "manifest.json").read_text())
    assert resumed["resumed_tasks"] >= 1


def test_generate_on_ray_spreads_workers_over_openai_compatible_servers(tmp_path: Path) -> None:
    """The vLLM recipe's path, against llama.cpp's server: --llm openai, two --base-url values
    over two Ray workers, structured output for the LLM annotator."""
    need_ray()
    done = ns_run(2, "set -e; python -m tests.support.two_servers", tmp_path, PYTHONPATH=str(ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    single, spread = _rows(tmp_path / "single", "sentences"), _rows(tmp_path / "ray", "sentences")
    assert spread == single and single
    assert any(r["labels"]["llm"] is not None for r in spread)  # structured output worked
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["config"]["llm"]["backend"] == "openai"
