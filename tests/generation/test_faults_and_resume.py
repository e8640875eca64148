"""Retries on 500/429/garbage, recorded failures, and kill -9 resume with no loss or
duplicates -- against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.fake_openai import FakeOpenAI


def _cmd(url: str, out: Path, patients: int = 2, *extra: str) -> list[str]:
    exe = str(Path(sys.executable).with_name("dualalign"))
    return [
        exe,
        "generate",
        "--llm",
        "openai",
        "--base-url",
        url,
        "--model",
        "fake",
        "--patients",
        str(patients),
        "--out",
        str(out),
        "--no-cache",
        *extra,
    ]


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


@pytest.mark.parametrize(
    "faults", [["500", "500"], ["429", "429", "429"], ["garbage"], ["500", "garbage", "429"]]
)
def test_transient_faults_are_retried(tmp_path, faults):
    with FakeOpenAI(faults=list(faults)) as server:
        result = subprocess.run(
            _cmd(server.url, tmp_path / "run"),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert server.requests > len(faults)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["retries"] >= len(faults)
    assert manifest["counts"]["failures"] == 0
    assert manifest["counts"]["sentences"] > 0


def test_permanent_failure_is_recorded_not_hidden(tmp_path):
    with FakeOpenAI(always="500") as server:
        result = subprocess.run(
            _cmd(server.url, tmp_path / "run", 1, "--retries", "2"),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    failures = _rows(tmp_path / "run" / "failures.jsonl")
    assert failures and all("500" in f["problems"][0] for f in failures)
    assert not (tmp_path / "run" / "sentences.jsonl").exists() or not _rows(
        tmp_path / "run" / "sentences.jsonl"
    )
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["counts"]["failures"] == len(failures)


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path):
    patients = 6
    with FakeOpenAI(delay=0.15) as server:
        out = tmp_path / "run"
        proc = subprocess.Popen(
            _cmd(server.url, out, patients), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        done = out / "tasks.done"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if done.exists() and len(done.read_text().splitlines()) >= 2:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        finished_before = len(done.read_text().splitlines())
        assert 2 <= finished_before < patients, "kill landed too late to test resume"
        result = subprocess.run(
            _cmd(server.url, out, patients),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        reference = tmp_path / "reference"
        assert (
            subprocess.run(
                _cmd(server.url, reference, patients), capture_output=True, timeout=300, check=False
            ).returncode
            == 0
        )
    notes = _rows(out / "notes.jsonl")
    assert len(notes) == len({n["task_id"] for n in notes}) == patients
    sentences = _rows(out / "sentences.jsonl")
    keys = [(s["task_id"], s["sentence_index"]) for s in sentences]
    assert len(keys) == len(set(keys))
    done_ids = (out / "tasks.done").read_text().split()
    assert sorted(done_ids) == sorted(set(done_ids)) and len(done_ids) == patients
    ref = sorted(
        (s["task_id"], s["sentence_index"], s["text"]) for s in _rows(reference / "sentences.jsonl")
    )
    assert sorted((s["task_id"], s["sentence_index"], s["text"]) for s in sentences) == ref
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed_tasks"] == finished_before


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    with FakeOpenAI() as server:
        assert (
            subprocess.run(
                _cmd(server.url, tmp_path / "run", 1), capture_output=True, timeout=300, check=False
            ).returncode
            == 0
        )
        other = subprocess.run(
            _cmd(server.url, tmp_path / "run", 2),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert other.returncode == 1 and "holds a run with other settings" in other.stderr
    assert len(other.stderr.strip().splitlines()) == 1
