"""The ``hf`` back-end (transformers, extra ``hf``) with the bundled SmolLM2 weights: GGUF
conversion, the chat model's call options, and a CLI run. Required under CI=true."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dualalign.errors import ConfigError

pytestmark = [pytest.mark.llm, pytest.mark.slow]


def _hf_module():
    try:
        from dualalign.llm import hf
    except ImportError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the hf extra is missing ({exc}): .ci/run installs .[hf]")
        pytest.skip('the hf extra is not installed: pip install -e ".[hf]" (README, Tests)')
    return hf


@pytest.fixture(scope="module")
def hf_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled GGUF converted once to a transformers folder (shared by this module)."""
    from dualalign.llm.local import smollm2_path

    return _hf_module().hf_model_folder(smollm2_path(), tmp_path_factory.mktemp("models"))


def test_gguf_is_converted_once_into_a_model_folder(hf_folder: Path) -> None:
    from dualalign.llm.local import smollm2_path

    hf = _hf_module()
    assert (hf_folder / "config.json").is_file()
    assert any(hf_folder.glob("*.safetensors"))
    assert not list(hf_folder.parent.glob(".*.tmp"))  # nothing half-written left behind
    made = (hf_folder / "config.json").stat().st_mtime_ns
    assert hf.hf_model_folder(smollm2_path(), hf_folder.parent) == hf_folder
    assert (hf_folder / "config.json").stat().st_mtime_ns == made
    assert hf.hf_model_folder(hf_folder) == hf_folder  # a folder is used as it is


def test_bad_model_paths_are_one_line_errors(tmp_path: Path) -> None:
    hf = _hf_module()
    with pytest.raises(ConfigError, match=r"not a model folder or a \.gguf file"):
        hf.hf_model_folder(tmp_path / "missing")
    with pytest.raises(ConfigError, match=r"has no config\.json"):
        hf.hf_model_folder(tmp_path)


def test_chat_model_takes_seed_stop_and_max_tokens(hf_folder: Path) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    from dualalign.llm import LLMSpec, make_llm

    _hf_module()
    handle = make_llm(LLMSpec(backend="hf", model_path=str(hf_folder), temperature=0.8))
    assert handle.caps.call_options and not handle.caps.in_process
    llm = handle.model
    messages = [
        SystemMessage("You are a clinician writing brief notes."),
        HumanMessage("Write two sentences about a 70-year-old man with forgetfulness."),
    ]
    one = llm.invoke(messages, seed=11, stop=["\n", ". "], max_tokens=40)
    again = llm.invoke(messages, seed=11, stop=["\n", ". "], max_tokens=40)
    assert one.content and one.content == again.content  # seeded sampling repeats
    assert "\n" not in one.content and ". " not in one.content
    usage = one.usage_metadata
    assert usage and usage["input_tokens"] > 10 and 0 < usage["output_tokens"] <= 40
    short = llm.invoke(messages, seed=11, max_tokens=5)
    assert short.usage_metadata and short.usage_metadata["output_tokens"] <= 6


def test_generate_with_hf_backend(run_cli, tmp_path: Path, hf_folder: Path, alz_model) -> None:
    _hf_module()
    out = tmp_path / "run"
    result = run_cli(
        "generate",
        "--patients",
        "1",
        "--max-terms",
        "2",
        "--llm",
        "hf",
        "--model-path",
        str(hf_folder),
        "--out",
        str(out),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["config"]["llm"]["backend"] == "hf"
    rows = [json.loads(x) for x in (out / "sentences.jsonl").read_text().splitlines()]
    labels = {lab.id for lab in alz_model.labels}
    assert rows and all(r["model"] == hf_folder.name for r in rows)
    assert all(r["labels"]["rule"] in labels for r in rows)
    # the LLM annotator ran through JSON-in-the-prompt structured output
    assert all(r["labels"]["llm"] is None or r["labels"]["llm"] in labels for r in rows)
    assert any(r["labels"]["llm"] is not None for r in rows)
    assert manifest["tokens"]["output"] > 0
