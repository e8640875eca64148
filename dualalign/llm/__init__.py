"""LLM back-ends as LangChain chat models: local (default), OpenAI-compatible, transformers."""

from dualalign.llm.cache import SQLiteLLMCache
from dualalign.llm.factory import (
    Backend,
    Capabilities,
    ChatLLM,
    LLMSpec,
    StructuredMethod,
    make_llm,
    model_label,
)
from dualalign.llm.local import ChatLocalLlama, smollm2_path
from dualalign.llm.retry import is_retryable, retry_after, retrying

__all__ = [
    "Backend",
    "Capabilities",
    "ChatLLM",
    "ChatLocalLlama",
    "LLMSpec",
    "SQLiteLLMCache",
    "StructuredMethod",
    "is_retryable",
    "make_llm",
    "model_label",
    "retry_after",
    "retrying",
    "smollm2_path",
]
