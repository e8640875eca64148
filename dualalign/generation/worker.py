"""The work of one task, on its own: write each planned sentence (or the note), regenerate
what fails the grounding checks, label, and return typed rows with what it cost.

It holds no journal and no shared counters, so any executor (threads here, Ray workers
elsewhere) can run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dualalign.generation.annotate import LLMAnnotator, RuleAnnotator, split_sentences
from dualalign.generation.calls import Caller, Meter
from dualalign.generation.config import Annotator, GenerationSettings, Primary
from dualalign.generation.context import NoteTask
from dualalign.generation.grounding import check_note
from dualalign.generation.labelling import Labeller, agreement
from dualalign.generation.modes import Format, Mode
from dualalign.generation.rows import failure_row, note_rows
from dualalign.generation.style import StyleExamples
from dualalign.generation.vocabulary import Vocabulary
from dualalign.generation.writer import Writer
from dualalign.llm import ChatLLM
from dualalign.records import FailureRow, NoteRow, SentenceRow, TaskUsage

__all__ = ["TaskResult", "TaskWorker"]


@dataclass
class TaskResult:
    """A finished task's rows."""

    task_id: str
    notes: list[NoteRow] = field(default_factory=list)
    sentences: list[SentenceRow] = field(default_factory=list)
    failures: list[FailureRow] = field(default_factory=list)
    usage: TaskUsage | None = None
    #: (matching, compared) per annotator pair, for the note written
    agreement: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Nothing was written for the task."""
        return not self.notes


@dataclass
class _Outcome:
    text: str = ""
    problems: tuple[str, ...] = ("not attempted",)
    attempts: int = 0
    error: bool = False


class TaskWorker:
    """Runs tasks with one model (and optionally a second instance for labelling)."""

    def __init__(
        self,
        llm: ChatLLM,
        vocab: Vocabulary,
        settings: GenerationSettings,
        *,
        annotator_llm: ChatLLM | None = None,
        style: StyleExamples | None = None,
    ) -> None:
        self.llm, self.vocab, self.settings = llm, vocab, settings
        self.caller = Caller(llm, settings.retries, settings.backoff)
        self.writer = Writer(self.caller, vocab, style, settings.style_k)
        self.style = style
        use_llm = Annotator.LLM in settings.resolved_annotators(llm.caps.in_process)
        labeller_llm = annotator_llm or llm
        annotator = (
            LLMAnnotator(labeller_llm, vocab, labeller_llm.spec.structured_method)
            if use_llm
            else None
        )
        # an in-process 135M model cannot label reliably: its labels are kept, the rule leads
        lead = (
            Annotator(settings.primary.value)
            if settings.primary != Primary.AUTO
            else Annotator.RULE
            if llm.caps.in_process or annotator is None
            else Annotator.LLM
        )
        caller = Caller(labeller_llm, settings.retries, settings.backoff)
        self.labeller = Labeller(RuleAnnotator(vocab), annotator, lead, caller)

    @property
    def model(self) -> str:
        return self.llm.label

    def run(self, task: NoteTask, round_: int = 0) -> TaskResult:
        """Write the task's note. ``round_`` > 0 is a retry: attempts get fresh seeds."""
        meter = Meter()
        offset = round_ * self.settings.max_attempts
        if task.fmt == Format.SOAP:
            result = self._note(task, meter, offset)
        else:
            result = self._sentences(task, meter, offset)
        result.usage = TaskUsage(
            task_id=task.task_id,
            attempts=meter.attempts,
            retries=meter.retries,
            input_tokens=meter.input_tokens,
            output_tokens=meter.output_tokens,
            agreement=result.agreement,
        )
        return result

    def _items(self, task: NoteTask) -> list[str | None]:
        if task.mode == Mode.UNCONSTRAINED:
            return [task.focus_label] * 3
        return [*task.terms, None]  # planned terms, then one routine sentence

    def _attempt_sentence(
        self, task: NoteTask, item: str | None, k: int, meter: Meter, offset: int
    ) -> _Outcome:
        planned = item is not None and task.mode != Mode.UNCONSTRAINED
        view = replace(
            task,
            terms=(item,) if planned and item else (),
            reporters=(task.reporter_of(item),) if planned and item else (),
        )
        out = _Outcome()
        for attempt in range(self.settings.max_attempts):
            meter.attempts += 1
            out.attempts += 1
            try:
                out.text = self.writer.sentence(task, item, offset + attempt, k, meter)
            except Exception as exc:  # retries exhausted: record, do not stop the run
                out.problems, out.error = (f"{type(exc).__name__}: {exc}",), True
                return out
            problems = check_note(view, out.text, self.vocab).problems
            if self.style is not None and self.style.copies(out.text):
                problems = (*problems, "copies an 8-word run of a style example")
            out.problems = tuple(problems)
            if not problems:
                return out
        return out

    def _sentences(self, task: NoteTask, meter: Meter, offset: int) -> TaskResult:
        result = TaskResult(task.task_id)
        sentences: list[str] = []
        kept: list[str | None] = []
        for k, item in enumerate(self._items(task)):
            out = self._attempt_sentence(task, item, k, meter, offset)
            if not out.problems:
                sentences.append(out.text)
                kept.append(item)
                continue
            result.failures.append(self._failure(task, item, out))
        if sentences:
            text = "\n".join(sentences)
            expressed = check_note(task, text, self.vocab).expressed
            self._finish(result, task, text, sentences, expressed, kept, meter)
        return result

    def _note(self, task: NoteTask, meter: Meter, offset: int) -> TaskResult:
        result = TaskResult(task.task_id)
        out = _Outcome()
        for attempt in range(self.settings.max_attempts):
            meter.attempts += 1
            out.attempts += 1
            try:
                out.text = self.writer.note(task, offset + attempt, meter)
            except Exception as exc:
                out.problems, out.error = (f"{type(exc).__name__}: {exc}",), True
                break
            sentences = split_sentences(out.text)
            check = check_note(task, out.text, self.vocab)
            out.problems = tuple(check.problems) if sentences else ("no sentences",)
            if not out.problems:
                self._finish(result, task, out.text, sentences, check.expressed, None, meter)
                return result
        result.failures.append(self._failure(task, None, out))
        return result

    def _finish(
        self,
        result: TaskResult,
        task: NoteTask,
        text: str,
        sentences: list[str],
        expressed: tuple[str, ...],
        items: list[str | None] | None,
        meter: Meter,
    ) -> None:
        labelled = self.labeller.label(sentences, meter)
        planned = [self.vocab.planned_label(s, task.reporter_of(s)) for s in task.terms]
        result.agreement = agreement(planned, labelled)
        note, rows = note_rows(
            task,
            text=text,
            sentences=sentences,
            expressed=expressed,
            labelled=labelled,
            model=self.model,
            prompt_version=self.writer.version(task, note=items is None),
            vocab=self.vocab,
            items=items,
        )
        result.notes.append(note)
        result.sentences.extend(rows)

    def _failure(self, task: NoteTask, item: str | None, out: _Outcome) -> FailureRow:
        return failure_row(
            task,
            item,
            kind="error" if out.error else "rejected",
            attempts=out.attempts,
            problems=out.problems,
            text=out.text,
            model=self.model,
        )
