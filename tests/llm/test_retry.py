"""What is retried, and how long the wait is when a server says how long."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import openai
import pytest

from dualalign.errors import ConfigError, GenerationError, TransientGenerationError
from dualalign.llm.retry import MAX_RETRY_AFTER, is_retryable, retry_after


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request)
    return openai.APIStatusError("boom", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_status_error(429), True),
        (_status_error(503), True),
        (_status_error(400), False),
        (_status_error(401), False),
        (TransientGenerationError("empty"), True),
        (json.JSONDecodeError("bad", "<html>", 0), True),
        (httpx.ConnectError("refused"), True),
        (ConfigError("bad option"), False),
        (ValueError("a bug"), False),
        (GenerationError("permanent"), False),
        (KeyError("x"), False),
    ],
)
def test_only_transient_errors_are_retried(exc: BaseException, expected: bool) -> None:
    assert is_retryable(exc) is expected


def test_retry_after_seconds_ms_and_dates() -> None:
    assert retry_after(_status_error(429, {"Retry-After": "2"})) == 2.0
    assert retry_after(_status_error(429, {"Retry-After-Ms": "1500"})) == 1.5
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < (retry_after(_status_error(503, {"Retry-After": when})) or 0) <= 30
    assert retry_after(_status_error(429, {"Retry-After": "99999"})) == MAX_RETRY_AFTER
    assert retry_after(_status_error(429, {"Retry-After": "soon"})) is None
    assert retry_after(_status_error(429)) is None
    assert retry_after(TransientGenerationError("x")) is None
