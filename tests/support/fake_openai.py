"""A scripted OpenAI-compatible server on 127.0.0.1 for fault and resume tests only.

It answers /v1/chat/completions. A queue of faults ("500", "429", "garbage", "slow") is served
first; then it answers normally: for a "Document: X." request it writes a sentence containing X,
and for a labelling request it returns a function call with one label per numbered sentence
(or, for a request without tools, the labels as JSON in the content). GET /v1/models answers,
as servers do. Every request body and its arrival time are kept for assertions.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Start with ``with FakeOpenAI(faults=[...]) as server: server.url``."""

    def __init__(
        self,
        faults: list[str] | None = None,
        always: str | None = None,
        delay: float = 0.0,
        retry_after: str = "0",
    ) -> None:
        self.faults: deque[str] = deque(faults or [])
        self.always = always
        self.delay = delay
        self.retry_after = retry_after
        self.requests = 0
        self.bodies: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_fault(self, body: dict[str, Any]) -> str | None:
        with self.lock:
            self.requests += 1
            self.bodies.append(body)
            self.times.append(time.monotonic())
            if self.always:
                return self.always
            return self.faults.popleft() if self.faults else None

    @staticmethod
    def _answer(body: dict[str, Any]) -> dict[str, Any]:
        last = body["messages"][-1]["content"]
        message: dict[str, Any] = {"role": "assistant", "content": ""}
        n = len(re.findall(r"^\d+\. ", last, re.MULTILINE))
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message["tool_calls"] = [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps({"labels": ["none"] * n})},
                }
            ]
        elif body.get("response_format") or n:
            message["content"] = json.dumps({"labels": ["none"] * n})
        else:
            found = re.search(r"Document: (.+?)\. Style", last)
            what = found.group(1) if found and "routine" not in found.group(1) else None
            message["content"] = (
                f"Pt reports {what} over the past months."
                if what
                else "BP 128/76, continue current meds."
            )
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                models = {"object": "list", "data": [{"id": "fake", "object": "model"}]}
                self._send(200, json.dumps(models).encode(), {})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fault = outer._next_fault(body)
                if outer.delay:
                    time.sleep(outer.delay)
                if fault == "500":
                    self._send(500, b'{"error": {"message": "boom"}}', {})
                elif fault == "429":
                    self._send(
                        429,
                        b'{"error": {"message": "slow down"}}',
                        {"Retry-After": outer.retry_after},
                    )
                elif fault == "garbage":
                    self._send(200, b"<html>not json", {})
                else:
                    self._send(200, json.dumps(outer._answer(body)).encode(), {})

        return Handler
