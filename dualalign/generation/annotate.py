"""Sentence splitting and the two annotators: a lexicon/rule annotator built from the
knowledge base, and an LLM annotator that labels by meaning."""

from __future__ import annotations

import re
from typing import Any, Literal

import pysbd
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import conlist, create_model

from dualalign.errors import GenerationError
from dualalign.generation.prompts import ANNOTATION_PROMPT
from dualalign.generation.rule_annotator import RuleAnnotator
from dualalign.generation.vocabulary import Vocabulary
from dualalign.llm import ChatLLM, StructuredMethod

__all__ = ["LLMAnnotator", "RuleAnnotator", "split_sentences"]

_SEGMENTER = pysbd.Segmenter(language="en", clean=False)
_BULLET = re.compile(
    r"^\s*(?:[-*•]|\d+[.)]|[SOAP]:|(?:Subjective|Objective|Assessment|Plan):)"
    r"\s*",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a note: one per line first, then pysbd within lines; bullets removed."""
    out: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        out.extend(s.strip() for s in _SEGMENTER.segment(line) if len(s.strip()) > 2)
    return out


class LLMAnnotator:
    """Labels each sentence by meaning with a chat model and grammar/tool-constrained JSON."""

    name = "llm"

    def __init__(
        self,
        llm: ChatLLM,
        vocab: Vocabulary,
        method: StructuredMethod = StructuredMethod.AUTO,
    ) -> None:
        self.llm, self.vocab = llm, vocab
        self.method = llm.method(method)  # an unsupported method fails here, before any call
        self._label_type = Literal[tuple(vocab.labels)]  # type: ignore[valid-type]
        self._chains: dict[int, Runnable[Any, Any]] = {}

    def _chain(self, n: int) -> Runnable[Any, Any]:
        """A chain whose schema asks for exactly ``n`` labels (grammar-enforced where possible)."""
        if n not in self._chains:
            schema = create_model(
                f"SentenceLabels{n}",
                labels=(conlist(self._label_type, min_length=n, max_length=n), ...),  # type: ignore[arg-type]
            )
            self._chains[n] = ANNOTATION_PROMPT | self.llm.structured(schema, self.method)
        return self._chains[n]

    def annotate(self, sentences: list[str], **config: Any) -> list[str]:
        """Labels for several sentences (one call).

        Raises:
            GenerationError: the model returned a different number of labels.
        """
        numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
        result = self._chain(len(sentences)).invoke(
            {"definitions": self.vocab.definitions(), "numbered": numbered},
            config=RunnableConfig(**config) if config else None,  # type: ignore[typeddict-item]
        )
        labels = list(result.labels)
        if len(labels) != len(sentences):
            raise GenerationError(
                f"annotator returned {len(labels)} labels for {len(sentences)} sentences"
            )
        return labels
