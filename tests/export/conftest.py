"""Fixtures for the export tests: a small run folder made from typed records."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.run_folder import write_run


def need_datasets() -> ModuleType:
    """The ``datasets`` package (extra ``export``); skipped where missing, failed under CI."""
    try:
        return importlib.import_module("datasets")
    except ImportError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the export extra is missing ({exc}): install .[export]")
        pytest.skip("the export extra (datasets) is not installed: pip install -e '.[export]'")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A finished run: 10 patients, 2 notes each, 3 sentences a note."""
    return write_run(tmp_path / "run")
