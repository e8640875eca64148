"""What the prompts and annotators need from the graph: names, phrasings and definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

from dualalign.graph.data import GraphData

__all__ = [
    "LAY_PARTIAL",
    "Vocabulary",
    "content_words",
    "phrase_at",
    "phrase_in",
    "phrase_span",
    "words_of",
]

#: Words, and the clause breaks ";" and ":" (they end a negation's scope).
_WORD = re.compile(r"[a-z]+|[;:]")
#: Function words: never enough on their own to express a term ("has been", "on his").
_STOP_WORDS = """
a an the of to in on at by for with from as into onto about over after before than then
and or but if so because while up out off per via is am are was were be been being has
have had having do does did doing will would can could should may might must shall this
that these those it its they them their theirs he she him her his hers i me my we our you
your who whom which what when where how there here some any all each every both also just
very more most much many now still again once pt patient pts mr mrs ms yo y o s t
"""
_STOP = frozenset(_STOP_WORDS.split())
#: Irregular forms mapped to the form the stemmer gives the regular ones, so "fell" matches
#: "falls", "forgot" matches "forgetting" and "lost weight" matches "weight loss".
_IRREGULAR = {
    "fell": "fall",
    "fallen": "fall",
    "forgot": "forget",
    "forgotten": "forget",
    "lost": "lose",
    "loss": "lose",
    "losses": "lose",
    "slept": "sleep",
    "ate": "eat",
    "eaten": "eat",
    "drove": "drive",
    "driven": "drive",
    "woke": "wake",
    "woken": "wake",
    "awoke": "wake",
    "thought": "think",
    "thoughts": "think",
    "gave": "give",
    "given": "give",
    "saw": "see",
    "seen": "see",
    "heard": "hear",
    "took": "take",
    "taken": "take",
    "went": "go",
    "gone": "go",
    "got": "get",
    "gotten": "get",
    "became": "become",
    "began": "begin",
    "begun": "begin",
    "hid": "hide",
    "hidden": "hide",
    "wore": "wear",
    "worn": "wear",
    "understood": "understand",
    "spoke": "speak",
    "spoken": "speak",
    "wrote": "write",
    "written": "write",
    "kept": "keep",
    "felt": "feel",
    "sat": "sit",
    "stood": "stand",
    "brought": "bring",
    "bought": "buy",
    "paid": "pay",
    "told": "tell",
    "knew": "know",
    "known": "know",
    "ran": "run",
    "fed": "feed",
    "found": "find",
    "wandered": "wander",
}
#: Extra words a partial match may span beyond the phrase's own length.
_WINDOW_SLACK = 2
#: Share of a lay phrase's content words a partial match needs: lay phrases are built of
#: everyday words ("I keep track of all her appointments"), so they need three of four.
LAY_PARTIAL = 0.75


_STEMMER = snowballstemmer.stemmer("english")


#: Stems are compared on their first letters only, so derivations the stemmer keeps apart
#: still meet: disoriented / disorientation, paranoid / paranoia.
_STEM_KEY = 6


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem after mapping irregular forms, cut to its first six letters:
    forgetfulness, forgetting, forgot -> forget; fell -> fall; disoriented -> disori."""
    return str(_STEMMER.stemWord(_IRREGULAR.get(word, word)))[:_STEM_KEY]


def _content(word: str) -> bool:
    return word not in _STOP and len(word) > 2 and word.isalpha()


@lru_cache(maxsize=1 << 12)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased, stemmed content words of a text."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if _content(w))


@lru_cache(maxsize=1 << 12)
def _analyse(text: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """A text's words, their stems (empty for stop words) and the set of stems."""
    words = tuple(_WORD.findall(text.lower()))
    stems = tuple(_stem(w) if _content(w) else "" for w in words)
    return words, stems, frozenset(stems) - {""}


def words_of(text: str) -> tuple[str, ...]:
    """A text's lower-cased words, as :func:`phrase_at` indexes them."""
    return _analyse(text)[0]


def phrase_span(phrase: str, text: str, partial: float = 0.66) -> tuple[int, int] | None:
    """The first and last word index in ``text`` where ``phrase`` is expressed, or None.

    A phrase is expressed verbatim (as a run of words); or, for a one-word phrase, by any word
    with its stem (forgetful, forgetting, forgot for forgetfulness); or, for a phrase with 2+
    content words, by most of their stems (two thirds, and at least two) close together: within
    the phrase's length plus two words. Function words never count ("has been working" does not
    express "he's been so worked up"), and a phrase whose other words are all function words
    must appear verbatim.
    """
    words, stems, stem_set = _analyse(text)
    target = _analyse(phrase)[0]
    n = len(target)
    if n and any(_content(w) for w in target):
        for i in range(len(words) - n + 1):
            if words[i : i + n] == target:
                return i, i + n - 1
    need = content_words(phrase)
    if not need:
        return None
    if len(need) == 1:
        stem = next(iter(need))
        if n != 1 or len(stem) < 4 or stem not in stem_set:
            return None
        at = next(i for i, s in enumerate(stems) if s == stem)
        return at, at
    hit = need & stem_set
    if len(hit) < 2 or len(hit) / len(need) < partial:
        return None
    span = n + _WINDOW_SLACK
    positions = [i for i, stem in enumerate(stems) if stem in need]
    for k, start in enumerate(positions):
        inside = [j for j in positions[k:] if j - start < span]
        seen = {stems[j] for j in inside}
        if len(seen) >= 2 and len(seen) / len(need) >= partial:
            return start, inside[-1]
    return None


def phrase_at(phrase: str, text: str) -> int | None:
    """The word index in ``text`` where ``phrase`` starts being expressed, or None."""
    span = phrase_span(phrase, text)
    return None if span is None else span[0]


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
    reporters: dict[str, dict[str, Any]] = field(default_factory=dict)  # in reporter order
    reporter_label: dict[str, str] = field(default_factory=dict)  # reporter -> label it gives
    modifies: dict[str, frozenset[str]] = field(default_factory=dict)  # risk factor -> targets
    instruments: dict[str, dict[str, Any]] = field(default_factory=dict)  # screening tests

    @classmethod
    def from_graph(cls, graph: GraphData) -> Vocabulary:
        """Read Symptom, Stage, NoteType, RiskFactor and Label nodes and DEFAULT_LABEL edges."""
        by: dict[str, dict[str, dict[str, Any]]] = {}
        for n in graph.nodes:
            by.setdefault(n.label, {})[n.id] = n.props
        default = {r.src: r.dst for r in graph.rels if r.type == "DEFAULT_LABEL"}
        labels = dict(sorted(by.get("Label", {}).items(), key=lambda kv: kv[1].get("order", 0)))
        reporters = dict(
            sorted(by.get("Reporter", {}).items(), key=lambda kv: kv[1].get("order", 0))
        )
        domain_of = {r.src: r.dst for r in graph.rels if r.type == "IN_DOMAIN"}
        targets: dict[str, set[str]] = {}
        for r in graph.rels:
            if r.type == "MODIFIES" and r.dst_label in ("Symptom", "LexiconDomain"):
                targets.setdefault(r.src, set()).add(r.dst)
        modifies = {
            rf: frozenset(s for s, d in domain_of.items() if s in ts or d in ts)
            for rf, ts in targets.items()
        }
        return cls(
            by.get("Symptom", {}),
            default,
            by.get("Stage", {}),
            by.get("NoteType", {}),
            by.get("RiskFactor", {}),
            labels,
            reporters,
            {r.src: r.dst for r in graph.rels if r.type == "REPORT_LABEL"},
            modifies,
            by.get("Instrument", {}),
        )

    def priority(self, label: str) -> int:
        """A label's tie-break priority (higher wins; the knowledge base's da:priority)."""
        return int(self.labels.get(label, {}).get("priority", 0))

    def planned_label(self, symptom: str, reporter: str | None = None) -> str:
        """The label a sentence documenting ``symptom``, reported by ``reporter``, should get:
        the reporter's label (a relative's report) unless the term's own label ranks higher
        (help given by others)."""
        own = self.symptom_label.get(symptom, "none")
        given = self.reporter_label.get(reporter or "")
        return given if given and self.priority(given) > self.priority(own) else own

    def lay_phrases(self, symptom: str) -> frozenset[str]:
        """The lay phrases among :meth:`phrases` (matched more strictly)."""
        return frozenset(str(x) for x in self.symptoms.get(symptom, {}).get("lay_phrases", []))

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
