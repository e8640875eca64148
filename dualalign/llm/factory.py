"""Build a LangChain chat model by back-end name, and structured output that works with each.

- ``local``: SmolLM2-135M-Instruct in-process (llama.cpp); structured output by
  grammar-constrained JSON.
- ``openai``: any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp's server);
  ``function_calling`` by default, ``json_schema`` for servers that support it.
- ``hf``: a local transformers model folder or GGUF file (extra ``hf``); JSON asked in the
  prompt, then parsed and validated (a local pipeline has no tool calling).
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, ValidationError

from dualalign.errors import ConfigError, GenerationError
from dualalign.llm.local import ChatLocalLlama, json_schema_format

__all__ = ["LLMSpec", "make_llm", "model_label", "structured"]

Backend = Literal["local", "openai", "hf"]
StructuredMethod = Literal["auto", "function_calling", "json_schema", "json_mode", "prompt"]
_JSON_RE = re.compile(r"\{.*\}", re.DOTALL)


class LLMSpec(BaseModel):
    """Which model to use and how to call it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Backend = "local"
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    model_path: str | None = None
    temperature: float = 0.5
    max_tokens: int = 160
    timeout: float = 60.0
    rate_limit: float | None = None  # requests per second
    structured_method: StructuredMethod = "auto"
    n_threads: int | None = None
    q8: bool | None = None  # local: run from a cached Q8_0 copy (None: the bundled model only)


def make_llm(spec: LLMSpec) -> BaseChatModel:
    """A chat model for the spec. Heavy SDKs are imported only when their back-end is used.

    Raises:
        ConfigError: unknown back-end, missing settings, or a missing optional extra.
    """
    limiter = (
        InMemoryRateLimiter(requests_per_second=spec.rate_limit, max_bucket_size=1)
        if spec.rate_limit
        else None
    )
    if spec.backend == "local":
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
    if spec.backend == "openai":
        from langchain_openai import ChatOpenAI

        base_url = spec.base_url or os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get(spec.api_key_env)
        if not key:
            if base_url and re.match(r"https?://(127\.|localhost|\[::1\])", base_url):
                key = "not-needed"  # a local server ignores it
            else:
                raise ConfigError(
                    f"set {spec.api_key_env} (or pass --base-url for a local "
                    "OpenAI-compatible server)"
                )
        if not spec.model:
            raise ConfigError("--model is required with --llm openai")
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
    if spec.backend == "hf":
        return _hf(spec, limiter)
    raise ConfigError(f"unknown LLM back-end '{spec.backend}'; use local, openai or hf")


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


def _parse_json(schema: type[BaseModel]) -> RunnableLambda:
    def parse(message: BaseMessage) -> BaseModel:
        text = str(message.content)
        match = _JSON_RE.search(text)
        try:
            return schema.model_validate_json(match.group(0) if match else text)
        except (ValidationError, ValueError) as exc:
            raise GenerationError(
                f"model output is not a valid {schema.__name__}: {text[:80]!r}"
            ) from exc

    return RunnableLambda(parse)


def structured(
    llm: BaseChatModel, schema: type[BaseModel], method: StructuredMethod = "auto"
) -> Runnable[Any, Any]:
    """A runnable from messages to a ``schema`` instance, using what the back-end supports."""
    if method == "auto":
        method = (
            "json_schema"
            if isinstance(llm, ChatLocalLlama)
            else "function_calling"
            if type(llm).__name__ == "ChatOpenAI"
            else "prompt"
        )
    if isinstance(llm, ChatLocalLlama):
        return llm.bind(response_format=json_schema_format(schema)) | _parse_json(schema)
    if method == "prompt":
        return llm | _parse_json(schema)
    return llm.with_structured_output(schema, method=method)
