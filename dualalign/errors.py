"""The exception tree of dualalign. Every error the library raises derives from DualAlignError.

DualAlignError
├── ConfigError (also ValueError)          bad option, environment variable or config file
│   └── ObservationError                   a cohort observation file cannot be mined
├── OntologyError                          a disease knowledge base cannot be used
│   ├── OntologyNotFoundError (KeyError)   no such disease registered / no such folder
│   └── OntologyValidationError            the folder breaks the format; carries every problem
├── StoreError                             a graph store failed
│   ├── StoreUnavailableError              server unreachable or wrong credentials
│   └── GraphEmptyError                    the store holds no graph yet
└── GenerationError                        an LLM call or chain failed
    └── TransientGenerationError           worth retrying: empty or unparseable model output

Messages are one line and name the problem and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "DualAlignError",
    "GenerationError",
    "GraphEmptyError",
    "ObservationError",
    "OntologyError",
    "OntologyNotFoundError",
    "OntologyValidationError",
    "Problem",
    "StoreError",
    "StoreUnavailableError",
    "TransientGenerationError",
]


class DualAlignError(Exception):
    """Root of every error raised by dualalign."""


class ConfigError(DualAlignError, ValueError):
    """An option, environment variable or configuration value is invalid."""


class ObservationError(ConfigError):
    """An observation file given to `dualalign mine` is unusable (missing column, bad date,
    empty file, unknown format ...); the message names the file, the row and the fix."""


class OntologyError(DualAlignError):
    """A disease knowledge base cannot be used."""


class OntologyNotFoundError(OntologyError, KeyError):
    """No disease of that name is registered, or the folder does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding, rendered as a single line.

    Attributes:
        file: File name relative to the disease folder.
        message: What is wrong, naming the term.
        fix: What to do about it.
        line: 1-based line number, when known.
    """

    file: str
    message: str
    fix: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}; fix: {self.fix}"


class OntologyValidationError(OntologyError):
    """A disease folder breaks the format. ``problems`` lists every finding."""

    def __init__(self, folder: str, problems: Sequence[Problem]) -> None:
        self.folder = folder
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid"
        more = len(self.problems) - 1
        suffix = f" (+{more} more; run `dualalign ontology validate {folder}`)" if more else ""
        super().__init__(f"{folder}/{first}{suffix}")


class StoreError(DualAlignError):
    """A graph store operation failed."""


class StoreUnavailableError(StoreError):
    """The graph server cannot be reached or refused the credentials."""


class GraphEmptyError(StoreError):
    """The store has no graph loaded."""


class GenerationError(DualAlignError):
    """An LLM call or a generation chain failed."""


class TransientGenerationError(GenerationError):
    """A failure that another attempt may not repeat: the model returned nothing, or output
    that does not parse. (Transport errors, 429 and 5xx are the SDKs' own exception types.)"""
