"""Shared fixtures: an isolated data home, the bundled knowledge base, CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.paths import ALZ, TEMPLATE  # noqa: F401  (re-exported for tests)

pytest_plugins = ["tests.graph.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DUALALIGN_HOME", str(home))
    return home


@pytest.fixture
def alz_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled Alzheimer's folder that a test may break."""
    target = tmp_path / "alzheimers"
    shutil.copytree(ALZ, target)
    return target


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `dualalign` console script as a subprocess."""

    def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        exe = Path(sys.executable).with_name("dualalign")
        return subprocess.run(
            [str(exe), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ.copy(),
            check=False,
        )

    return _run


_FIGURES: list[str] = []


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """``figures(line)`` reports a measured figure in pytest's terminal summary (so CI's log
    shows round-trip errors, p-values ... of passing tests too)."""

    def add(line: str) -> None:
        _FIGURES.append(f"{request.node.nodeid}: {line}")

    return add


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FIGURES:
        terminalreporter.section("figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
