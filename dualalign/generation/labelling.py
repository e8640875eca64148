"""Label a note's sentences with the rule annotator and, where configured, the LLM one; and
count how often the labels agree with each other and with the plan."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from dualalign.generation.annotate import LLMAnnotator, RuleAnnotator
from dualalign.generation.calls import Caller, Meter
from dualalign.generation.config import Annotator

__all__ = ["Labelled", "Labeller", "agreement"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labelled:
    """Every annotator's labels for a note's sentences, and whose lead."""

    rule: list[str]
    llm: list[str] | None
    lead: Annotator

    def label(self, i: int) -> str:
        """The label sentence ``i`` takes."""
        return self.llm[i] if self.lead == Annotator.LLM and self.llm else self.rule[i]


class Labeller:
    """Runs the annotators of a run."""

    def __init__(
        self,
        rule: RuleAnnotator,
        llm: LLMAnnotator | None,
        lead: Annotator,
        caller: Caller | None = None,
    ) -> None:
        self.rule, self.llm, self.lead, self.caller = rule, llm, lead, caller

    def label(self, sentences: list[str], meter: Meter) -> Labelled:
        """Labels for the sentences. A failed LLM annotation leaves its labels missing (and is
        logged in one line); the rule labels are always there."""
        rule = self.rule.annotate(sentences)
        llm = self._llm(sentences, meter)
        lead = Annotator.LLM if self.lead == Annotator.LLM and llm else Annotator.RULE
        return Labelled(rule, llm, lead)

    def _llm(self, sentences: list[str], meter: Meter) -> list[str] | None:
        if self.llm is None or self.caller is None:
            return None
        try:
            for tried in self.caller.policy(meter):
                with tried:
                    return self.llm.annotate(sentences)
        except Exception as exc:  # recorded as missing LLM labels, not hidden
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            logger.warning("LLM annotation failed (%s): %s", type(exc).__name__, first)
        return None


def agreement(planned: Iterable[str], labelled: Labelled) -> dict[str, tuple[int, int]]:
    """(matching, compared) per pair: plan vs each annotator (labels planned and found in the
    note), and LLM vs rule per sentence."""
    plan = set(planned)
    out: dict[str, tuple[int, int]] = {}
    if plan:
        out["rule_vs_plan"] = (len(plan & set(labelled.rule)), len(plan))
        if labelled.llm is not None:
            out["llm_vs_plan"] = (len(plan & set(labelled.llm)), len(plan))
    if labelled.llm is not None:
        same = sum(x == y for x, y in zip(labelled.llm, labelled.rule, strict=True))
        out["llm_vs_rule"] = (same, len(labelled.rule))
    return out
