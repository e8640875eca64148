"""Style from the user's own gold: few-shot examples with the planned label (and, first, the
planned term), and a guard that no kept sentence copies an 8-word run of any example."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.prompts import ChatPromptTemplate

from dualalign.errors import ConfigError
from dualalign.generation.context import term_request
from dualalign.generation.cues import affirmed
from dualalign.generation.prompts import ROUTINE, SENTENCE_PROMPT, style_sentence_prompt
from dualalign.generation.vocabulary import Vocabulary
from dualalign.sentence_table import read_sentence_table

__all__ = ["COPY_NGRAM", "StyleExamples", "shared_ngram"]


#: A kept sentence may not share a run of this many words with any style example.
COPY_NGRAM = 8
_TOKEN = re.compile(r"[a-z0-9]+")


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = _TOKEN.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def shared_ngram(text: str, others: Sequence[str], n: int = COPY_NGRAM) -> bool:
    """Whether ``text`` shares a run of ``n`` words with any of ``others``."""
    mine = _ngrams(text, n)
    return any(mine & _ngrams(o, n) for o in others)


class StyleExamples:
    """Gold sentences by label, to show the writer how the user's notes read.

    Examples are chosen for the planned term first: gold sentences of the planned label that
    express that term (any lexicon phrasing), then others of the label. Each example's request
    has the real request's shape (the same note, patient and phase, then what the gold
    sentence documents), so the writer sees the context is context and not text to copy.
    """

    def __init__(self, by_label: dict[str, list[str]]) -> None:
        self.by_label = {k: sorted(set(v)) for k, v in by_label.items() if v}
        self._grams: set[tuple[str, ...]] = set()
        for sentences in self.by_label.values():
            for s in sentences:
                self._grams |= _ngrams(s, COPY_NGRAM)
        self._terms: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_file(
        cls,
        path: Path | str,
        labels: Sequence[str],
        text_column: str | None = None,
        label_column: str = "label",
    ) -> StyleExamples:
        """Read a CSV, JSONL, Parquet or text table with a text and a label column.

        Raises:
            ConfigError: unreadable file, missing columns or labels outside the label set.
        """
        table = read_sentence_table(path, text_column, required=(label_column,))
        known = set(labels)
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, label in zip(table.texts, table.frame[label_column].astype(str), strict=True):
            label = label.strip()
            if label not in known:
                raise ConfigError(
                    f"{path}: unknown label '{label}'; use one of {', '.join(labels)}"
                )
            by_label[label].append(text.strip())
        return cls(by_label)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_label.values())

    def terms_of(self, sentence: str, label: str, vocab: Vocabulary) -> tuple[str, ...]:
        """The lexicon terms of ``label`` that a gold sentence expresses (cached)."""
        if sentence not in self._terms:
            self._terms[sentence] = tuple(
                sym
                for sym, lab in sorted(vocab.symptom_label.items())
                if lab == label and any(affirmed(ph, sentence) for ph in vocab.phrases(sym))
            )
        return self._terms[sentence]

    def pick(
        self,
        label: str,
        seed: int,
        k: int,
        term: str | None = None,
        vocab: Vocabulary | None = None,
    ) -> list[str]:
        """Up to ``k`` examples with ``label``, chosen by ``seed``; with a ``term`` (and the
        vocabulary), those expressing it come first."""
        pool = self.by_label.get(label, [])
        if not pool or k <= 0:
            return []
        rng = np.random.default_rng(seed)
        order = [pool[int(i)] for i in rng.permutation(len(pool))]
        if term is not None and vocab is not None:
            order.sort(key=lambda s: term not in self.terms_of(s, label, vocab))  # stable
        return order[:k]

    def _what(self, sentence: str, label: str, vocab: Vocabulary) -> str:
        if label == "none":
            return ROUTINE
        terms = self.terms_of(sentence, label, vocab)
        if terms:
            return term_request(terms[0], vocab)
        return str(vocab.labels.get(label, {}).get("label", label.replace("_", " ")))

    def prompt(
        self,
        label: str,
        seed: int,
        k: int,
        vocab: Vocabulary,
        term: str | None = None,
        head: str = "Clinical note.",
    ) -> ChatPromptTemplate:
        """The one-sentence prompt with this label's examples (the fixed one if it has none),
        each asked for in the request's shape under ``head``."""
        chosen = self.pick(label, seed, k, term, vocab)
        if not chosen:
            return SENTENCE_PROMPT
        return style_sentence_prompt(
            [
                (f"{head} Document: {self._what(s, label, vocab)}. Style: as in the notes.", s)
                for s in chosen
            ]
        )

    def copies(self, text: str) -> bool:
        """Whether ``text`` shares an 8-word run with any example."""
        return bool(_ngrams(text, COPY_NGRAM) & self._grams)
