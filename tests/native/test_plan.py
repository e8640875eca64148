"""Choosing llama.cpp's CPU path from probe results (pure logic: the probes are given)."""

from __future__ import annotations

import pytest

from dualalign.errors import ConfigError
from dualalign.native.cpu import CpuInfo, parse_cpuinfo
from dualalign.native.plan import CpuPath, cpu_path_setting, decide
from dualalign.native.probe import ProbeResult, parse_system_info
from dualalign.native.report import describe_build, describe_in_use

XEON = CpuInfo(vendor="GenuineIntel", model="Intel Xeon Platinum 8488C", flags=("amx_int8",))
TOKENS = [11, 12, 13, 14, 15, 16]


def ok(extra: bool, buffers: list[str], tokens: list[int] = TOKENS) -> ProbeResult:
    return ProbeResult(
        extra_buffers=extra,
        ok=True,
        buffers=buffers,
        tokens=tokens,
        prompt_tokens=128,
        prompt_seconds=0.4,
        decode_tokens=15,
        decode_seconds=0.15,
    )


def crashed(extra: bool, buffers: list[str]) -> ProbeResult:
    return ProbeResult(
        extra_buffers=extra,
        ok=False,
        failure="crashed with SIGSEGV",
        buffers=buffers,
        log_path="/data/native/probe-x-fast.log",
    )


class Probes:
    """Hands out given results and records which paths were probed, in order."""

    def __init__(self, fast: ProbeResult | None = None, safe: ProbeResult | None = None):
        self.results = {True: fast, False: safe}
        self.asked: list[str] = []

    def __call__(self, extra: bool) -> ProbeResult:
        self.asked.append("fast" if extra else "safe")
        result = self.results[extra]
        assert result is not None, "this path should not have been probed"
        return result


def plan(setting: CpuPath, probes: Probes):
    return decide(setting, probes, model="m.gguf", cpu=XEON, llama_version="0.3.36")


def test_auto_falls_back_when_the_fast_path_crashes():
    probes = Probes(fast=crashed(True, ["CPU_Mapped", "AMX"]), safe=ok(False, ["CPU_Mapped"]))
    chosen = plan(CpuPath.AUTO, probes)
    assert not chosen.extra_buffers and probes.asked == ["fast", "safe"]
    assert chosen.notice is not None and "\n" not in chosen.notice
    for part in ("(AMX)", "crashed with SIGSEGV", "Intel Xeon Platinum 8488C", "safe path"):
        assert part in chosen.notice
    assert "DUALALIGN_LLAMA_CPU=safe" in chosen.notice and "probe-x-fast.log" in chosen.notice
    assert describe_in_use(chosen).startswith("in use: AMX off, repack off")


def test_auto_keeps_a_fast_path_that_decodes_and_agrees():
    probes = Probes(fast=ok(True, ["CPU_Mapped", "CPU_REPACK"]), safe=ok(False, ["CPU_Mapped"]))
    chosen = plan(CpuPath.AUTO, probes)
    assert chosen.extra_buffers and chosen.notice is None and probes.asked == ["fast", "safe"]
    assert describe_in_use(chosen).startswith("in use: AMX off, repack on")
    assert "prompt 320 tok/s, decode 100 tok/s" in describe_in_use(chosen)


def test_auto_rejects_a_fast_path_that_computes_other_tokens():
    wrong = ok(True, ["CPU_Mapped", "AMX"], tokens=[11, 99, 13, 14])
    chosen = plan(CpuPath.AUTO, Probes(fast=wrong, safe=ok(False, ["CPU_Mapped"])))
    assert not chosen.extra_buffers
    assert chosen.notice and "decoded other tokens than the safe path" in chosen.notice


def test_auto_needs_one_probe_when_no_extra_buffer_applies():
    probes = Probes(fast=ok(True, ["CPU_Mapped"]))
    chosen = plan(CpuPath.AUTO, probes)
    assert chosen.extra_buffers and chosen.notice is None and probes.asked == ["fast"]


def test_a_build_that_crashes_either_way_is_a_one_line_error_with_the_fix():
    probes = Probes(fast=crashed(True, []), safe=crashed(False, []))
    with pytest.raises(ConfigError) as caught:
        plan(CpuPath.AUTO, probes)
    message = str(caught.value)
    assert "\n" not in message and "crashed with SIGSEGV" in message
    assert "CMAKE_ARGS=-DGGML_NATIVE=OFF" in message and "llama-cpp-python==0.3.36" in message


def test_a_model_llama_cpp_cannot_read_is_named_as_the_problem_not_the_cpu():
    refused = ProbeResult(
        extra_buffers=False, ok=False, failure="exited with status 1 (Failed to load model)"
    )
    fast_refused = refused.model_copy(update={"extra_buffers": True})
    for setting in CpuPath:
        probes = Probes(fast=fast_refused, safe=refused)
        with pytest.raises(ConfigError, match=r"^llama.cpp could not load m.gguf: it exited"):
            plan(setting, probes)


def test_safe_probes_only_the_safe_path():
    probes = Probes(safe=ok(False, ["CPU_Mapped"]))
    chosen = plan(CpuPath.SAFE, probes)
    assert not chosen.extra_buffers and probes.asked == ["safe"]
    with pytest.raises(ConfigError, match="with extra buffer types off; rebuild"):
        plan(CpuPath.SAFE, Probes(safe=crashed(False, [])))


def test_fast_is_an_error_not_a_fallback_when_its_probe_fails():
    fails = r"DUALALIGN_LLAMA_CPU=fast, but .* crashed with SIGSEGV"
    with pytest.raises(ConfigError, match=fails):
        plan(CpuPath.FAST, Probes(fast=crashed(True, ["AMX"]), safe=ok(False, [])))
    chosen = plan(CpuPath.FAST, Probes(fast=ok(True, ["AMX"])))
    assert chosen.extra_buffers


def test_the_setting_is_read_and_checked(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DUALALIGN_LLAMA_CPU", raising=False)
    assert cpu_path_setting() == CpuPath.AUTO
    monkeypatch.setenv("DUALALIGN_LLAMA_CPU", " Safe ")
    assert cpu_path_setting() == CpuPath.SAFE
    monkeypatch.setenv("DUALALIGN_LLAMA_CPU", "turbo")
    with pytest.raises(ConfigError, match=r"'turbo' is not a CPU path; use auto"):
        cpu_path_setting()


SAPPHIRE_RAPIDS = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8488C
flags\t\t: fpu avx2 fma f16c avx512f avx512_vnni avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8

processor\t: 1
vendor_id\t: GenuineIntel
"""

EPYC = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7763 64-Core Processor
flags\t\t: fpu sse2 avx avx2 fma f16c
"""


def test_cpuinfo_names_amx():
    xeon = parse_cpuinfo(SAPPHIRE_RAPIDS)
    assert xeon.amx and xeon.vendor == "GenuineIntel"
    assert xeon.notable() == [
        "avx2",
        "fma",
        "f16c",
        "avx512f",
        "avx512_vnni",
        "avx512_bf16",
        "avx512_fp16",
        "amx_tile",
        "amx_int8",
        "amx_bf16",
    ]
    assert xeon.describe().endswith("AMX yes")
    epyc = parse_cpuinfo(EPYC)
    assert not epyc.amx and epyc.model == "AMD EPYC 7763 64-Core Processor"
    assert (
        epyc.describe() == "AMD EPYC 7763 64-Core Processor (AuthenticAMD); avx2 fma f16c; AMX no"
    )


def test_system_info_and_build_line():
    text = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 | LLAMAFILE = 0 | "
    features = parse_system_info(text)
    assert features == {
        "SSE3": "1",
        "AVX2": "1",
        "AVX512": "1",
        "AMX_INT8": "1",
        "REPACK": "1",
        "LLAMAFILE": "0",
    }
    line = describe_build({"system_info": text, "ggml_version": "0.25.3", "ggml_commit": "abc"})
    assert line == (
        "ggml 0.25.3 (abc); built for SSE3 AVX2 AVX512 AMX_INT8 REPACK; "
        "AMX built in: yes; repack built in: yes"
    )
    assert describe_build({"error": "it crashed"}) == "it crashed"
