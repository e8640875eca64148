"""Grounded generation: notes and labelled sentences from walks and personas."""

from dualalign.generation.context import FORMATS, MODES, NoteTask
from dualalign.generation.pipeline import RunRequest, run_generation
from dualalign.generation.runner import GenerationSettings, Runner

__all__ = ["FORMATS", "MODES", "GenerationSettings", "NoteTask", "RunRequest", "Runner",
           "run_generation"]
