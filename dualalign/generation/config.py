"""How notes are written and checked: the generation settings of a run."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from dualalign.generation.modes import Mode

__all__ = ["Annotator", "GenerationSettings", "Primary"]


class Annotator(StrEnum):
    """Who labels the sentences."""

    LLM = "llm"
    RULE = "rule"


class Primary(StrEnum):
    """Whose label a sentence's ``label`` column takes."""

    AUTO = "auto"
    LLM = "llm"
    RULE = "rule"


class GenerationSettings(BaseModel):
    """How notes are written and checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = Mode.DUALALIGN
    #: generations per planned sentence (or note) before it is recorded as failed
    max_attempts: int = Field(default=3, ge=1, le=50)
    #: tries per LLM call for transient errors (timeouts, 429, 5xx, unparseable output)
    retries: int = Field(default=5, ge=1, le=50)
    backoff: float = Field(default=0.5, ge=0.0, le=60.0, allow_inf_nan=False)
    #: None: the rule annotator alone for an in-process model (a 135M model's labels agree
    #: with the plan too rarely to be worth their time), both for any other back-end.
    annotators: tuple[Annotator, ...] | None = None
    primary: Primary = Primary.AUTO
    #: few-shot examples per sentence drawn from ``--style-examples`` (0: the fixed examples)
    style_k: int = Field(default=4, ge=0, le=32)

    def resolved_annotators(self, in_process: bool) -> tuple[Annotator, ...]:
        """The annotators to run, given whether the model runs in this process."""
        if self.annotators is not None:
            return self.annotators
        return (Annotator.RULE,) if in_process else (Annotator.LLM, Annotator.RULE)
