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
    if not path.exists():
        return []
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


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)


def test_total_failure_exits_non_zero_and_a_rerun_retries_it(tmp_path):
    out = tmp_path / "run"
    with FakeOpenAI(always="500") as server:
        result = _run(_cmd(server.url, out, 2, "--retries", "2"))
        assert result.returncode == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "every one of 2 tasks failed" in lines[0], result.stderr
        failures = _rows(out / "failures.jsonl")
        assert failures and all("500" in f["problems"][0] for f in failures)
        assert all(f["kind"] == "error" and f["attempts"] == 1 for f in failures)
        assert not _rows(out / "sentences.jsonl")
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "failed"
        assert manifest["counts"]["failures"] == len(failures)
        assert manifest["counts"]["failed_tasks"] == 2
        first_tokens = manifest["attempts"]
        # the server recovers: the same command redoes the failed tasks
        server.always = None
        before = server.requests
        again = _run(_cmd(server.url, out, 2, "--retries", "2"))
        assert again.returncode == 0, again.stderr
        assert server.requests > before
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["retried_tasks"] == 2
    assert manifest["counts"]["failures"] == 0 and manifest["counts"]["sentences"] > 0
    assert not _rows(out / "failures.jsonl")
    assert manifest["attempts"] > first_tokens  # both rounds counted


def test_unreachable_server_fails_fast_and_writes_nothing(tmp_path):
    with FakeOpenAI() as server:
        url = server.url  # then closed: nothing listens on the port any more
    result = _run(_cmd(url, tmp_path / "run", 1))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no server answers at --base-url" in lines[0], result.stderr
    assert not (tmp_path / "run").exists()


def test_retry_after_is_honoured(tmp_path):
    with FakeOpenAI(faults=["429"], retry_after="2") as server:
        result = _run(_cmd(server.url, tmp_path / "run", 1))
        assert result.returncode == 0, result.stderr
        waited = server.times[1] - server.times[0]
    assert waited >= 1.9, f"retried after {waited:.2f} s; the server asked for 2 s"


@pytest.mark.parametrize(
    ("method", "tools"), [("auto", True), ("function_calling", True), ("json_schema", False)]
)
def test_structured_method_reaches_the_annotator(tmp_path, method, tools):
    with FakeOpenAI() as server:
        result = _run(
            _cmd(
                server.url,
                tmp_path / "run",
                1,
                "--annotator",
                "llm",
                "--structured-method",
                method,
            )
        )
        assert result.returncode == 0, result.stderr
        labelling = [b for b in server.bodies if "tools" in b or "response_format" in b]
    assert labelling, "the LLM annotator made no request"
    assert all(("tools" in b) == tools for b in labelling)
    if not tools:
        assert all(b["response_format"]["type"] == "json_schema" for b in labelling)


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
    # totals cover both processes: the same as one uninterrupted run
    reference_manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["tokens"] == reference_manifest["tokens"]
    assert manifest["tokens"]["output"] > 0
    assert manifest["attempts"] == reference_manifest["attempts"]
    assert manifest["agreement"] == reference_manifest["agreement"]


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


@pytest.mark.parametrize(("terminal", "quiet"), [(True, False), (True, True), (False, False)])
def test_progress_bar_on_a_terminal_only(tmp_path, monkeypatch, terminal, quiet):
    # rich takes TTY_COMPATIBLE=1 for a terminal; a pipe is not one
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    if terminal:
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
    with FakeOpenAI() as server:
        result = _run(_cmd(server.url, tmp_path / "run", 2, *(["--quiet"] if quiet else [])))
    assert result.returncode == 0, result.stderr
    shown = terminal and not quiet
    assert ("tasks/s" in result.stderr and "2/2" in result.stderr) == shown, result.stderr
    assert ("eta" in result.stderr) == shown
