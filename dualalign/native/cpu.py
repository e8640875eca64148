"""What this machine's CPU is and which of its instruction sets matter to llama.cpp.

Read from ``/proc/cpuinfo`` on Linux (no native code runs); elsewhere only the platform's name
of the processor is known.
"""

from __future__ import annotations

import functools
import platform
from pathlib import Path

from pydantic import BaseModel, ConfigDict

__all__ = ["NOTABLE_FLAGS", "CpuInfo", "cpu_info", "parse_cpuinfo"]

#: The flags that decide which llama.cpp kernels can run (AMX: Intel Sapphire Rapids and later).
NOTABLE_FLAGS = (
    "avx2",
    "fma",
    "f16c",
    "avx_vnni",
    "avx512f",
    "avx512_vnni",
    "avx512_bf16",
    "avx512_fp16",
    "amx_tile",
    "amx_int8",
    "amx_bf16",
)


class CpuInfo(BaseModel):
    """The processor: vendor, model name and every feature flag the kernel reports."""

    model_config = ConfigDict(frozen=True)

    vendor: str
    model: str
    flags: tuple[str, ...]

    @property
    def amx(self) -> bool:
        """Whether the CPU has AMX tiles (llama.cpp's AMX buffer type can then be built in)."""
        return "amx_int8" in self.flags or "amx_tile" in self.flags

    def notable(self) -> list[str]:
        """The flags of :data:`NOTABLE_FLAGS` this CPU has, in that order."""
        present = set(self.flags)
        return [flag for flag in NOTABLE_FLAGS if flag in present]

    def describe(self) -> str:
        """One line for reports: model, and the notable flags it has or lacks (AMX said)."""
        notable = " ".join(self.notable()) or "none of " + " ".join(NOTABLE_FLAGS[:2])
        return f"{self.model} ({self.vendor}); {notable}; AMX {'yes' if self.amx else 'no'}"


def parse_cpuinfo(text: str) -> CpuInfo:
    """The first processor of a ``/proc/cpuinfo`` text (x86 ``flags`` or Arm ``Features``)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break  # the first processor is enough: every core of a machine is alike
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip().lower(), value.strip())
    flags = fields.get("flags") or fields.get("features") or ""
    return CpuInfo(
        vendor=fields.get("vendor_id") or fields.get("cpu implementer") or platform.machine(),
        model=fields.get("model name") or platform.processor() or platform.machine(),
        flags=tuple(sorted(set(flags.split()))),
    )


@functools.cache
def cpu_info() -> CpuInfo:
    """This machine's CPU (read once per process)."""
    path = Path("/proc/cpuinfo")
    try:
        return parse_cpuinfo(path.read_text(errors="replace"))
    except OSError:
        name = platform.processor() or platform.machine() or "unknown"
        return CpuInfo(vendor=platform.machine() or "unknown", model=name, flags=())
