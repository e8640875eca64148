"""Inside a Ray namespace: two llama.cpp OpenAI-compatible servers with the bundled model, and
`generate --llm openai` against them, once single-process on one server and once on Ray with
both servers spread over two workers (the vLLM recipe's path). Run as a script by a test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dualalign.llm.server import LocalOpenAIServer

RUN = [
    "generate",
    "--patients",
    "2",
    "--max-terms",
    "2",
    "--llm",
    "openai",
    "--model",
    "smollm2",
    "--structured-method",
    "function_calling",
    "--no-cache",
    "-q",
]


def main() -> None:
    exe = str(Path(sys.executable).with_name("dualalign"))
    ray = ["--executor", "ray", "--ray-address", os.environ["RAY_ADDRESS"], "--workers", "2"]
    with LocalOpenAIServer() as first, LocalOpenAIServer() as second:
        subprocess.run([exe, *RUN, "--base-url", first, "--out", "single"], check=True)
        both = ["--base-url", first, "--base-url", second]
        subprocess.run([exe, *RUN, *both, "--out", "ray", *ray], check=True)


if __name__ == "__main__":
    main()
