"""``python -m llama_cpp.server`` on the CPU path proven for its model on this machine.

Takes the same arguments as llama.cpp's server::

    python -m dualalign.native.serve --model model.gguf --host 127.0.0.1 --port 8080

The model is probed in a child first (see :mod:`dualalign.native.plan`); the server then
loads it with extra buffer types on or off as the probe decided, so a CPU whose AMX kernel
crashes serves on the safe path instead of dying at the first request.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dualalign.errors import DualAlignError
from dualalign.native.params import set_extra_buffers
from dualalign.native.plan import native_plan


def main() -> int:
    """Probe the model named by ``--model``, then hand every argument to llama.cpp's server."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--model")
    parser.add_argument("--n_threads", type=int)
    known, _ = parser.parse_known_args()
    if known.model:
        try:
            plan = native_plan(Path(known.model), threads=known.n_threads)
        except (DualAlignError, OSError) as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 1
        set_extra_buffers(plan.extra_buffers)
    from llama_cpp.server.__main__ import main as serve

    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
