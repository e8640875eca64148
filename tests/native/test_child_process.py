"""llama.cpp's native code runs in a child first: real probes of the bundled model, and real
native crashes (a SIGSEGV injected where the AMX kernel crashes on some Xeons) that must
never reach the parent."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from pathlib import Path

import pytest

from dualalign.errors import ConfigError
from dualalign.llm.local import ChatLocalLlama, q8_copy, smollm2_path
from dualalign.llm.server import LocalOpenAIServer
from dualalign.native import plan as plan_module
from dualalign.native.cpu import cpu_info
from dualalign.native.plan import native_plan
from dualalign.native.probe import probe
from dualalign.native.quantize import requantize
from tests.paths import ROOT

pytestmark = pytest.mark.llm

FAULT_SITE = ROOT / "tests" / "support" / "native_fault"


@pytest.fixture
def native_fault(monkeypatch: pytest.MonkeyPatch):
    """``native_fault("extra-buffers" | "all" | "quantize")``: llama.cpp segfaults for real
    in any process of this test that does that (see tests/support/native_fault)."""

    def arm(kind: str) -> None:
        path = os.pathsep.join(filter(None, [str(FAULT_SITE), os.environ.get("PYTHONPATH")]))
        monkeypatch.setenv("PYTHONPATH", path)
        monkeypatch.setenv("DUALALIGN_TEST_NATIVE_FAULT", kind)

    plan_module._memo.clear()
    yield arm
    plan_module._memo.clear()


def _threads() -> int:
    return os.cpu_count() or 1


def test_the_bundled_model_decodes_in_a_child_on_the_path_this_machine_uses():
    model = ChatLocalLlama()
    weights, plan = model.prepare()
    proof = plan.fast if plan.extra_buffers else plan.safe
    if proof is None or not proof.ok:  # a readable failure, never a dead pytest
        pytest.fail(f"the local model cannot decode here: {plan.describe()}")
    assert weights.suffix == ".gguf" and "q8_0" in weights.name
    assert proof.prompt_tokens == 128 and len(proof.tokens) == 16
    assert proof.prompt_tps > 0 and proof.decode_tps > 0 and proof.text.strip()
    assert "CPU_Mapped" in proof.buffers or "CPU" in proof.buffers
    safe = probe(weights, extra_buffers=False, threads=_threads())
    assert safe.ok, safe.failure
    assert safe.used_extra_buffers == []  # the switch reached llama.cpp: weights as in the file
    if plan.extra_buffers and plan.safe is None:  # one probe sufficed: both paths are the same
        assert safe.tokens == proof.tokens


def test_the_extra_buffer_switch_changes_where_weights_go(tmp_path: Path):
    q4_0 = tmp_path / "smollm2-q4_0.gguf"  # a type llama.cpp repacks for AVX2 and AMX
    requantize(smollm2_path(), q4_0, "q4_0")
    safe = probe(q4_0, extra_buffers=False, threads=_threads())
    fast = probe(q4_0, extra_buffers=True, threads=_threads())
    assert safe.ok and safe.used_extra_buffers == [], safe
    if not fast.ok:  # an AMX machine whose kernel crashes: reported, not fatal
        assert fast.failure and "crashed" in fast.failure
    elif "avx2" in cpu_info().flags and fast.system_info.get("REPACK") == "1":
        assert set(fast.used_extra_buffers) & {"CPU_REPACK", "AMX"}, fast.buffers


def test_a_native_crash_in_the_probe_is_a_result_not_a_crash(native_fault, tmp_path: Path):
    native_fault("extra-buffers")
    weights = q8_copy(smollm2_path(), tmp_path)
    log = tmp_path / "probe.log"
    fast = probe(weights, extra_buffers=True, threads=_threads(), log_path=log)
    assert not fast.ok and fast.failure == "crashed with SIGSEGV"
    assert "Segmentation fault" in log.read_text()  # the child's own stack, for a bug report
    safe = probe(weights, extra_buffers=False, threads=_threads(), log_path=tmp_path / "s.log")
    assert safe.ok and safe.tokens and not (tmp_path / "s.log").exists()


def test_auto_falls_back_once_says_so_once_and_remembers(
    native_fault, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    native_fault("extra-buffers")
    weights, _ = ChatLocalLlama(q8=False).prepare()
    plan_module._memo.clear()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dualalign.native"):
        first = native_plan(weights)
        again = native_plan(weights)
    assert not first.extra_buffers and again == first
    notices = [r.getMessage() for r in caplog.records if r.name == "dualalign.native.plan"]
    assert len(notices) == 1 and "crashed with SIGSEGV" in notices[0]
    # a new process reads the verdict from the data home instead of crashing a child again
    plan_module._memo.clear()

    def no_child(*args, **kwargs):
        raise AssertionError("probed again")

    monkeypatch.setattr(plan_module, "probe", no_child)
    assert native_plan(weights).extra_buffers is False


def test_the_main_job_completes_when_the_fast_path_crashes(native_fault, run_cli, tmp_path):
    native_fault("extra-buffers")  # this CLI process would die too if it used that path
    out = tmp_path / "run"
    args = ["generate", "--patients", "2", "--llm", "local", "--seed", "7", "--quiet"]
    result = run_cli(*args, "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "fast path" in line]
    assert len(said) == 1 and "crashed with SIGSEGV" in said[0] and "safe path" in said[0]
    rows = [json.loads(x) for x in (out / "sentences.jsonl").read_text().splitlines()]
    assert rows and json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_a_build_that_crashes_on_every_path_fails_in_one_line(native_fault, run_cli, tmp_path):
    native_fault("all")
    out = tmp_path / "run"
    result = run_cli("generate", "--patients", "2", "--llm", "local", "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: llama.cpp crashed with SIGSEGV")
    assert "CMAKE_ARGS=-DGGML_NATIVE=OFF" in lines[0]
    assert not out.exists()
    version = run_cli("version")
    assert version.returncode == 0
    assert "local model: cannot run here: llama.cpp crashed with SIGSEGV" in version.stdout


def test_a_crashing_quantizer_leaves_nothing(native_fault, tmp_path: Path):
    native_fault("quantize")
    cache = tmp_path / "cache"
    with pytest.raises(ConfigError, match=r"could not convert .*crashed with SIGSEGV.*--no-q8"):
        q8_copy(smollm2_path(), cache)
    assert list(cache.iterdir()) == []


def test_the_local_server_serves_on_the_safe_path(native_fault):
    native_fault("extra-buffers")  # llama_cpp.server would die at its first request
    with LocalOpenAIServer() as url:
        request = urllib.request.Request(
            f"{url}/chat/completions",
            data=json.dumps(
                {
                    "messages": [{"role": "user", "content": "Say hello."}],
                    "max_tokens": 8,
                    "temperature": 0,
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as reply:
            answer = json.loads(reply.read())
    assert answer["choices"][0]["message"]["content"].strip()


def test_version_reports_the_build_the_cpu_and_the_path_in_use(run_cli):
    result = run_cli("version")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    cpu = cpu_info()
    assert lines["cpu"] == f"  cpu {cpu.describe()}"
    assert "AMX built in:" in lines["llama.cpp"] and "repack built in:" in lines["llama.cpp"]
    assert lines["local"].startswith("  local model SmolLM2-135M-Instruct")
    assert "in use: AMX o" in lines["local"] and "DUALALIGN_LLAMA_CPU=auto" in lines["local"]
