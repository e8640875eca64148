"""Generation modes and note formats (kept free of heavy imports: the CLI reads them)."""

from __future__ import annotations

from typing import Literal

__all__ = ["FORMATS", "MODES", "Format", "Mode"]

Mode = Literal["dualalign", "persona-only", "trajectory-only", "unconstrained"]
Format = Literal["sentences", "soap"]
MODES: tuple[Mode, ...] = ("dualalign", "persona-only", "trajectory-only", "unconstrained")
FORMATS: tuple[Format, ...] = ("sentences", "soap")
