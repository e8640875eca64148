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
    "ROUTINE",
    "SENTENCE_PROMPT",
    "SENTENCE_VERSION",
    "STYLES",
    "STYLE_SENTENCE_VERSION",
    "UNCONSTRAINED_PROMPT",
    "UNCONSTRAINED_VERSION",
    "style_sentence_prompt",
]

#: How a one-sentence request asks for a line without symptoms. Not "no symptoms": small
#: models copy those words into the line, and real routine lines never say them.
ROUTINE = "a routine line: vitals, a medication or the plan"

NARRATIVE_VERSION = "narrative-v2"
SENTENCE_VERSION = "sentence-v5"
STYLE_SENTENCE_VERSION = "style-sentence-v4"
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
    "Note: primary care progress note, in the years just before diagnosis, stage: mild "
    "cognitive impairment.\nPatient: 74-year-old man; history: HTN, DM2.\nMention: "
    "his wife reports forgetting recent conversations; he reports misplacing items.\n"
    "Also write 1 routine sentence without symptoms.\n"
    "Style: terse fragments with clinical abbreviations (pt, hx, c/o, f/u, w/).\n"
    "Write 3 sentences."
)
_EX1_AI = (
    "Wife reports pt forgets recent conversations w/ her over past few months.\n"
    "Pt c/o misplacing keys and glasses several times a week.\n"
    "BP 138/82, A1c stable on metformin."
)
_EX2_USER = (
    "Note: neurology consult note, in the year of diagnosis, stage: mild dementia.\nPatient: "
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
#: examples differ in shape and in who reports, so that no single pattern is copied into every
#: answer and a relative's report reads as one.
SENTENCE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", _SENTENCE_SYSTEM),
        (
            "human",
            "Primary care note, 70-year-old man (he). Document: a routine line about hx of "
            "HTN (vitals, a medication or the plan). Style: terse, abbreviations.",
        ),
        ("ai", "BP 132/78 on lisinopril, cont current dose, f/u 3 mo."),
        (
            "human",
            "Primary care note, 74-year-old man (he), in the years just before diagnosis. "
            "Document: his wife reports forgetting recent conversations (not remembering what "
            "was said in recent talks). Style: terse, abbreviations.",
        ),
        ("ai", "Wife reports pt forgets conversations they had the day before."),
        (
            "human",
            "Geriatrics note, 77-year-old woman (she), after the diagnosis. Document: apathy "
            "(loss of motivation and interest in people and activities), observed at the "
            "visit. Style: short, one abbreviation.",
        ),
        ("ai", "Flat affect on exam, little interest in visits or hobbies."),
        (
            "human",
            "Memory clinic note, 80-year-old man (he), in the year of diagnosis. Document: his "
            "daughter reports repetitive questioning (asking the same question again and "
            "again). Style: full sentence.",
        ),
        ("ai", "His daughter says he asks what day it is several times an hour."),
        (
            "human",
            "Neurology note, 81-year-old woman (she), in the year of diagnosis. Document: she "
            "reports getting lost in familiar places (becoming disoriented on known routes). "
            "Style: full sentence.",
        ),
        ("ai", "Pt got lost driving to a store she has used for years and had to call for help."),
        ("human", "{request}"),
    ]
)

_STYLE_SYSTEM = (
    _SENTENCE_SYSTEM + " Write it the way the example answers from real notes are written "
    "(their abbreviations, length and tone), but never copy them: say what the request asks."
)


def style_sentence_prompt(examples: list[tuple[str, str]]) -> ChatPromptTemplate:
    """A one-sentence prompt whose worked examples are the user's own gold sentences.

    Each example is ``(request, sentence)``: a request in the shape of the real one (the same
    note and patient, then what the gold sentence documents) answered by the gold sentence, so
    the writer learns both the request-to-sentence mapping and real note style.
    """

    def esc(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    messages: list[tuple[str, str]] = [("system", _STYLE_SYSTEM)]
    for request, sentence in examples:
        messages.append(("human", esc(request)))
        messages.append(("ai", esc(sentence)))
    messages.append(("human", "{request}"))
    return ChatPromptTemplate.from_messages(messages)


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
