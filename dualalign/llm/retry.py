"""What is worth retrying, and how long to wait: exponential backoff with jitter, or exactly
what the server asks for with ``Retry-After``."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable

import httpx
import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from dualalign.errors import TransientGenerationError

__all__ = ["MAX_RETRY_AFTER", "is_retryable", "retry_after", "retrying"]

#: the longest ``Retry-After`` honoured (seconds); a longer ask is capped to this
MAX_RETRY_AFTER = 120.0


def is_retryable(exc: BaseException) -> bool:
    """Transient failures only: timeouts, connection errors, 408/409/429, 5xx, a response body
    that is not JSON, and empty or unparseable model output. A configuration error (a
    :class:`~dualalign.errors.ConfigError` is a ValueError too) or a bug is never retried."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(
        exc,
        (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.APIResponseValidationError,
            httpx.TransportError,
            json.JSONDecodeError,  # a server answering 200 with a body that is not JSON
            TransientGenerationError,
        ),
    )


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked to wait (``Retry-After-Ms``, ``Retry-After`` as seconds or as
    an HTTP date), capped at :data:`MAX_RETRY_AFTER`; None when it did not ask."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    seconds: float | None = None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            seconds = float(ms) / 1000
        except ValueError:
            seconds = None
    if seconds is None and (raw := headers.get("retry-after")) is not None:
        try:
            seconds = float(raw)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(raw).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = None
    if seconds is None or seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def retrying(
    attempts: int, backoff: float, on_retry: Callable[[RetryCallState], None] | None = None
) -> Retrying:
    """A tenacity policy: ``attempts`` tries of what :func:`is_retryable` accepts.

    Waits are what the server asked for (``Retry-After``), else exponential backoff with
    jitter for a server under load, and none for bad output (another sample may be fine).
    """
    backoff_wait = wait_random_exponential(multiplier=backoff, max=30)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        if asked is not None:
            return asked
        if isinstance(exc, TransientGenerationError):
            return 0.0
        return float(backoff_wait(state))

    return Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait,
        retry=retry_if_exception(is_retryable),
        before_sleep=on_retry,
        reraise=True,
    )
