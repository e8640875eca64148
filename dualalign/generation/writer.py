"""Write one sentence or one whole note for a task, with the versioned prompts."""

from __future__ import annotations

from dualalign.generation.annotate import split_sentences
from dualalign.generation.calls import Caller, Meter
from dualalign.generation.context import (
    NoteTask,
    render_request,
    render_sentence_request,
    sentence_request_parts,
)
from dualalign.generation.modes import Mode
from dualalign.generation.prompts import (
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

__all__ = ["Writer"]


class Writer:
    """Writes a task's sentences (or note) through a :class:`Caller`."""

    def __init__(
        self, caller: Caller, vocab: Vocabulary, style: StyleExamples | None, style_k: int
    ) -> None:
        self.caller, self.vocab, self.style, self.style_k = caller, vocab, style, style_k

    def version(self, task: NoteTask, note: bool = False) -> str:
        """The prompt version behind the task's text."""
        if task.mode == Mode.UNCONSTRAINED:
            return UNCONSTRAINED_VERSION
        if note:
            return NARRATIVE_VERSION
        return STYLE_SENTENCE_VERSION if self.style is not None else SENTENCE_VERSION

    def note(self, task: NoteTask, attempt: int, meter: Meter) -> str:
        """A whole note in one call (``--format soap``)."""
        request = {"request": render_request(task, self.vocab)}
        return self.caller.text(NARRATIVE_PROMPT, request, task.seed + attempt, meter)

    def sentence(self, task: NoteTask, item: str | None, attempt: int, k: int, meter: Meter) -> str:
        """One sentence: documenting a term, illustrating a label, or a routine one."""
        seed = task.seed + 1009 * k + attempt
        if task.mode == Mode.UNCONSTRAINED:
            label = item or "none"
            definition = self.vocab.labels.get(label, {}).get("definition", "")
            inputs = {"label": label, "definition": definition}
            text = self.caller.text(UNCONSTRAINED_PROMPT, inputs, seed, meter, one_line=True)
        else:
            prompt = SENTENCE_PROMPT
            head = sentence_request_parts(task, self.vocab, item)[0]
            if self.style is not None:
                label = self.vocab.planned_label(item, task.reporter_of(item)) if item else "none"
                prompt = self.style.prompt(label, seed, self.style_k, self.vocab, item, head)
            inputs = {"request": render_sentence_request(task, self.vocab, item)}
            text = self.caller.text(prompt, inputs, seed, meter, one_line=True)
        found = split_sentences(text)
        first = found[0] if found else text
        return first if first[-1:] in ".!?\"')" else first + "."
