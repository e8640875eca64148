"""One LLM call as the generator makes it: seeded, stopped early for one sentence, retried
on transient errors, and metered into the task that made it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from tenacity import RetryCallState

from dualalign.errors import TransientGenerationError
from dualalign.llm import ChatLLM, retrying

__all__ = ["Caller", "Meter"]

#: Stop sequences for one-sentence answers: the end of a line or of a sentence.
_ONE_SENTENCE = ["\n", ". ", "! ", "? "]


@dataclass
class Meter:
    """What one task spent. Each task has its own, so no lock is needed."""

    attempts: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add_usage(self, message: AIMessage) -> None:
        """Count the tokens of one response."""
        usage: dict[str, Any] = dict(message.usage_metadata or {})
        self.input_tokens += int(usage.get("input_tokens", 0))
        self.output_tokens += int(usage.get("output_tokens", 0))

    def count_retry(self, _: RetryCallState) -> None:
        self.retries += 1


class Caller:
    """Calls a chat model with the run's retry policy."""

    def __init__(self, llm: ChatLLM, retries: int, backoff: float) -> None:
        self.llm, self.retries, self.backoff = llm, retries, backoff

    def policy(self, meter: Meter) -> Any:
        """The retry policy, counting retries into ``meter``."""
        return retrying(self.retries, self.backoff, meter.count_retry)

    def text(
        self,
        prompt: ChatPromptTemplate,
        inputs: dict[str, Any],
        seed: int,
        meter: Meter,
        *,
        one_line: bool = False,
    ) -> str:
        """The model's answer, stripped.

        Raises:
            TransientGenerationError: the answer stayed empty after every retry.
            Exception: a transport error after every retry (openai/httpx types).
        """
        model: Any = self.llm.model
        if self.llm.caps.call_options:
            model = model.bind(seed=seed)
            if one_line:  # only the first sentence is kept: stop there instead of paying on
                model = model.bind(stop=_ONE_SENTENCE, max_tokens=60)
        chain = prompt | model
        text = ""
        for tried in self.policy(meter):
            with tried:
                message = chain.invoke(inputs)
                meter.add_usage(message)
                text = str(message.content).strip()
                if not text:
                    raise TransientGenerationError("the model returned an empty answer")
        return text
