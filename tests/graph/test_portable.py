"""Graph files: portable round trip, atomic writes, clear errors for bad files."""

from __future__ import annotations

import gzip
import json
import os
import re

import pytest

from dualalign.errors import ConfigError
from dualalign.graph import GraphData, MemoryGraphStore, Rel
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


def _write_edited(tmp_path, graph, edit) -> object:
    obj = graph.model_dump(mode="json")
    edit(obj)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(obj))
    return path


def _first(items, **match):
    return next(i for i in items if all(i[k] == v for k, v in match.items()))


def _drop_symptom(obj):
    obj["nodes"] = [n for n in obj["nodes"] if n["label"] != "Symptom" or n["id"] != "apathy"]


def _drop_order(obj):
    del _first(obj["nodes"], label="Stage")["props"]["order"]


def _drop_probability(obj):
    del _first(obj["rels"], type="EMITS")["props"]["probability"]


def _wrong_endpoint(obj):
    _first(obj["rels"], type="EMITS")["src_label"] = "Period"


def _unknown_label(obj):
    _first(obj["nodes"], label="Source")["label"] = "Thing"


def _unknown_type(obj):
    _first(obj["rels"], type="CITES")["type"] = "LIKES"


def _no_disease(obj):
    obj["nodes"] = [n for n in obj["nodes"] if n["label"] != "Disease"]
    obj["rels"] = [r for r in obj["rels"] if "Disease" not in (r["src_label"], r["dst_label"])]


def _twice(obj):
    obj["nodes"].append(_first(obj["nodes"], label="Stage"))


def _stage_transition_without_from(obj):
    rel = next(r for r in obj["rels"] if r["props"].get("target_kind") == "stage_transition")
    del rel["props"]["from_stage"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda o: o.update(version=999), "format version 999 is not supported"),
        (lambda o: o.update(version="1"), "format version '1' is not supported"),
        (_drop_symptom, "points to missing node Symptom:apathy"),
        (_drop_order, "lacks required property 'order'"),
        (_drop_probability, "lacks required property 'probability'"),
        (_wrong_endpoint, "EMITS Period:"),
        (_unknown_label, "unknown label 'Thing'"),
        (_unknown_type, "unknown type 'LIKES'"),
        (_no_disease, "no Disease node 'alzheimers'"),
        (_twice, "appears twice"),
        (_stage_transition_without_from, "lacks required property 'from_stage'"),
    ],
    ids=[
        "version-999",
        "version-text",
        "missing-endpoint",
        "node-prop",
        "rel-prop",
        "wrong-endpoint-label",
        "unknown-label",
        "unknown-type",
        "no-disease-node",
        "duplicate-node",
        "modifier-from-stage",
    ],
)
def test_broken_graph_files_are_refused(tmp_path, alz_graph, edit, expected):
    path = _write_edited(tmp_path, alz_graph, edit)
    with pytest.raises(ConfigError, match=re.escape(expected)) as info:
        read_graph_file(path)
    assert "\n" not in str(info.value) and "dualalign graph export" in str(info.value)


def test_a_store_refuses_to_load_a_broken_graph(tmp_path, alz_graph):
    store = MemoryGraphStore(tmp_path / "graph.json")
    store.load(alz_graph)
    before = (tmp_path / "graph.json").read_bytes()
    broken = GraphData.build(
        alz_graph.disease,
        alz_graph.nodes,
        [*alz_graph.rels, Rel.between("EMITS", ("Stage", "mci"), ("Symptom", "nope"))],
    )
    with pytest.raises(ConfigError, match="missing node Symptom:nope"):
        store.load(broken)
    assert (tmp_path / "graph.json").read_bytes() == before


def test_folder_and_empty_and_gzip_garbage(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a graph file"):
        read_graph_file(tmp_path)
    (tmp_path / "empty.json").write_bytes(b"  \n")
    with pytest.raises(ConfigError, match="the file is empty"):
        read_graph_file(tmp_path / "empty.json")
    (tmp_path / "bad.json.gz").write_bytes(gzip.compress(b'{"format": "dualalign-graph"')[:-6])
    with pytest.raises(ConfigError, match="broken gzip data"):
        read_graph_file(tmp_path / "bad.json.gz")
