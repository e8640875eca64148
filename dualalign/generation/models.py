"""The run's models: the writer and, for an in-process model that labels too, a second
instance. One definition for every executor (this process, or each Ray worker)."""

from __future__ import annotations

from pathlib import Path

from dualalign.generation.config import Annotator, GenerationSettings
from dualalign.llm import ChatLLM, LLMSpec, SQLiteLLMCache, make_llm

__all__ = ["build_models", "use_cache"]


def build_models(
    spec: LLMSpec, generation: GenerationSettings, *, native: bool = True
) -> tuple[ChatLLM, ChatLLM | None]:
    """The writer, and for an in-process model that labels too, a second instance, so that
    each keeps its prompt prefix warm. Bad settings fail here, before anything is written.
    With ``native`` the local model's Q8_0 copy is made and its CPU path proven too (in child
    processes, writing the data home's caches): the last check before a run is written.

    Raises:
        ConfigError: what is wrong with the settings and how to fix it.
    """
    llm = make_llm(spec)
    in_process = llm.caps.in_process
    labels = Annotator.LLM in generation.resolved_annotators(in_process)
    annotator = make_llm(spec, check=False) if in_process and labels else None
    if labels:
        (annotator or llm).method(spec.structured_method)  # unsupported: fail now
    if native:
        llm.prepare()
    return llm, annotator


def use_cache(path: Path | None, *models: ChatLLM | None) -> SQLiteLLMCache | None:
    """Give ``models`` one SQLite LLM cache at ``path`` (None: no cache); the caller closes it."""
    if path is None:
        return None
    cache = SQLiteLLMCache(path)
    for model in models:
        if model is not None:
            model.model.cache = cache
    return cache
