"""How a child's end is read: result, crash signal, exit status, silence, a hang."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dualalign.native import plan as plan_module
from dualalign.native.child import MARKER
from dualalign.native.probe import ProbeResult, run_child


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_result_is_read_from_the_marked_line():
    code = f"print('llama noise'); print({MARKER!r} + '{{\"status\": 0}}')"
    outcome = run_child([], command=_python(code))
    assert outcome.ok and outcome.result == {"status": 0}


def test_a_segfault_is_named_by_its_signal():
    code = "import ctypes, sys; sys.stderr.write('loading\\n'); ctypes.string_at(0)"
    outcome = run_child([], command=_python(code))
    assert not outcome.ok and outcome.failure == "crashed with SIGSEGV"
    assert "loading" in outcome.log  # what the child said before it died is kept


def test_an_error_exit_carries_its_last_line():
    outcome = run_child([], command=_python("raise SystemExit('bad model file')"))
    assert outcome.failure == "exited with status 1 (bad model file)"


def test_silence_and_hangs_are_failures():
    assert run_child([], command=_python("pass")).failure == "printed no result"
    hung = run_child([], command=_python("import time; time.sleep(30)"), timeout=1)
    assert hung.failure == "timed out after 1 s"


def test_a_hang_is_probed_again_but_a_crash_is_remembered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    calls: list[bool] = []
    outcomes = {True: "timed out after 180 s", False: "crashed with SIGSEGV"}

    def fake_probe(model: Path, *, extra_buffers: bool, **kwargs: object) -> ProbeResult:
        calls.append(extra_buffers)
        return ProbeResult(extra_buffers=extra_buffers, ok=False, failure=outcomes[extra_buffers])

    monkeypatch.setattr(plan_module, "probe", fake_probe)
    run = plan_module._cached_runner(tmp_path / "m.gguf", "key", threads=1)
    for _ in range(2):
        run(True)
        run(False)
    assert calls == [True, False, True]  # the crash came from the cache the second time
