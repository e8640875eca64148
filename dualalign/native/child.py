"""The child process that runs llama.cpp's native code before the parent trusts it.

``python -m dualalign.native.child info|probe|quantize ...`` prints its result as the last
line of stdout, after :data:`MARKER`, as JSON; llama.cpp's log goes to stderr line by line as
it is written, so a parent still reads it after a crash. Imports only the standard library,
this package's ``params`` and ``llama_cpp`` (no pydantic or LangChain: it starts fast).
"""

from __future__ import annotations

import argparse
import ctypes
import faulthandler
import json
import sys
import time
from typing import Any

from dualalign.native.params import extra_buffers

MARKER = "@dualalign-native "

#: Text the probe evaluates: note-like English, repeated to the asked number of tokens.
PROBE_TEXT = (
    "Follow-up visit. Daughter reports that he repeats the same questions and misplaces his "
    "keys; he manages his own medications with a pillbox. Denies falls. Sleep is fragmented, "
    "appetite stable, mood mildly low. Plan: recheck cognition in six months. "
)


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(MARKER + json.dumps(payload) + "\n")
    sys.stdout.flush()


def _log_to_stderr() -> Any:
    """Send llama.cpp's log to stderr unbuffered (kept alive by the caller)."""
    import llama_cpp.llama_cpp as lib

    @lib.llama_log_callback  # type: ignore[untyped-decorator]
    def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        sys.stderr.write(text.decode("utf-8", errors="replace"))
        sys.stderr.flush()

    lib.llama_log_set(callback, ctypes.c_void_p(0))
    return callback


def _info() -> dict[str, Any]:
    import llama_cpp
    import llama_cpp.llama_cpp as lib

    payload: dict[str, Any] = {
        "llama_cpp_python": getattr(llama_cpp, "__version__", "unknown"),
        "system_info": lib.llama_print_system_info().decode("utf-8", errors="replace"),
    }
    try:
        from llama_cpp import _ggml

        for name in ("ggml_version", "ggml_commit"):
            fn = getattr(_ggml.libggml, name)
            fn.restype = ctypes.c_char_p
            payload[name] = fn().decode("utf-8", errors="replace")
    except (ImportError, AttributeError, OSError):
        pass
    return payload


def _probe(args: argparse.Namespace) -> dict[str, Any]:
    import llama_cpp
    import llama_cpp.llama_cpp as lib

    keep = _log_to_stderr()
    t0 = time.perf_counter()
    with extra_buffers(args.extra_buffers == 1):
        llm = llama_cpp.Llama(
            model_path=args.model,
            n_ctx=max(512, args.prompt_tokens + args.decode_tokens + 8),
            n_threads=args.threads,
            n_threads_batch=args.threads,
            seed=0,
            verbose=True,  # the log names the buffer types the weights went to
        )
    load_seconds = time.perf_counter() - t0
    text = PROBE_TEXT * (1 + args.prompt_tokens // 40)
    prompt = llm.tokenize(text.encode(), add_bos=True)[: args.prompt_tokens]
    lib.llama_perf_context_reset(llm._ctx.ctx)
    t1 = time.perf_counter()
    tokens: list[int] = []
    for token in llm.generate(prompt, temp=0.0, top_k=1, repeat_penalty=1.0):
        tokens.append(int(token))
        if len(tokens) >= args.decode_tokens:
            break
    wall = time.perf_counter() - t1
    perf = lib.llama_perf_context(llm._ctx.ctx)
    decoded = llm.detokenize(tokens).decode("utf-8", errors="replace")
    llm.close()
    del keep
    return {
        "load_seconds": load_seconds,
        "prompt_tokens": int(perf.n_p_eval),
        "prompt_seconds": perf.t_p_eval_ms / 1000,
        "decode_tokens": int(perf.n_eval),
        "decode_seconds": perf.t_eval_ms / 1000,
        "wall_seconds": wall,
        "tokens": tokens,
        "text": decoded,
        "system_info": lib.llama_print_system_info().decode("utf-8", errors="replace"),
    }


def _quantize(args: argparse.Namespace) -> dict[str, Any]:
    import llama_cpp

    keep = _log_to_stderr()
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{args.ftype.upper()}")
    params.allow_requantize = True
    params.nthread = args.threads
    status = llama_cpp.llama_model_quantize(
        args.source.encode(), args.target.encode(), ctypes.byref(params)
    )
    del keep
    return {"status": int(status)}


def _no_core_dump() -> None:
    """A crash here is expected and reported by the parent: leave no core file behind."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # not on this platform
        pass


def main(argv: list[str] | None = None) -> int:
    """Run one operation and print its result; a native crash kills only this process."""
    faulthandler.enable()  # a crash leaves a Python stack in the log the parent keeps
    _no_core_dump()
    parser = argparse.ArgumentParser(prog="python -m dualalign.native.child")
    sub = parser.add_subparsers(dest="op", required=True)
    sub.add_parser("info", help="llama.cpp's version and the CPU features it was built with")
    probe = sub.add_parser("probe", help="load a model and decode greedily")
    probe.add_argument("--model", required=True)
    probe.add_argument("--extra-buffers", type=int, choices=(0, 1), required=True)
    probe.add_argument("--threads", type=int, default=1)
    probe.add_argument("--prompt-tokens", type=int, default=128)
    probe.add_argument("--decode-tokens", type=int, default=16)
    quantize = sub.add_parser("quantize", help="requantize a GGUF file")
    quantize.add_argument("--source", required=True)
    quantize.add_argument("--target", required=True)
    quantize.add_argument("--ftype", default="q8_0")
    quantize.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if args.op == "info":
        _emit(_info())
    elif args.op == "probe":
        _emit(_probe(args))
    else:
        _emit(_quantize(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
