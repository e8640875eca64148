"""Run note tasks: generate, check grounding (regenerate up to a limit), annotate, and journal
every finished task. Transient failures (timeouts, 429, 5xx, unparseable output) are retried
with exponential backoff; tasks run concurrently."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from pydantic import BaseModel, ConfigDict
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from dualalign.errors import GenerationError
from dualalign.generation.annotate import LLMAnnotator, RuleAnnotator, split_sentences
from dualalign.generation.context import Mode, NoteTask, render_request, render_sentence_request
from dualalign.generation.grounding import check_note
from dualalign.generation.journal import Journal
from dualalign.generation.prompts import (
    ANNOTATION_VERSION,
    NARRATIVE_PROMPT,
    NARRATIVE_VERSION,
    SENTENCE_PROMPT,
    SENTENCE_VERSION,
    STYLE_SENTENCE_VERSION,
    UNCONSTRAINED_PROMPT,
    UNCONSTRAINED_VERSION,
)
from dualalign.generation.style import StyleExamples
from dualalign.generation.vocabulary import Vocabulary
from dualalign.llm import ChatLocalLlama, model_label

__all__ = ["GenerationSettings", "RunStats", "Runner", "is_retryable"]

logger = logging.getLogger(__name__)

#: Chat models (besides the local one) that take per-call seed, stop and max_tokens.
_CALL_OPTIONS = frozenset({"ChatOpenAI", "ChatTransformers"})

#: Stop sequences for one-sentence answers: the end of a line or of a sentence.
_ONE_SENTENCE = ["\n", ". ", "! ", "? "]


class GenerationSettings(BaseModel):
    """How notes are written and checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = "dualalign"
    max_attempts: int = 3
    retries: int = 5
    backoff: float = 0.5
    #: None: the rule annotator alone for the in-process local model (a 135M model's labels
    #: agree with the plan too rarely to be worth their time), both for any other back-end.
    annotators: tuple[Literal["llm", "rule"], ...] | None = None
    primary: Literal["auto", "llm", "rule"] = "auto"
    #: few-shot examples per sentence drawn from ``--style-examples`` (0: the fixed examples)
    style_k: int = 4

    def resolved_annotators(self, local: bool) -> tuple[Literal["llm", "rule"], ...]:
        """The annotators to run, given whether the model is the in-process local one."""
        if self.annotators is not None:
            return self.annotators
        return ("rule",) if local else ("llm", "rule")


def is_retryable(exc: BaseException) -> bool:
    """Timeouts, connection errors, 429, 5xx and unparseable model output."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(
        exc,
        (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.APIResponseValidationError,
            httpx.TimeoutException,
            GenerationError,
            ValueError,
        ),
    )


@dataclass
class RunStats:
    """Counters for progress and the manifest."""

    tasks: int = 0
    notes: int = 0
    sentences: int = 0
    failures: int = 0
    attempts: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    agreement: dict[str, list[int]] = field(
        default_factory=lambda: {
            "llm_vs_plan": [0, 0],
            "rule_vs_plan": [0, 0],
            "llm_vs_rule": [0, 0],
        }
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_usage(self, message: AIMessage) -> None:
        """Count tokens of one response."""
        usage = message.usage_metadata or {}
        with self._lock:
            self.input_tokens += int(usage.get("input_tokens", 0))
            self.output_tokens += int(usage.get("output_tokens", 0))

    def rates(self) -> dict[str, float | None]:
        """Agreement fractions (None where nothing was compared)."""
        return {k: (v[0] / v[1] if v[1] else None) for k, v in self.agreement.items()}


class Runner:
    """Writes, checks and annotates notes for tasks, journaling each finished task."""

    def __init__(
        self,
        llm: BaseChatModel,
        vocab: Vocabulary,
        settings: GenerationSettings,
        annotator_llm: BaseChatModel | None = None,
        style: StyleExamples | None = None,
    ) -> None:
        self.llm, self.vocab, self.settings = llm, vocab, settings
        self.style = style
        self.model = model_label(llm)
        self.rule = RuleAnnotator(vocab)
        local = isinstance(llm, ChatLocalLlama)
        self.annotator = (
            LLMAnnotator(annotator_llm or llm, vocab)
            if "llm" in settings.resolved_annotators(local)
            else None
        )
        self.stats = RunStats()
        # A 135M local model cannot label reliably: its labels are kept, the rule ones lead.
        self.primary = (
            settings.primary
            if settings.primary != "auto"
            else ("rule" if local or self.annotator is None else "llm")
        )

    def _retrying(self) -> Retrying:
        def count(_: Any) -> None:
            with self.stats._lock:
                self.stats.retries += 1

        backoff = wait_random_exponential(multiplier=self.settings.backoff, max=30)

        def wait(state: RetryCallState) -> float:
            # a server under load (429/5xx/timeouts) gets backoff; bad output is retried at once
            exc = state.outcome.exception() if state.outcome else None
            return 0.0 if isinstance(exc, GenerationError | ValueError) else backoff(state)

        return Retrying(
            stop=stop_after_attempt(self.settings.retries),
            wait=wait,
            retry=retry_if_exception(is_retryable),
            before_sleep=count,
            reraise=True,
        )

    def _supports_seed(self) -> bool:
        """Whether the model takes per-call ``seed``, ``stop`` and ``max_tokens``."""
        return isinstance(self.llm, ChatLocalLlama) or type(self.llm).__name__ in _CALL_OPTIONS

    def _seeded(self, seed: int) -> Any:
        return self.llm.bind(seed=seed) if self._supports_seed() else self.llm

    def _call(self, prompt: Any, inputs: dict[str, Any], seed: int, one_line: bool = False) -> str:
        llm = self._seeded(seed)
        if one_line and self._supports_seed():
            # only the first sentence is kept: stop at its end instead of paying for more
            llm = llm.bind(stop=_ONE_SENTENCE, max_tokens=60)
        chain = prompt | llm
        for tried in self._retrying():
            with tried:
                message = chain.invoke(inputs)
                self.stats.add_usage(message)
                text = str(message.content).strip()
                if not text:
                    raise GenerationError("the model returned an empty answer")
        return text

    def _write_note(self, task: NoteTask, attempt: int) -> str:
        """A whole note in one call (``--format soap``)."""
        return self._call(
            NARRATIVE_PROMPT, {"request": render_request(task, self.vocab)}, task.seed + attempt
        )

    def _write_sentence(self, task: NoteTask, item: str | None, attempt: int, k: int) -> str:
        """One sentence: documenting a term, illustrating a label, or a routine one."""
        seed = task.seed + 1009 * k + attempt
        if task.mode == "unconstrained":
            label = item or "none"
            definition = self.vocab.labels.get(label, {}).get("definition", "")
            text = self._call(
                UNCONSTRAINED_PROMPT,
                {"label": label, "definition": definition},
                seed,
                one_line=True,
            )
        else:
            prompt = SENTENCE_PROMPT
            if self.style is not None:
                label = self.vocab.planned_label(item, task.reporter_of(item)) if item else "none"
                prompt = self.style.prompt(label, seed, self.settings.style_k, self.vocab)
            text = self._call(
                prompt,
                {"request": render_sentence_request(task, self.vocab, item)},
                seed,
                one_line=True,
            )
        found = split_sentences(text)
        first = found[0] if found else text
        return first if first[-1:] in ".!?\"')" else first + "."

    def _annotate(self, sentences: list[str]) -> list[str] | None:
        if self.annotator is None:
            return None
        try:
            for tried in self._retrying():
                with tried:
                    return self.annotator.annotate(sentences)
        except Exception as exc:  # recorded as missing LLM labels, not hidden
            logger.warning("LLM annotation failed: %s", exc)
        return None

    def _failure(
        self, task: NoteTask, item: str | None, problems: Sequence[str], text: str
    ) -> dict[str, Any]:
        with self.stats._lock:
            self.stats.failures += 1
        return {
            "task_id": task.task_id,
            "trajectory_id": task.trajectory_id,
            "visit_index": task.visit.index,
            "mode": task.mode,
            "item": item,
            "attempts": self.settings.max_attempts,
            "problems": list(problems),
            "last_text": text,
            "model": self.model,
            "at": datetime.now(UTC).isoformat(),
        }

    def _items(self, task: NoteTask) -> list[str | None]:
        if task.mode == "unconstrained":
            return [task.focus_label] * 3
        return [*task.terms, None]  # planned terms, then one routine sentence

    def run_task(self, task: NoteTask) -> dict[str, list[dict[str, Any]]]:
        """Write the task's note, regenerating what fails its checks; return journal rows."""
        if task.fmt == "soap":
            return self._run_note(task)
        sentences: list[str] = []
        kept: list[str | None] = []
        failures: list[dict[str, Any]] = []
        for k, item in enumerate(self._items(task)):
            text, problems = "", ("not attempted",)
            planned = item is not None and task.mode != "unconstrained"
            view = replace(
                task,
                terms=(item,) if planned and item else (),
                reporters=(task.reporter_of(item),) if planned and item else (),
            )
            for attempt in range(self.settings.max_attempts):
                with self.stats._lock:
                    self.stats.attempts += 1
                try:
                    text = self._write_sentence(task, item, attempt, k)
                except Exception as exc:  # retries exhausted: record, do not stop the run
                    problems = (f"{type(exc).__name__}: {exc}",)
                    break
                problems = check_note(view, text, self.vocab).problems
                if self.style is not None and self.style.copies(text):
                    problems = (*problems, "copies an 8-word run of a style example")
                if not problems:
                    sentences.append(text)
                    kept.append(item)
                    break
            if problems:
                failures.append(self._failure(task, item, problems, text))
        if not sentences:
            return {"failures": failures}
        text = "\n".join(sentences)
        expressed = check_note(task, text, self.vocab).expressed
        version = STYLE_SENTENCE_VERSION if self.style is not None else SENTENCE_VERSION
        rows = self._rows(task, text, sentences, expressed, version, kept)
        rows["failures"] = failures
        return rows

    def _run_note(self, task: NoteTask) -> dict[str, list[dict[str, Any]]]:
        problems: tuple[str, ...] = ()
        text = ""
        for attempt in range(self.settings.max_attempts):
            with self.stats._lock:
                self.stats.attempts += 1
            try:
                text = self._write_note(task, attempt)
            except Exception as exc:
                problems = (f"{type(exc).__name__}: {exc}",)
                break
            sentences = split_sentences(text)
            result = check_note(task, text, self.vocab)
            problems = result.problems if sentences else ("no sentences",)
            if not problems:
                return self._rows(task, text, sentences, result.expressed, NARRATIVE_VERSION)
        return {"failures": [self._failure(task, None, problems, text)]}

    def _rows(
        self,
        task: NoteTask,
        text: str,
        sentences: list[str],
        expressed: tuple[str, ...],
        version: str,
        items: Sequence[str | None] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        rule = self.rule.annotate(sentences)
        llm = self._annotate(sentences)
        planned = {self.vocab.planned_label(s, task.reporter_of(s)) for s in task.terms}
        self._agree(planned, rule, llm)
        now = datetime.now(UTC).isoformat()
        note_id = f"note-{task.task_id}"
        version = UNCONSTRAINED_VERSION if task.mode == "unconstrained" else version
        common = {
            "note_id": note_id,
            "task_id": task.task_id,
            "visit_index": task.visit.index,
            "persona_id": task.persona.id,
            "trajectory_id": task.trajectory_id,
            "mode": task.mode,
            "model": self.model,
            "prompt_version": version,
            "seed": task.seed,
            "created_at": now,
        }
        sentence_rows = []
        lead = "llm" if self.primary == "llm" and llm else "rule"
        for i, sent in enumerate(sentences):
            label = llm[i] if lead == "llm" and llm else rule[i]
            plan: dict[str, Any] = {}
            if items is not None and task.mode != "unconstrained":
                item = items[i]
                plan = {
                    "planned_symptom": item,
                    "reporter": task.reporter_of(item) if item else None,
                    "planned_label": self.vocab.planned_label(item, task.reporter_of(item))
                    if item
                    else "none",
                }
            elif task.mode == "unconstrained":
                plan = {
                    "planned_symptom": None,
                    "reporter": None,
                    "planned_label": task.focus_label,
                }
            sentence_rows.append(
                {
                    **common,
                    "sentence_index": i,
                    "text": sent,
                    "label": label,
                    "annotator": lead,
                    "labels": {"llm": llm[i] if llm else None, "rule": rule[i]},
                    "annotation_version": ANNOTATION_VERSION,
                    "planned_symptoms": list(task.terms),
                    "expressed_symptoms": list(expressed),
                    "stage": task.visit.stage,
                    "note_type": task.visit.note_type,
                    "years_from_diagnosis": task.visit.years_from_diagnosis,
                    **plan,
                }
            )
        with self.stats._lock:
            self.stats.notes += 1
            self.stats.sentences += len(sentences)
        note = {
            **common,
            "text": text,
            "format": task.fmt,
            "planned_symptoms": list(task.terms),
            "expressed_symptoms": list(expressed),
            "stage": task.visit.stage,
            "note_type": task.visit.note_type,
            "focus_label": task.focus_label,
        }
        return {"notes": [note], "sentences": sentence_rows}

    def _agree(self, planned: set[str], rule: list[str], llm: list[str] | None) -> None:
        with self.stats._lock:
            a = self.stats.agreement
            if planned:
                a["rule_vs_plan"][0] += len(planned & set(rule))
                a["rule_vs_plan"][1] += len(planned)
                if llm is not None:
                    a["llm_vs_plan"][0] += len(planned & set(llm))
                    a["llm_vs_plan"][1] += len(planned)
            if llm is not None:
                a["llm_vs_rule"][0] += sum(x == y for x, y in zip(llm, rule, strict=True))
                a["llm_vs_rule"][1] += len(rule)

    def run(
        self,
        tasks: Sequence[NoteTask],
        journal: Journal,
        concurrency: int,
        on_done: Callable[[], None] = lambda: None,
    ) -> RunStats:
        """Run every task not yet in the journal; each finished task is committed at once."""
        todo = [t for t in tasks if t.task_id not in journal.done]
        self.stats.tasks = len(tasks)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            futures = {pool.submit(self.run_task, t): t for t in todo}
            for future in as_completed(futures):
                journal.commit(futures[future].task_id, future.result())
                on_done()
        logger.info("ran %d tasks in %.1f s", len(todo), time.perf_counter() - started)
        return self.stats
