"""End to end with the real local model (SmolLM2 via llama.cpp), in-process and behind a real
OpenAI-compatible server (``python -m llama_cpp.server``) on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualalign.generation.context import MODES
from dualalign.llm.server import LocalOpenAIServer

pytestmark = [pytest.mark.llm, pytest.mark.slow]

ROW_FIELDS = {
    "text",
    "label",
    "labels",
    "annotator",
    "note_id",
    "visit_index",
    "persona_id",
    "trajectory_id",
    "planned_symptoms",
    "mode",
    "model",
    "prompt_version",
    "seed",
    "created_at",
}


def _rows(path: Path) -> list[dict]:
    return (
        [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []
    )


def _check_run(out: Path, patients: int, mode: str, labels: set[str]) -> dict:
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    notes, failures = _rows(out / "notes.jsonl"), _rows(out / "failures.jsonl")
    sentences = _rows(out / "sentences.jsonl")
    covered = {n["task_id"] for n in notes} | {f["task_id"] for f in failures}
    assert len(covered) == manifest["counts"]["tasks"] == patients
    for row in sentences:
        assert set(row) >= ROW_FIELDS
        assert row["mode"] == mode and row["label"] in labels
        assert row["labels"]["rule"] in labels
        assert row["labels"]["llm"] is None or row["labels"]["llm"] in labels
    assert manifest["counts"]["sentences"] == len(sentences)
    assert manifest["tokens"]["output"] > 0
    return manifest


def test_generate_with_local_model_all_modes(run_cli, tmp_path, alz_model):
    labels = {lab.id for lab in alz_model.labels}
    for mode in MODES:
        out = tmp_path / mode
        # the local model's own labels are opt-in (rule labels by default): ask once
        both = ["--annotator", "llm", "--annotator", "rule"] if mode == "dualalign" else []
        result = run_cli(
            "generate",
            "--patients",
            "2",
            "--mode",
            mode,
            "--llm",
            "local",
            "--seed",
            "7",
            "--max-terms",
            "2",
            "--out",
            str(out),
            *both,
            timeout=900,
        )
        assert result.returncode == 0, result.stderr
        manifest = _check_run(out, 2, mode, labels)
        assert manifest["config"]["llm"]["backend"] == "local"
        llm_labels = [r["labels"]["llm"] for r in _rows(out / "sentences.jsonl")]
        if both:  # grammar-constrained JSON: one valid label per sentence
            assert llm_labels and all(label in labels for label in llm_labels)
            assert manifest["agreement"]["llm_vs_plan"] is not None
        else:
            assert llm_labels and all(label is None for label in llm_labels)
    notes = _rows(tmp_path / "dualalign" / "notes.jsonl")
    assert all("SmolLM2" in n["model"] for n in notes)


def test_cached_rerun_is_identical(run_cli, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    args = ["generate", "--patients", "1", "--max-terms", "2", "--seed", "3"]
    assert run_cli(*args, "--out", str(first), timeout=900).returncode == 0
    assert run_cli(*args, "--out", str(second), timeout=900).returncode == 0
    text = [r["text"] for r in _rows(first / "sentences.jsonl")]
    assert text == [r["text"] for r in _rows(second / "sentences.jsonl")]


@pytest.fixture(scope="module")
def llama_server():
    with LocalOpenAIServer() as url:
        yield url


def test_generate_through_openai_compatible_server(run_cli, tmp_path, llama_server, alz_model):
    out = tmp_path / "run"
    result = run_cli(
        "generate",
        "--patients",
        "2",
        "--llm",
        "openai",
        "--model",
        "smollm2",
        "--base-url",
        llama_server,
        "--max-terms",
        "2",
        "--concurrency",
        "2",
        "--no-cache",
        "--out",
        str(out),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    manifest = _check_run(out, 2, "dualalign", {lab.id for lab in alz_model.labels})
    assert manifest["config"]["llm"]["backend"] == "openai"
    sentences = _rows(out / "sentences.jsonl")
    # structured output (function calling) worked: the LLM annotator labelled sentences
    assert sentences and any(r["labels"]["llm"] is not None for r in sentences)
    assert all(r["annotator"] == "llm" for r in sentences if r["labels"]["llm"] is not None)
