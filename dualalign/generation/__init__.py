"""Grounded generation: notes and labelled sentences from walks and personas.

Import the pieces from their modules (``dualalign.generation.pipeline``, ``.runner``, ...);
this package stays light so the command line starts fast.
"""

from dualalign.generation.modes import FORMATS, MODES, Format, Mode

__all__ = ["FORMATS", "MODES", "Format", "Mode"]
