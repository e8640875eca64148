"""Run llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``) with the bundled
SmolLM2 on 127.0.0.1, for trying the ``openai`` back-end locally, tests and benchmarks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dualalign.errors import GenerationError
from dualalign.llm.local import smollm2_path

__all__ = ["LocalOpenAIServer"]


class LocalOpenAIServer:
    """``with LocalOpenAIServer() as url:`` gives ``http://127.0.0.1:PORT/v1``; the server is
    stopped (by its PID) on exit."""

    def __init__(
        self,
        model: Path | None = None,
        alias: str = "smollm2",
        n_ctx: int = 2048,
        start_timeout: float = 120.0,
    ) -> None:
        self.model = model or smollm2_path()
        self.alias, self.n_ctx, self.start_timeout = alias, n_ctx, start_timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(self.model),
                "--model_alias",
                self.alias,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                str(self.n_ctx),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as reply:
                    if reply.status == 200:
                        return url
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise GenerationError(
                        "llama_cpp.server did not start; check that "
                        "llama-cpp-python[server] is installed"
                    ) from None
                time.sleep(0.3)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
