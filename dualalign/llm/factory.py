"""Build a chat model by back-end name, with a record of what that back-end can do.

- ``local``: SmolLM2-135M-Instruct in-process (llama.cpp); structured output by
  grammar-constrained JSON (``json_schema``), or JSON asked in the prompt.
- ``openai``: any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp's server);
  ``function_calling`` by default, ``json_schema`` or ``json_mode`` for servers that support it.
- ``hf``: a local transformers model folder or GGUF file (extra ``hf``); JSON asked in the
  prompt, then parsed and validated (a local pipeline has no tool calling).

:func:`make_llm` is the one seam: callers read :class:`Capabilities` instead of checking
model classes, and configuration errors (no model file, no server) surface here, before any
work starts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dualalign.errors import ConfigError, TransientGenerationError
from dualalign.llm.local import ChatLocalLlama, json_schema_format

__all__ = [
    "Backend",
    "Capabilities",
    "ChatLLM",
    "LLMSpec",
    "StructuredMethod",
    "make_llm",
    "model_label",
]

_JSON_RE = re.compile(r"\{.*\}", re.DOTALL)
_LOOPBACK = re.compile(r"https?://(127\.|localhost|\[::1\])")
_GGUF_MAGIC = b"GGUF"


class Backend(StrEnum):
    """Where the model runs."""

    LOCAL = "local"
    OPENAI = "openai"
    HF = "hf"


class StructuredMethod(StrEnum):
    """How a chat model is made to answer in a JSON schema."""

    AUTO = "auto"
    FUNCTION_CALLING = "function_calling"
    JSON_SCHEMA = "json_schema"
    JSON_MODE = "json_mode"
    PROMPT = "prompt"


class LLMSpec(BaseModel):
    """Which model to use and how to call it. Numbers are checked: a bad one fails here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Backend = Backend.LOCAL
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    model_path: str | None = None
    temperature: float = Field(default=0.5, ge=0.0, le=2.0, allow_inf_nan=False)
    max_tokens: int = Field(default=160, ge=1, le=32_768)
    timeout: float = Field(default=60.0, gt=0.0, le=3600.0, allow_inf_nan=False)
    #: requests per second at most
    rate_limit: float | None = Field(default=None, gt=0.0, le=10_000.0, allow_inf_nan=False)
    structured_method: StructuredMethod = StructuredMethod.AUTO
    n_threads: int | None = Field(default=None, ge=1, le=1024)
    q8: bool | None = None  # local: run from a cached Q8_0 copy (None: the bundled model only)


class Capabilities(BaseModel):
    """What a back-end supports, so callers need not know its class."""

    model_config = ConfigDict(frozen=True)

    backend: Backend
    #: structured-output methods it supports; the first is what ``auto`` means
    structured_methods: tuple[StructuredMethod, ...]
    #: takes ``seed``, ``stop`` and ``max_tokens`` per call
    call_options: bool
    #: reports input and output tokens per call
    token_usage: bool
    #: the bundled llama.cpp model in this process: one call at a time, each instance keeping
    #: its prompt prefix warm (so a second instance serves the annotator), and too small to
    #: label reliably (so the rule annotator leads)
    in_process: bool


_CAPABILITIES = {
    Backend.LOCAL: Capabilities(
        backend=Backend.LOCAL,
        structured_methods=(StructuredMethod.JSON_SCHEMA, StructuredMethod.PROMPT),
        call_options=True,
        token_usage=True,
        in_process=True,
    ),
    Backend.OPENAI: Capabilities(
        backend=Backend.OPENAI,
        structured_methods=(
            StructuredMethod.FUNCTION_CALLING,
            StructuredMethod.JSON_SCHEMA,
            StructuredMethod.JSON_MODE,
            StructuredMethod.PROMPT,
        ),
        call_options=True,
        token_usage=True,
        in_process=False,
    ),
    Backend.HF: Capabilities(
        backend=Backend.HF,
        structured_methods=(StructuredMethod.PROMPT,),
        call_options=True,
        token_usage=True,
        in_process=False,
    ),
}


@dataclass(frozen=True)
class ChatLLM:
    """A chat model with its capabilities and the spec it was made from."""

    model: BaseChatModel
    caps: Capabilities
    spec: LLMSpec

    @property
    def label(self) -> str:
        """A short model name for provenance."""
        return model_label(self.model)

    def method(self, asked: StructuredMethod = StructuredMethod.AUTO) -> StructuredMethod:
        """The structured-output method to use.

        Raises:
            ConfigError: the back-end does not support the method asked for.
        """
        if asked == StructuredMethod.AUTO:
            return self.caps.structured_methods[0]
        if asked not in self.caps.structured_methods:
            supported = ", ".join(self.caps.structured_methods)
            raise ConfigError(
                f"--structured-method {asked} is not supported by --llm {self.caps.backend}; "
                f"use auto or one of {supported}"
            )
        return asked

    def structured(
        self, schema: type[BaseModel], asked: StructuredMethod = StructuredMethod.AUTO
    ) -> Runnable[Any, Any]:
        """A runnable from messages to a ``schema`` instance."""
        method = self.method(asked)
        if method == StructuredMethod.PROMPT:
            return self.model | _parse_json(schema)
        if self.caps.backend == Backend.LOCAL:  # llama.cpp: a grammar built from the schema
            return self.model.bind(response_format=json_schema_format(schema)) | _parse_json(schema)
        return self.model.with_structured_output(schema, method=method.value)  # type: ignore[arg-type]

    def prepare(self) -> None:
        """For the in-process local model: make its Q8_0 copy and prove llama.cpp's CPU path
        in child processes now (they write only to the data home's caches), so that a CPU
        llama.cpp cannot run on fails in one line here; call it after the other checks.

        Raises:
            ConfigError: the copy could not be made, or no llama.cpp path works on this CPU.
        """
        if isinstance(self.model, ChatLocalLlama):
            self.model.prepare()


def make_llm(spec: LLMSpec, *, check: bool = True) -> ChatLLM:
    """A chat model for the spec. Heavy SDKs are imported only when their back-end is used.

    With ``check`` a missing model file or an OpenAI-compatible server that does not answer at
    all is reported now, as one line, instead of as a failure of every task.

    Raises:
        ConfigError: unknown back-end, missing settings, a missing optional extra, no model
            file, or no server at ``base_url``.
    """
    limiter = (
        InMemoryRateLimiter(requests_per_second=spec.rate_limit, max_bucket_size=1)
        if spec.rate_limit
        else None
    )
    if spec.backend == Backend.LOCAL:
        if spec.model_path and check:
            _check_gguf(Path(spec.model_path))
        model: BaseChatModel = _local(spec, limiter)
    elif spec.backend == Backend.OPENAI:
        model = _openai(spec, limiter, check)
    else:
        if spec.model_path and check and not Path(spec.model_path).exists():
            raise ConfigError(
                f"--model-path {spec.model_path} does not exist; give a transformers model "
                "folder or a GGUF file"
            )
        model = _hf(spec, limiter)
    return ChatLLM(model, _CAPABILITIES[spec.backend], spec)


def _check_gguf(path: Path) -> None:
    if not path.is_file():
        raise ConfigError(f"--model-path {path} is not a file; give a GGUF model file")
    with path.open("rb") as fh:
        if fh.read(4) != _GGUF_MAGIC:
            raise ConfigError(
                f"--model-path {path} is not a GGUF model; give a .gguf file, or use --llm hf "
                "for a transformers folder"
            )


def _local(spec: LLMSpec, limiter: InMemoryRateLimiter | None) -> ChatLocalLlama:
    kwargs: dict[str, Any] = {
        "temperature": spec.temperature,
        "max_tokens": spec.max_tokens,
        "n_threads": spec.n_threads,
        "rate_limiter": limiter,
        "q8": spec.q8,
    }
    if spec.model_path:
        kwargs["model_path"] = spec.model_path
    return ChatLocalLlama(**kwargs)


def _openai(spec: LLMSpec, limiter: InMemoryRateLimiter | None, check: bool) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    base_url = spec.base_url or os.environ.get("OPENAI_BASE_URL")
    key = os.environ.get(spec.api_key_env)
    if not key:
        if base_url and _LOOPBACK.match(base_url):
            key = "not-needed"  # a local server ignores it
        else:
            raise ConfigError(
                f"set {spec.api_key_env} (or pass --base-url for a local OpenAI-compatible server)"
            )
    if not spec.model:
        raise ConfigError("--model is required with --llm openai")
    if base_url and check:
        _check_server(base_url, min(spec.timeout, 10.0))
    return ChatOpenAI(
        model=spec.model,
        base_url=base_url,
        api_key=key,  # type: ignore[arg-type]
        temperature=spec.temperature,
        max_tokens=spec.max_tokens,  # type: ignore[call-arg]
        timeout=spec.timeout,
        max_retries=0,
        rate_limiter=limiter,
    )


def _check_server(base_url: str, timeout: float) -> None:
    """Any HTTP answer will do (even 401 or 404): only silence is a configuration error."""
    if not re.match(r"https?://", base_url):
        raise ConfigError(
            f"--base-url {base_url} is not an http(s) URL; give e.g. http://127.0.0.1:8000/v1"
        )
    try:
        httpx.get(base_url.rstrip("/") + "/models", timeout=timeout)
    except httpx.HTTPError as exc:
        raise ConfigError(
            f"no server answers at --base-url {base_url} ({type(exc).__name__}); start the "
            "OpenAI-compatible server or fix the URL"
        ) from exc


def _hf(spec: LLMSpec, limiter: InMemoryRateLimiter | None) -> BaseChatModel:
    try:
        from dualalign.llm.hf import hf_chat_model
    except ImportError as exc:
        raise ConfigError('the hf back-end needs the extra: pip install -e ".[hf]"') from exc
    return hf_chat_model(  # type: ignore[no-any-return]
        spec.model_path,
        temperature=spec.temperature,
        max_tokens=spec.max_tokens,
        n_threads=spec.n_threads,
        rate_limiter=limiter,
    )


def model_label(llm: BaseChatModel) -> str:
    """A short model name for provenance."""
    for attr in ("model_name", "model", "model_id"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(llm).__name__


def _parse_json(schema: type[BaseModel]) -> RunnableLambda[BaseMessage, BaseModel]:
    def parse(message: BaseMessage) -> BaseModel:
        text = str(message.content)
        match = _JSON_RE.search(text)
        try:
            return schema.model_validate_json(match.group(0) if match else text)
        except (ValidationError, ValueError) as exc:
            raise TransientGenerationError(
                f"model output is not a valid {schema.__name__}: {text[:80]!r}"
            ) from exc

    return RunnableLambda(parse)
