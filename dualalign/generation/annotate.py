"""Sentence splitting and the two annotators: a lexicon/rule annotator built from the
knowledge base, and an LLM annotator that labels by meaning."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Literal

import pysbd
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from pydantic import conlist, create_model

from dualalign.errors import GenerationError
from dualalign.generation.prompts import ANNOTATION_PROMPT
from dualalign.generation.vocabulary import Vocabulary, phrase_at, words_of
from dualalign.llm import structured

__all__ = ["LLMAnnotator", "RuleAnnotator", "split_sentences"]

_SEGMENTER = pysbd.Segmenter(language="en", clean=False)
_BULLET = re.compile(
    r"^\s*(?:[-*•]|\d+[.)]|[SOAP]:|(?:Subjective|Objective|Assessment|Plan):)"
    r"\s*",
    re.IGNORECASE,
)
_NEGATION_CUES = frozenset({"no", "not", "denies", "denied", "without", "negative", "never"})
# NegEx-style: a cue negates lexicon matches up to this many words after it, unless a
# conjunction closes its scope first; "no longer" and "not only" are not negations.
_NEGATION_SCOPE = 5
_SCOPE_ENDS = frozenset({"but", "however", "although", "though", "yet", "except"})
_PSEUDO_NEGATION = frozenset({("no", "longer"), ("not", "only"), ("not", "just")})
_REPORTER = re.compile(
    r"\b(?:son|daughter|wife|husband|spouse|family|caregiver|friend|neighbou?r|coworker|"
    r"sister|brother|niece|nephew|children)s?\b[^.]{0,40}\b(?:says?|said|reports?|reported|"
    r"notes?|noted|states?|stated|worr(?:y|ies|ied)|concerned|notic(?:e|es|ed)|feels?)\b",
    re.IGNORECASE,
)
_ASSIST = re.compile(
    r"\b(?:helps? (?:him|her|with)|manages? (?:his|her)|assist(?:s|ed|ance)? with|home aide|"
    r"adult day|assisted living|memory care|no longer driv|stopped driving|supervis)",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a note: one per line first, then pysbd within lines; bullets removed."""
    out = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        out.extend(s.strip() for s in _SEGMENTER.segment(line) if len(s.strip()) > 2)
    return out


def _negated(words: tuple[str, ...], at: int) -> bool:
    """Whether a negation cue within the scope window before word ``at`` negates it."""
    for i in range(at - 1, max(-1, at - 1 - _NEGATION_SCOPE), -1):
        if words[i] in _SCOPE_ENDS:
            return False
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if words[i] in _NEGATION_CUES and (words[i], nxt) not in _PSEUDO_NEGATION:
            return True
    return False


class RuleAnnotator:
    """Labels from lexicon matches, with negation, reporter and assistance cues."""

    name = "rule"

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    @cached_property
    def _phrases(self) -> list[tuple[str, str]]:
        out = []
        for symptom in sorted(self.vocab.symptoms):
            label = self.vocab.symptom_label.get(symptom, "none")
            out.extend(
                (phrase, label) for phrase in self.vocab.phrases(symptom) if len(phrase) >= 3
            )
        return out

    def matches(self, sentence: str) -> list[str]:
        """Labels of the lexicon phrases a sentence expresses, except negated ones."""
        words = words_of(sentence)
        out = []
        for phrase, label in self._phrases:
            at = phrase_at(phrase, sentence)
            if at is not None and not _negated(words, at):
                out.append(label)
        return out

    def label(self, sentence: str) -> str:
        """One label for a sentence."""
        hits = self.matches(sentence)
        if _REPORTER.search(sentence) and (hits or "memory" in sentence.lower()):
            return "concern_by_others"
        if _ASSIST.search(sentence):  # help given by others
            return "requires_assistance"
        labels = [lab for lab in hits if lab != "none"]
        return labels[0] if labels else "none"

    def annotate(self, sentences: list[str]) -> list[str]:
        """Labels for several sentences."""
        return [self.label(s) for s in sentences]


class LLMAnnotator:
    """Labels each sentence by meaning with a chat model and grammar/tool-constrained JSON."""

    name = "llm"

    def __init__(self, llm: BaseChatModel, vocab: Vocabulary, method: Any = "auto") -> None:
        self.llm, self.vocab, self.method = llm, vocab, method
        self._label_type = Literal[tuple(vocab.labels)]  # type: ignore[valid-type]
        self._chains: dict[int, Runnable[Any, Any]] = {}

    def _chain(self, n: int) -> Runnable[Any, Any]:
        """A chain whose schema asks for exactly ``n`` labels (grammar-enforced where possible)."""
        if n not in self._chains:
            schema = create_model(
                f"SentenceLabels{n}",
                labels=(conlist(self._label_type, min_length=n, max_length=n), ...),
            )
            self._chains[n] = ANNOTATION_PROMPT | structured(self.llm, schema, self.method)
        return self._chains[n]

    def annotate(self, sentences: list[str], **config: Any) -> list[str]:
        """Labels for several sentences (one call).

        Raises:
            GenerationError: the model returned a different number of labels.
        """
        numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
        result = self._chain(len(sentences)).invoke(
            {"definitions": self.vocab.definitions(), "numbered": numbered}, config=config or None
        )
        labels = list(result.labels)
        if len(labels) != len(sentences):
            raise GenerationError(
                f"annotator returned {len(labels)} labels for {len(sentences)} sentences"
            )
        return labels
