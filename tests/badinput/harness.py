"""The bad-input contract, checked the same way for every case.

A bad input must give: exit status != 0, exactly one line on stderr (``error: ...``, naming the
problem), no traceback, and no change to the graph store or to any watched output folder.
Each area adds its cases in its own ``test_*.py`` module with :func:`check_rejected`.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Case", "check_rejected", "tree_digest"]

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class Case:
    """One bad input: the command line and a fragment the error line must contain.

    ``args`` may hold ``{tmp}`` (the test's private folder) and ``{alz}`` (a private copy of
    the bundled Alzheimer's folder); ``expect`` is matched case-insensitively.
    """

    id: str
    args: tuple[str, ...]
    expect: str

    def argv(self, **where: Path) -> list[str]:
        return [a.format(**{k: str(v) for k, v in where.items()}) for a in self.args]


def tree_digest(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a content hash: what a failed command must
    leave as it was."""
    if not root.exists():
        return {}
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return out


def check_rejected(run_cli: RunCli, argv: list[str], expect: str, watch: Iterable[Path]) -> str:
    """Run ``argv`` and assert the bad-input contract; return the error line."""
    roots = list(watch)
    before = [tree_digest(r) for r in roots]
    result = run_cli(*argv, timeout=120)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.returncode != 0, f"exit 0 for {argv}: {result.stdout[-300:]}"
    assert len(lines) == 1, f"{len(lines)} stderr lines for {argv}:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in result.stderr and "internal error" not in line, line
    assert expect.lower() in line.lower(), f"{expect!r} not in {line!r}"
    for root, digest in zip(roots, before, strict=True):
        assert tree_digest(root) == digest, f"{argv} changed {root}"
    return line
