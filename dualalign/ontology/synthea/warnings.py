"""What the importer reports: one :class:`SyntheaWarning` per thing the module holds that the
disease folder cannot, collected once per (state, what) by a :class:`WarningLog`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SyntheaWarning", "WarningLog"]


@dataclass(frozen=True)
class SyntheaWarning:
    """Something the module holds that the disease folder cannot: module, state, what, why."""

    module: str
    state: str
    dropped: str
    reason: str

    def __str__(self) -> str:
        return f"WARNING {self.module}: state '{self.state}': {self.dropped}: {self.reason}"


class WarningLog:
    """The warnings of one module's conversion, in the order first raised, each once."""

    def __init__(self, module_file: str) -> None:
        self.file = module_file
        self.warnings: list[SyntheaWarning] = []
        self._warned: set[tuple[str, str]] = set()

    def warn(self, state: str, dropped: str, reason: str) -> None:
        """Record that ``dropped`` in ``state`` is not imported (or changed), and why."""
        if (state, dropped) not in self._warned:
            self._warned.add((state, dropped))
            self.warnings.append(SyntheaWarning(self.file, state, dropped, reason))
