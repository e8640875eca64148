"""LLM back-ends as LangChain chat models: local (default), OpenAI-compatible, transformers."""

from dualalign.llm.cache import SQLiteLLMCache
from dualalign.llm.factory import LLMSpec, make_llm, model_label, structured
from dualalign.llm.local import ChatLocalLlama, smollm2_path

__all__ = [
    "ChatLocalLlama",
    "LLMSpec",
    "SQLiteLLMCache",
    "make_llm",
    "model_label",
    "smollm2_path",
    "structured",
]
