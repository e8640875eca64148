"""Test support: make llama.cpp crash for real, the way the AMX kernel does on some Xeons.

Put this folder on ``PYTHONPATH`` and set ``DUALALIGN_TEST_NATIVE_FAULT``:

- ``extra-buffers``: loading a model with llama.cpp's extra buffer types on segfaults;
- ``all``: loading any model segfaults;
- ``quantize``: llama.cpp's quantizer segfaults.

The fault is a genuine SIGSEGV in native code (a read of address 0), in whichever process
does the forbidden thing: a probe child, or the dualalign process itself, which then dies as
the user's would. Nothing here is part of dualalign.
"""

import ctypes
import os

_FAULT = os.environ.get("DUALALIGN_TEST_NATIVE_FAULT", "")


def _segfault() -> None:
    ctypes.string_at(0)


if _FAULT:
    import llama_cpp
    import llama_cpp.llama_cpp as _lib

    _load = _lib.llama_model_load_from_file
    _quantize = _lib.llama_model_quantize

    def _faulty_load(path, params):  # type: ignore[no-untyped-def]
        if _FAULT == "all" or (_FAULT == "extra-buffers" and params.use_extra_bufts):
            _segfault()
        return _load(path, params)

    def _faulty_quantize(*args):  # type: ignore[no-untyped-def]
        if _FAULT == "quantize":
            _segfault()
        return _quantize(*args)

    _lib.llama_model_load_from_file = _faulty_load
    _lib.llama_model_quantize = _faulty_quantize
    llama_cpp.llama_model_quantize = _faulty_quantize
