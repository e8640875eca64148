"""What the prompts and annotators need from the graph: names, phrasings and definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from dualalign.graph.data import GraphData

__all__ = ["Vocabulary", "content_words", "phrase_at", "phrase_in", "words_of"]

_WORD = re.compile(r"[a-z]+")
_STOP = {
    "of",
    "the",
    "a",
    "an",
    "to",
    "in",
    "with",
    "and",
    "or",
    "for",
    "on",
    "at",
    "by",
    "is",
    "her",
    "his",
    "she",
    "he",
    "pt",
    "has",
    "had",
}


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem: forgetfulness, forgetting -> forget; questions -> question."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=1 << 12)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased, stemmed content words of a text."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2)


@lru_cache(maxsize=1 << 12)
def _analyse(text: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """A text's words, their stems (empty for stop words) and the set of stems."""
    words = tuple(_WORD.findall(text.lower()))
    stems = tuple(_stem(w) if w not in _STOP and len(w) > 2 else "" for w in words)
    return words, stems, frozenset(stems) - {""}


def words_of(text: str) -> tuple[str, ...]:
    """A text's lower-cased words, as :func:`phrase_at` indexes them."""
    return _analyse(text)[0]


def phrase_at(phrase: str, text: str) -> int | None:
    """The word index in ``text`` where ``phrase`` is expressed, or None.

    A phrase is expressed verbatim (as a run of words); or, for a single content word, by any
    word with its stem (forgetful, forgetting for forgetfulness); or, for 2+ content words,
    by most of its words' stems (75 %), located at the first of them.
    """
    words, stems, stem_set = _analyse(text)
    target = _analyse(phrase)[0]
    n = len(target)
    if n:
        for i in range(len(words) - n + 1):
            if words[i : i + n] == target:
                return i
    need = content_words(phrase)
    if not need or (len(need) == 1 and len(next(iter(need))) < 4):
        return None
    if len(need & stem_set) / len(need) < (1.0 if len(need) == 1 else 0.75):
        return None
    return next(i for i, stem in enumerate(stems) if stem in need)


def phrase_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is expressed in ``text`` (see :func:`phrase_at`)."""
    return phrase_at(phrase, text) is not None


@dataclass(frozen=True)
class Vocabulary:
    """Node properties by id, for the labels the generator uses."""

    symptoms: dict[str, dict[str, Any]]
    symptom_label: dict[str, str]  # symptom -> default sentence label
    stages: dict[str, dict[str, Any]]
    note_types: dict[str, dict[str, Any]]
    risk_factors: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, Any]]  # in label order

    @classmethod
    def from_graph(cls, graph: GraphData) -> Vocabulary:
        """Read Symptom, Stage, NoteType, RiskFactor and Label nodes and DEFAULT_LABEL edges."""
        by: dict[str, dict[str, dict[str, Any]]] = {}
        for n in graph.nodes:
            by.setdefault(n.label, {})[n.id] = n.props
        default = {r.src: r.dst for r in graph.rels if r.type == "DEFAULT_LABEL"}
        labels = dict(sorted(by.get("Label", {}).items(), key=lambda kv: kv[1].get("order", 0)))
        return cls(
            by.get("Symptom", {}),
            default,
            by.get("Stage", {}),
            by.get("NoteType", {}),
            by.get("RiskFactor", {}),
            labels,
        )

    def phrases(self, symptom: str) -> list[str]:
        """Every way the lexicon says a symptom: label, synonyms, lay phrases, abbreviations."""
        p = self.symptoms.get(symptom, {})
        out = [str(p.get("label", symptom.replace("_", " ")))]
        for key in ("synonyms", "lay_phrases", "abbreviations"):
            out.extend(str(x) for x in p.get(key, []))
        return out

    def definitions(self) -> str:
        """The label set as 'id: definition' lines."""
        return "\n".join(f"- {k}: {v.get('definition', '')}" for k, v in self.labels.items())
