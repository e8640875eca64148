"""Sentence cues the lexicon cannot carry: who reports, who helps, negation and history scope,
cognitive test scores and weight change. Pure functions over one sentence.

These cues are about how clinical notes are written (English clinical shorthand), not about a
disease: the disease-specific part (terms, labels, priorities, screening cut-offs) comes from
the knowledge base through :class:`~dualalign.generation.vocabulary.Vocabulary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dualalign.generation.vocabulary import phrase_span, words_of

__all__ = [
    "Cues",
    "Screening",
    "affirmed",
    "find_cues",
    "negated_at",
    "post_negated",
    "span_negated",
]

# ---------------------------------------------------------------- negation and history

#: Words that negate what follows them (NegEx-style pre-negation cues).
_PRE_NEGATION = frozenset(
    {
        "no",
        "not",
        "denies",
        "denied",
        "deny",
        "denying",
        "without",
        "negative",
        "never",
        "nor",
        "absent",
        "none",
        "resolved",
        "free",
    }
)
#: Two-word cues that look like negations but are not.
_PSEUDO_NEGATION = frozenset(
    {("no", "longer"), ("not", "only"), ("not", "just"), ("not", "sure"), ("no", "change")}
)
#: Cues that put what follows in the past (a history line is not a current symptom).
_HISTORY = frozenset({"hx", "history", "pmh"})
#: Words that close a negation's scope.
_SCOPE_ENDS = frozenset(
    {"but", "however", "although", "though", "yet", "except", "now", "since", "currently"}
)
_SCOPE = 6
#: Phrases after a finding that negate it ("... ruled out", "... has resolved").
_POST_NEGATION = re.compile(
    r"\b(?:ruled out|resolved|has resolved|not present|absent|denied|none reported|"
    r"not reported|not noted|not seen|intact|wnl|within normal limits|unremarkable)\b"
    r"|\bnegative\s*[.;]?\s*$",
    re.IGNORECASE,
)


def negated_at(words: tuple[str, ...], at: int) -> bool:
    """Whether a negation or history cue within the scope window before word ``at`` covers it."""
    for i in range(at - 1, max(-1, at - 1 - _SCOPE), -1):
        w = words[i]
        if w in _SCOPE_ENDS or w in (";", ":"):
            return False
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in _PRE_NEGATION and (w, nxt) not in _PSEUDO_NEGATION:
            return True
        if w in _HISTORY:  # a history line, or family history: not a current finding
            return True
    return False


def span_negated(words: tuple[str, ...], span: tuple[int, int], phrase: str) -> bool:
    """Whether a matched phrase is negated: a cue before its first word, or -- for a phrase
    without negation words of its own -- before its last word ("mood good, denies
    depression" does not express "depressed mood")."""
    if negated_at(words, span[0]):
        return True
    own = set(re.findall(r"[a-z]+", phrase.lower()))
    return not (own & (_PRE_NEGATION | _HISTORY)) and negated_at(words, span[1])


def affirmed(phrase: str, text: str, partial: float = 0.66) -> bool:
    """Whether ``text`` expresses ``phrase`` (see :func:`phrase_span`) and does not negate it."""
    span = phrase_span(phrase, text, partial)
    return span is not None and not span_negated(words_of(text), span, phrase)


def post_negated(sentence: str) -> bool:
    """Whether the sentence says its finding was ruled out or resolved."""
    return bool(_POST_NEGATION.search(sentence))


# ---------------------------------------------------------------- reporters and helpers

_RELATIVE = (
    r"(?:son|daughter|dtr|wife|husband|spouse|partner|family|caregiver|care ?partner|cg|"
    r"friend|neighbou?r|coworker|co-worker|boss|sister|brother|sibling|niece|nephew|"
    r"grand(?:son|daughter|child)|children|kids|mother|father|roommate|staff|aide|"
    r"relatives?|in-law|fianc[ée]e?|girlfriend|boyfriend)s?'?s?"
)
_REPORT_VERB = (
    r"(?:says?|said|reports?|reported|reporting|notes?|noted|noticed|notices|states?|stated|"
    r"worr(?:y|ies|ied)|concerned|concern|complains?|complained|feels?|felt|thinks?|"
    r"thought|describes?|described|observes?|observed|mentions?|mentioned|endorses?|"
    r"endorsed|calls?|called|brought|bring|brings|asks?|asked|tells?|told|adds?|added|"
    r"frustrated|upset|alarmed|questions?|wonders?)"
)
_REPORTER = re.compile(
    rf"\b{_RELATIVE}\b(?:\s+\w+){{0,4}}?\s+{_REPORT_VERB}\b"
    rf"|\b(?:per|according to)\s+(?:the\s+|his\s+|her\s+|pt'?s\s+)?{_RELATIVE}\b"
    rf"|\b{_RELATIVE}\s+(?:is|are|was|were|remains?|became|has been|have been)\s+"
    r"(?:very\s+|increasingly\s+|more\s+|quite\s+)?(?:worried|concerned|upset|alarmed)\b"
    r"|\bcollateral (?:from|history)\b",
    re.IGNORECASE,
)
_REPORT_DENIED = re.compile(
    rf"\b{_RELATIVE}\b(?:\s+\w+){{0,3}}?\s+(?:denies|denied|has no concerns?|reports? no|"
    r"notes? no|has not noticed|hasn't noticed|have not noticed|not noticed)\b",
    re.IGNORECASE,
)
_HELP_AGENT = (
    r"(?:son|daughter|dtr|wife|husband|spouse|partner|family|caregiver|care ?partner|"
    r"cg|friend|neighbou?r|sister|brother|niece|nephew|grand\w+|children|aide|hha|staff|"
    r"nurse|someone|others?)"
)
_HELP_VERB = (
    r"(?:now\s+)?(?:manages?|managing|handles?|handling|fills?|filled|pays?|paid|does|did|"
    r"drives?|drove|cooks?|prepares?|prepared|gives?|administers?|helps?|helped|assists?|"
    r"assisted|bathes?|dresses?|dressed|feeds?|fed|supervises?|reminds?|reminded|sets? up|"
    r"organizes?|took over|takes? over|has taken over|monitors?|oversees?|cues?|cued|shops?|"
    r"does all)"
)
_ASSIST = re.compile(
    rf"\b{_HELP_AGENT}'?s?\s+(?:\w+\s+){{0,2}}?{_HELP_VERB}\b"
    r"|\b(?:needs?|needed|needing|requires?|required|requiring)\s+(?:\w+\s+){0,2}?"
    r"(?:help|assist\w*|reminders?|supervision|cue\w*|prompt\w*|redirection)\b"
    r"|\b(?:dependent (?:on|for|in|with)|depends on (?:his|her|their) \w+)\b"
    r"|\bassist\s*x\s*\d|\bassist(?:ance)? (?:with|for)\b|\bmax assist|\bmod assist|\bmin assist"
    r"|\b(?:home (?:health )?aide|hha|adult day|day program|assisted living|memory care|"
    r"nursing home|snf|long[- ]term care|ltc|hospice|respite|group home|personal care "
    r"(?:aide|attendant)|caregiver (?:comes|visits)|24[- /]?(?:hr|hour) (?:care|supervision))\b"
    r"|\b(?:stopped|quit|gave up|no longer|not|isn't|is not)\s+(?:\w+\s+){0,1}?driv\w*"
    r"|\blicen[cs]e (?:was )?(?:surrendered|revoked|suspended)"
    r"|\b(?:power of attorney|poa|hcpoa|health ?care proxy|guardian\w*|conservator\w*)\b"
    r"|\bmoved in with\b|\bmoved into (?:her|his|their) (?:son|daughter|child)"
    r"|\b(?:pill ?box|pill organizer|blister pack)s? (?:\w+ ){0,3}(?:filled|set up|prepared) by",
    re.IGNORECASE,
)
_SELF_CARE = re.compile(
    r"\b(?:independent\w*|manages? (?:his|her|their) own|by (?:him|her)self|on (?:his|her) own|"
    r"without (?:help|assistance)|no (?:help|assistance)|self[- ]care intact|"
    r"still (?:drives|manages|handles|pays|cooks)|continues to (?:drive|manage|handle|pay)|"
    r"does not need|doesn't need|denies needing|not needing)\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- tests and weight


@dataclass(frozen=True)
class Screening:
    """A cognitive screening instrument: the score from which a result counts as normal."""

    names: tuple[str, ...]
    maximum: int
    normal_from: int


_NUMBER = r"(\d{1,2}(?:\.\d)?)\s*(?:/|out of|of)\s*(\d{1,2})"
_RECALL = re.compile(
    r"\b(?:recall(?:ed|s)?|remembered|registered|delayed recall|word recall)\D{0,20}?"
    r"(\d)\s*(?:/|of|out of)\s*(\d)\b"
    r"|\b(\d)\s*/\s*(\d)\s*(?:words?|items?|on (?:delayed )?recall|recall)\b",
    re.IGNORECASE,
)
_WEIGHT = re.compile(
    r"\b(?:lost|losing|loss of|down|dropped|decreased by)\s+(?:about\s+|~|nearly\s+|over\s+)?"
    r"\d+(?:\.\d)?\s*(?:lbs?|pounds?|kg|#)"
    r"|\b(?:wt|weight)\s+(?:is\s+)?(?:down|loss|dropped|decreas\w*|declin\w*)"
    r"|\b\d+(?:\.\d)?\s*(?:lbs?|pounds?|kg|#)\s+(?:wt\s+|weight\s+)?(?:loss|down)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cues:
    """What one sentence shows besides lexicon terms."""

    reporter: bool = False
    report_denied: bool = False
    assistance: bool = False
    self_care: bool = False
    low_score: bool = False
    normal_score: bool = False
    weight_loss: bool = False


@lru_cache(maxsize=64)
def _score_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """'<instrument name> ... 19/30', compiled once per instrument."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"\b(?:{alternatives})\b\D{{0,20}}?{_NUMBER}", re.IGNORECASE)


def _score_cues(sentence: str, screens: tuple[Screening, ...]) -> tuple[bool, bool]:
    low = normal = False
    for screen in screens:
        for m in _score_pattern(screen.names).finditer(sentence):
            score, out_of = float(m.group(1)), int(m.group(2))
            if out_of != screen.maximum:
                continue
            if score < screen.normal_from:
                low = True
            else:
                normal = True
    for m in _RECALL.finditer(sentence):
        got, of = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(of) in (3, 5) and int(got) <= int(of):
            if int(got) < int(of):
                low = True
            else:
                normal = True
    return low, normal


_NOT_SUBJECT = frozenset({"for", "to", "with", "from", "by", "of", "at", "about"})


def _reports(sentence: str) -> bool:
    """A relative or caregiver is the one reporting (not the object: 'left VM for dtr')."""
    for m in _REPORTER.finditer(sentence):
        before = sentence[: m.start()].lower().split()
        if m.group(0).lower().startswith(("per ", "according")) or not (
            before and before[-1] in _NOT_SUBJECT
        ):
            return True
    return False


def find_cues(sentence: str, screens: tuple[Screening, ...] = ()) -> Cues:
    """The reporter, help, test-score and weight cues of one sentence."""
    low, normal = _score_cues(sentence, screens)
    denied = bool(_REPORT_DENIED.search(sentence))
    return Cues(
        reporter=_reports(sentence) and not denied,
        report_denied=denied,
        assistance=bool(_ASSIST.search(sentence)),
        self_care=bool(_SELF_CARE.search(sentence)),
        low_score=low,
        normal_score=normal,
        weight_loss=bool(_WEIGHT.search(sentence)),
    )
