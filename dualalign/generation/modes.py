"""Generation modes and note formats (kept free of heavy imports: the CLI reads them)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FORMATS", "MODES", "Format", "Mode"]


class Mode(StrEnum):
    """What grounds a note: the paper's full method and its ablations."""

    DUALALIGN = "dualalign"
    PERSONA_ONLY = "persona-only"
    TRAJECTORY_ONLY = "trajectory-only"
    UNCONSTRAINED = "unconstrained"


class Format(StrEnum):
    """One call per sentence, or a whole SOAP note per call."""

    SENTENCES = "sentences"
    SOAP = "soap"


MODES: tuple[Mode, ...] = tuple(Mode)
FORMATS: tuple[Format, ...] = tuple(Format)
