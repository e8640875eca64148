"""The rule annotator: negation and history scope, who helps, who reports, irregular forms,
test scores, and the knowledge base's label priority."""

from __future__ import annotations

import pytest

from dualalign.generation.annotate import RuleAnnotator
from dualalign.generation.vocabulary import Vocabulary, phrase_in


@pytest.fixture(scope="module")
def vocab(alz_graph) -> Vocabulary:
    return Vocabulary.from_graph(alz_graph)


@pytest.fixture(scope="module")
def rule(vocab) -> RuleAnnotator:
    return RuleAnnotator(vocab)


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        # negation scope: cues before the finding, closed by "but"
        ("Denies hallucinations or paranoid thoughts.", "none"),
        ("No falls since the last visit.", "none"),
        ("Denies falls but reports new trouble finding words.", "cognitive_impairment"),
        ("No longer able to balance the checkbook, son now pays the bills.", "requires_assistance"),
        # who helps: the patient alone is not assistance
        ("She still manages her own pillbox and pays her bills.", "none"),
        ("Independent with bathing and dressing.", "none"),
        ("Denies needing help with bathing.", "none"),
        ("Grandson fills the weekly pill organizer for him.", "requires_assistance"),
        ("Needs cueing to finish getting dressed.", "requires_assistance"),
        # who reports: a relative's report, unless denied
        ("His sister says he fell twice on the stairs.", "concern_by_others"),
        ("Per daughter, mom keeps asking what day it is.", "concern_by_others"),
        ("Daughter denies any change in his mood.", "none"),
        # help given by others outranks a relative's report (priority from the KB)
        ("Wife reports she has taken over all the cooking.", "requires_assistance"),
        # irregular forms, weights and scores
        ("Pt fell in the kitchen last week.", "physiological_changes"),
        ("Lost 12 lbs since spring.", "physiological_changes"),
        ("MoCA 18/30 today.", "cognitive_impairment"),
        ("MMSE 29/30, within normal limits.", "none"),
        ("Recalled 1/3 words at five minutes.", "cognitive_impairment"),
        # history lines and loose matches
        ("Hx of depression, stable off medication.", "none"),
        ("Family history of dementia in his mother.", "none"),
        ("He has been working on his garden.", "none"),
    ],
)
def test_labels(rule, sentence, label):
    assert rule.label(sentence) == label, rule.candidates(sentence)


def test_priority_comes_from_the_knowledge_base(rule, vocab):
    both = "Agitated in the evenings and keeps forgetting appointments."
    labels, _ = rule.candidates(both)
    assert {"neuropsychiatric", "cognitive_impairment"} <= labels
    best = max(labels, key=vocab.priority)
    assert rule.label(both) == best == "neuropsychiatric"
    flipped = Vocabulary(
        vocab.symptoms,
        vocab.symptom_label,
        vocab.stages,
        vocab.note_types,
        vocab.risk_factors,
        {
            k: {**v, "priority": -v.get("priority", 0)} if k != "none" else v
            for k, v in vocab.labels.items()
        },
        vocab.reporters,
        vocab.reporter_label,
        vocab.modifies,
        vocab.instruments,
    )
    assert RuleAnnotator(flipped).label(both) == "cognitive_impairment"


def test_irregular_forms_and_stop_words_in_matching():
    assert phrase_in("falls", "She fell twice.")
    assert phrase_in("forgetting medications", "He forgot his medications again.")
    assert phrase_in("weight loss", "Has lost weight this year.")
    assert not phrase_in("has been worried", "He has been working on his garden.")


def test_planned_label_follows_the_reporter(vocab):
    assert vocab.planned_label("forgetfulness", "family") == "concern_by_others"
    assert vocab.planned_label("forgetfulness", "patient") == "cognitive_impairment"
    assert vocab.planned_label("help_with_bathing", "family") == "requires_assistance"
    assert vocab.planned_label("difficulty_managing_finances") == "requires_assistance"
