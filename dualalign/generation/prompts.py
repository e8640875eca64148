"""Prompts as versioned constants. Change the text, bump the version: every output row
records the version it was written with.

Small local models need worked examples in the prompt to stay on task, so each prompt carries
a few example turns (synthetic, with no names, dates or record numbers).
"""

from __future__ import annotations

from langchain_core.prompts import ChatPromptTemplate

__all__ = [
    "ANNOTATION_PROMPT",
    "ANNOTATION_VERSION",
    "NARRATIVE_PROMPT",
    "NARRATIVE_VERSION",
    "SENTENCE_PROMPT",
    "SENTENCE_VERSION",
    "STYLES",
    "UNCONSTRAINED_PROMPT",
    "UNCONSTRAINED_VERSION",
]

NARRATIVE_VERSION = "narrative-v1"
SENTENCE_VERSION = "sentence-v3"
UNCONSTRAINED_VERSION = "unconstrained-v1"
ANNOTATION_VERSION = "annotation-v1"

#: Documentation styles, chosen per note so the text varies as real notes do.
STYLES = (
    "terse fragments with clinical abbreviations (pt, hx, c/o, f/u, w/)",
    "full sentences in plain clinical prose",
    "short sentences, some abbreviations, one quoted phrase from the patient or family",
)

_NARRATIVE_SYSTEM = (
    "You are a clinician writing a brief clinical note. Write only the note's sentences, one "
    "per line, in the style asked. Never write names, dates, phone numbers or record numbers. "
    "Do not add a preamble."
)

_EX1_USER = (
    "Note: primary care progress note, 3 years before diagnosis, stage: mild cognitive "
    "impairment.\nPatient: 74-year-old man; history: HTN, DM2.\nMention: forgetting recent "
    "conversations; misplacing items.\nAlso write 1 routine sentence without symptoms.\n"
    "Style: terse fragments with clinical abbreviations (pt, hx, c/o, f/u, w/).\n"
    "Write 3 sentences."
)
_EX1_AI = (
    "Pt c/o forgetting recent conversations w/ wife over past few months.\n"
    "Misplaces keys and glasses several times a week.\n"
    "BP 138/82, A1c stable on metformin."
)
_EX2_USER = (
    "Note: neurology consult note, year of diagnosis, stage: mild dementia.\nPatient: "
    "81-year-old woman; history: depression.\nMention: getting lost in familiar places; "
    "daughter manages medications.\nAlso write 1 routine sentence without symptoms.\n"
    "Style: full sentences in plain clinical prose.\nWrite 3 sentences."
)
_EX2_AI = (
    "She became lost while driving to her usual grocery store last month.\n"
    "Her daughter now fills her pillbox and manages all of her medications.\n"
    "She denies headaches and her neurological exam is otherwise nonfocal."
)

NARRATIVE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", _NARRATIVE_SYSTEM),
        ("human", _EX1_USER),
        ("ai", _EX1_AI),
        ("human", _EX2_USER),
        ("ai", _EX2_AI),
        ("human", "{request}"),
    ]
)

_SENTENCE_SYSTEM = (
    "You are a clinician writing one sentence of a clinical note. Reply with exactly one "
    "sentence, in the style asked, and nothing else. Use the patient's pronouns. Never write "
    "names, dates or record numbers."
)

#: One sentence per call: what small local models do reliably (few-shot, one line). The
#: examples differ in shape, so that no single pattern is copied into every answer.
SENTENCE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", _SENTENCE_SYSTEM),
        (
            "human",
            "Primary care note, 70-year-old man (he) with hypertension. Document: a routine "
            "finding with no symptoms. Style: terse, abbreviations.",
        ),
        ("ai", "BP 132/78, cont lisinopril, f/u 3 mo."),
        (
            "human",
            "Primary care note, 74-year-old man (he), 3 years before diagnosis. Document: "
            "forgetting recent conversations (not remembering what was said in recent talks). "
            "Style: terse, abbreviations.",
        ),
        ("ai", "Pt c/o forgetting recent conversations w/ wife over past few months."),
        (
            "human",
            "Geriatrics note, 77-year-old woman (she), 1 year before diagnosis. Document: "
            "apathy (loss of motivation and interest in people and activities). Style: short, "
            "one abbreviation.",
        ),
        ("ai", "Apathy noted; she has stopped calling friends and rarely leaves the house."),
        (
            "human",
            "Neurology note, 81-year-old woman (she), year of diagnosis. Document: getting lost "
            "in familiar places (becoming disoriented on known routes). Style: full sentence.",
        ),
        ("ai", "She got lost driving to a store she has used for years and had to call for help."),
        ("human", "{request}"),
    ]
)

UNCONSTRAINED_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "You write example sentences from clinical notes about patients with "
            "cognitive decline. Write only the sentences, one per line. Never write names, "
            "dates or record numbers.",
        ),
        (
            "human",
            "Label: requires_assistance: the patient needs help or supervision for daily "
            "activities.\nWrite 1 sentence.",
        ),
        ("ai", "Son now manages his finances and pays the bills."),
        ("human", "Label: {label}: {definition}\nWrite 1 sentence."),
    ]
)

_ANNOTATION_SYSTEM = (
    "You label each numbered sentence from a clinical note with exactly one label, by its "
    "meaning (not by keywords). Labels:\n{definitions}\nAnswer with JSON: "
    '{{"labels": [one label per sentence, in order]}}.'
)

ANNOTATION_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", _ANNOTATION_SYSTEM),
        (
            "human",
            "1. Daughter says he keeps asking the same questions.\n2. BP 130/80.\n"
            "3. Pt denies hallucinations.",
        ),
        ("ai", '{{"labels": ["concern_by_others", "none", "none"]}}'),
        ("human", "{numbered}"),
    ]
)
