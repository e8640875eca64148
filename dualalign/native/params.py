"""llama.cpp's one switch for CPU-specific weight layouts: ``use_extra_bufts``.

llama.cpp can place weights in *extra buffer types*: the AMX buffer on Intel CPUs with AMX
tiles, and the repacked (interleaved) layouts for AVX2/NEON kernels. Those are its CPU fast
paths, and the AMX one crashes some machines. ``llama_cpp.Llama`` takes no argument for the
switch and loads the model inside its constructor, so the default parameters it starts from
are adjusted while it is built. Standard library only: the probe child imports this module.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["extra_buffers", "set_extra_buffers"]

_LOCK = threading.RLock()


def _patched(original: Any, enabled: bool) -> Any:
    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = enabled
        return params

    default_params._dualalign_original = original  # type: ignore[attr-defined]
    return default_params


@contextmanager
def extra_buffers(enabled: bool) -> Iterator[None]:
    """Models loaded in this block use llama.cpp's extra buffer types only if ``enabled``.

    Loads are serialised (one at a time in this process), so another thread's model cannot
    pick up this block's setting.
    """
    import llama_cpp.llama_cpp as lib

    with _LOCK:
        original = lib.llama_model_default_params
        lib.llama_model_default_params = _patched(original, enabled)
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def set_extra_buffers(enabled: bool) -> None:
    """Every model this process loads from now on uses extra buffer types only if ``enabled``
    (for a process that only serves, such as ``llama_cpp.server``)."""
    import llama_cpp.llama_cpp as lib

    with _LOCK:
        original = getattr(lib.llama_model_default_params, "_dualalign_original", None)
        lib.llama_model_default_params = _patched(
            original or lib.llama_model_default_params, enabled
        )
