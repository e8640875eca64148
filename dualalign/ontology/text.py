"""How a term's text is compared: one rule for the lexicon, HPO names and mined mentions."""

from __future__ import annotations

__all__ = ["normalise"]


def normalise(text: str) -> str:
    """Lower case, inner whitespace collapsed."""
    return " ".join(text.lower().split())
