"""Label a list of sentences with the rule and/or LLM annotator (used by `dualalign annotate`)."""

from __future__ import annotations

from typing import Any

from rich.progress import track

from dualalign.errors import GenerationError
from dualalign.generation.annotate import LLMAnnotator, RuleAnnotator
from dualalign.generation.vocabulary import Vocabulary
from dualalign.graph.data import GraphData

__all__ = ["annotate_texts"]


def annotate_texts(
    texts: list[str],
    graph: GraphData,
    annotators: list[str],
    llm_options: dict[str, Any] | None = None,
    batch: int = 8,
    progress: bool = False,
) -> dict[str, list[str]]:
    """Labels per annotator name, one per text, in order.

    Raises:
        ConfigError: bad LLM settings (before any call).
        GenerationError: the LLM annotator failed on a batch after its retries.
    """
    vocab = Vocabulary.from_graph(graph)
    out: dict[str, list[str]] = {}
    if "rule" in annotators:
        out["rule"] = RuleAnnotator(vocab).annotate(texts)
    if "llm" in annotators:
        from dualalign.llm import LLMSpec, make_llm

        options = {k: v for k, v in (llm_options or {}).items() if v is not None}
        llm = make_llm(LLMSpec(**options, temperature=0.0))
        annotator = LLMAnnotator(llm, vocab, llm.spec.structured_method)
        llm.prepare()  # a CPU llama.cpp cannot run on fails here, before any labelling
        labels: list[str] = []
        starts = range(0, len(texts), batch)
        for start in track(starts, description="labelling", disable=not progress):
            chunk = texts[start : start + batch]
            try:
                labels.extend(annotator.annotate(chunk))
            except GenerationError:  # already names what went wrong
                raise
            except Exception as exc:  # transport or parsing: say which sentences
                raise GenerationError(
                    f"the LLM annotator failed on sentences {start + 1}-{start + len(chunk)}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        out["llm"] = labels
    return out
