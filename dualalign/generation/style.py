"""Style from the user's own gold: few-shot examples with the planned label, and a guard that
no kept sentence copies an 8-word run of any example."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.prompts import ChatPromptTemplate

from dualalign.errors import ConfigError
from dualalign.generation.prompts import SENTENCE_PROMPT, style_sentence_prompt
from dualalign.generation.vocabulary import Vocabulary
from dualalign.sentence_table import read_sentence_table

__all__ = ["COPY_NGRAM", "ROUTINE", "StyleExamples", "shared_ngram"]

#: How a request names a sentence without symptoms (as the routine request does).
ROUTINE = "a routine finding with no symptoms"

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
    """Gold sentences by label, to show the writer how the user's notes read."""

    def __init__(self, by_label: dict[str, list[str]]) -> None:
        self.by_label = {k: sorted(set(v)) for k, v in by_label.items() if v}
        self._grams: set[tuple[str, ...]] = set()
        for sentences in self.by_label.values():
            for s in sentences:
                self._grams |= _ngrams(s, COPY_NGRAM)

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

    def pick(self, label: str, seed: int, k: int) -> list[str]:
        """Up to ``k`` examples with ``label``, chosen by ``seed``."""
        pool = self.by_label.get(label, [])
        if not pool or k <= 0:
            return []
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(pool), size=min(k, len(pool)), replace=False)
        return [pool[int(i)] for i in idx]

    def prompt(self, label: str, seed: int, k: int, vocab: Vocabulary) -> ChatPromptTemplate:
        """The one-sentence prompt with this label's examples (the fixed one if it has none)."""
        chosen = self.pick(label, seed, k)
        if not chosen:
            return SENTENCE_PROMPT
        what = (
            ROUTINE
            if label == "none"
            else str(vocab.labels.get(label, {}).get("label", label.replace("_", " ")))
        )
        return style_sentence_prompt([(what, s) for s in chosen])

    def copies(self, text: str) -> bool:
        """Whether ``text`` shares an 8-word run with any example."""
        return bool(_ngrams(text, COPY_NGRAM) & self._grams)
