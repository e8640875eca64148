"""Run llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``, through
:mod:`dualalign.native.serve`, which probes the CPU path first) with the bundled SmolLM2 on
127.0.0.1, for trying the ``openai`` back-end locally, tests and benchmarks."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
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
        self._log = tempfile.TemporaryFile()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dualalign.native.serve",  # llama_cpp.server on the CPU path probed here
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
            stderr=self._log,  # a file, not a pipe: the server logs every request
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
                    why = self._last_error()
                    self.__exit__()
                    raise GenerationError(
                        f"llama_cpp.server did not start{f' ({why})' if why else ''}; check "
                        "that llama-cpp-python[server] is installed"
                    ) from None
                time.sleep(0.3)

    def _last_error(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").splitlines()
        errors = [x.strip() for x in lines if x.startswith("error:")]
        return errors[-1].removeprefix("error:").strip() if errors else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
