"""What the prompts and annotators need from the graph: names, phrasings and definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dualalign.graph.data import GraphData

__all__ = ["Vocabulary", "content_words", "phrase_in"]

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


def _stem(word: str) -> str:
    """A crude suffix stripper: forgetfulness -> forget, questions -> question."""
    for _ in range(2):
        for suffix in ("ness", "ful", "ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
    return word


def content_words(text: str) -> set[str]:
    """Lower-cased, crudely stemmed content words of a text."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def phrase_in(phrase: str, text: str) -> bool:
    """The phrase appears verbatim, or (for phrases of 2+ content words) most of its words do."""
    if re.search(rf"\b{re.escape(phrase.lower())}\b", text.lower()):
        return True
    need = content_words(phrase)
    return len(need) >= 2 and len(need & content_words(text)) / len(need) >= 0.6


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
