"""The rule annotator: lexicon terms from the knowledge base plus the cues of
:mod:`dualalign.generation.cues`, resolved by the knowledge base's label priorities.

Per sentence:

1. every lexicon phrase (term label, synonyms, lay phrases, abbreviations) found in it, unless
   a negation or history cue covers it ("denies hallucinations", "hx of depression");
2. cues: a relative reporting (``concern_by_others`` when something is reported), help given
   by others (``requires_assistance``, unless the help is negated or the patient manages alone),
   a cognitive test score below the instrument's normal range, a weight loss in pounds;
3. the candidate label with the highest ``da:priority`` wins; with none left, ``none``.
"""

from __future__ import annotations

from functools import cached_property

from dualalign.generation.cues import Cues, Screening, affirmed, find_cues, post_negated
from dualalign.generation.vocabulary import LAY_PARTIAL, Vocabulary

__all__ = ["RuleAnnotator"]

_COGNITIVE = "cognitive_impairment"
_PHYSIOLOGICAL = "physiological_changes"
_ASSISTANCE = "requires_assistance"
_CONCERN = "concern_by_others"


class RuleAnnotator:
    """Labels from lexicon matches and sentence cues, with negation and who-helps scope."""

    name = "rule"

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    @cached_property
    def _phrases(self) -> list[tuple[str, str, float]]:
        """(phrase, label, share of content words a partial match needs)."""
        out: list[tuple[str, str, float]] = []
        for symptom in sorted(self.vocab.symptoms):
            label = self.vocab.symptom_label.get(symptom, "none")
            lay = self.vocab.lay_phrases(symptom)
            out.extend(
                (phrase, label, LAY_PARTIAL if phrase in lay else 0.66)
                for phrase in self.vocab.phrases(symptom)
                if len(phrase) >= 3
            )
        return out

    @cached_property
    def _screens(self) -> tuple[Screening, ...]:
        return tuple(
            Screening(
                tuple(str(n) for n in props.get("names", [])),
                int(props["max_score"]),
                float(props["normal_from"]),  # type: ignore[arg-type]
            )
            for props in self.vocab.instruments.values()
        )

    @cached_property
    def _reported_labels(self) -> frozenset[str]:
        """Labels that only a reporter gives (a relative's concern)."""
        return frozenset(self.vocab.reporter_label.values())

    def _known(self, label: str) -> bool:
        return label in self.vocab.labels

    def matches(self, sentence: str) -> list[str]:
        """Labels of the lexicon phrases a sentence expresses, except negated ones."""
        return [
            label for phrase, label, partial in self._phrases if affirmed(phrase, sentence, partial)
        ]

    def candidates(self, sentence: str) -> tuple[set[str], Cues]:
        """The labels a sentence supports, before the priority decides, and its cues."""
        cues = find_cues(sentence, self._screens)
        # a label that reporters give (a relative's concern) needs a reporter in the sentence
        labels = {
            lab
            for lab in self.matches(sentence)
            if lab != "none" and (lab not in self._reported_labels or cues.reporter)
        }
        if post_negated(sentence) and not cues.reporter:
            labels.clear()
        if cues.low_score and self._known(_COGNITIVE):
            labels.add(_COGNITIVE)
        elif cues.normal_score:
            labels.discard(_COGNITIVE)
        if cues.weight_loss and self._known(_PHYSIOLOGICAL):
            labels.add(_PHYSIOLOGICAL)
        if cues.self_care:
            labels.discard(_ASSISTANCE)
        elif cues.assistance and self._known(_ASSISTANCE):
            labels.add(_ASSISTANCE)
        if cues.report_denied:
            labels.discard(_CONCERN)
        elif cues.reporter and self._known(_CONCERN):
            labels.add(_CONCERN)
        return labels, cues

    def label(self, sentence: str) -> str:
        """One label for a sentence: the highest-priority candidate, else ``none``."""
        labels, _ = self.candidates(sentence)
        if not labels:
            return "none"
        return max(sorted(labels), key=self.vocab.priority)

    def annotate(self, sentences: list[str]) -> list[str]:
        """Labels for several sentences."""
        return [self.label(s) for s in sentences]
