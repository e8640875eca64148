"""Graph files: portable round trip, atomic writes, clear errors for bad files."""

from __future__ import annotations

import os

import pytest

from dualalign.errors import ConfigError
from dualalign.graph import MemoryGraphStore
from dualalign.graph.portable import read_graph_file, write_graph_file


@pytest.mark.parametrize("name", ["g.json", "g.json.gz"])
def test_round_trip(tmp_path, alz_graph, name):
    write_graph_file(alz_graph, tmp_path / name)
    assert read_graph_file(tmp_path / name) == alz_graph


def test_crash_during_write_keeps_the_old_graph(tmp_path, alz_graph, monkeypatch):
    store = MemoryGraphStore(tmp_path / "graph.json")
    store.load(alz_graph)
    before = (tmp_path / "graph.json").read_bytes()

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    other = alz_graph.model_copy(update={"rels": alz_graph.rels[:10]})
    with pytest.raises(OSError, match="disk full"):
        store.load(other)
    assert (tmp_path / "graph.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]  # no temp file left
    assert MemoryGraphStore(tmp_path / "graph.json").export() == alz_graph


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": "x"}', b"\x1f\x8bgarbage"])
def test_bad_files_are_one_clear_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="not a dualalign graph file"):
        read_graph_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such graph file"):
        read_graph_file(tmp_path / "nope.json")
