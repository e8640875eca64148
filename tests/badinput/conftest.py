"""Fixtures for the bad-input suite: a loaded embedded store that a failure must not touch."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.paths import ALZ


@pytest.fixture(scope="module")
def loaded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home whose embedded store holds the Alzheimer's graph (built once per module)."""
    from dualalign.graph.factory import open_store
    from dualalign.ontology import load_disease
    from dualalign.ontology.to_graph import disease_graph

    home = tmp_path_factory.mktemp("loaded-home")
    store = open_store("memory", graph_file=home / "graph" / "graph.json")
    try:
        store.load(disease_graph(load_disease(ALZ)))
    finally:
        store.close()
    return home


@pytest.fixture
def bad_home(loaded_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the loaded home, set as DUALALIGN_HOME for the subprocess."""
    home = tmp_path / "home"
    shutil.copytree(loaded_home, home)
    monkeypatch.setenv("DUALALIGN_HOME", str(home))
    monkeypatch.delenv("DUALALIGN_STORE", raising=False)
    return home


@pytest.fixture
def where(tmp_path: Path, bad_home: Path) -> Callable[[], dict[str, Path]]:
    """Placeholders for :meth:`Case.argv`: ``tmp`` and ``alz`` (a breakable copy)."""

    def _where() -> dict[str, Path]:
        alz = tmp_path / "alzheimers"
        if not alz.exists():
            shutil.copytree(ALZ, alz)
        return {"tmp": tmp_path, "alz": alz}

    return _where
