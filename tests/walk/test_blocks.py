"""Block seeding and walk outputs: any block-aligned slice walked on its own gives the whole
run's rows there, and the JSONL and Parquet outputs hold exactly what the engine walked."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from dualalign.errors import ConfigError
from dualalign.files import write_jsonl
from dualalign.walk import TrajectorySnapshot, WalkSettings, engine, simulate
from dualalign.walk.on_ray import shard_bounds
from dualalign.walk.output import (
    TRAJECTORY_SCHEMA,
    WalkFormat,
    WalkJob,
    open_sink,
    read_trajectories,
    walk_blocks,
)
from dualalign.walk.summary import summarise
from tests.walk.test_engine import _plain, walked

BLOCK = 7  # a small block size, so a few dozen patients make several blocks


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(engine, "CHUNK", BLOCK)
    monkeypatch.setattr("dualalign.walk.output.CHUNK", BLOCK)
    monkeypatch.setattr("dualalign.walk.on_ray.CHUNK", BLOCK)
    return BLOCK


@pytest.fixture(scope="module")
def snap(alz_graph):
    return TrajectorySnapshot.from_graph(alz_graph)


@pytest.fixture(scope="module")
def settings(snap):
    return WalkSettings(snap, density_multiplier=1, years_before=3)


def test_every_block_aligned_slice_walks_to_the_whole_runs_rows(snap, settings, small_blocks):
    people = _plain(5 * BLOCK + 3)
    whole = walked(simulate(snap, people, 4, settings))
    for lo, hi in shard_bounds(len(people)):
        part = walked(simulate(snap, people[lo:hi], 4, settings, offset=lo))
        assert part == whole[lo:hi]
    # blocks draw from different streams: two blocks of identical personas differ
    assert whole[:BLOCK] != [
        {**r, "id": w["id"], "persona": w["persona"]}
        for r, w in zip(whole[BLOCK : 2 * BLOCK], whole[:BLOCK], strict=True)
    ]


def test_an_offset_off_the_block_grid_is_refused(snap, small_blocks):
    with pytest.raises(ValueError, match="multiple of the block size"):
        list(simulate(snap, _plain(3), 1, offset=BLOCK + 1))


def test_shard_bounds_cover_each_patient_once(small_blocks):
    for n in (1, BLOCK, BLOCK + 1, 10 * BLOCK - 1):
        bounds = shard_bounds(n)
        covered = [i for lo, hi in bounds for i in range(lo, hi)]
        assert covered == list(range(n))
        assert all(lo % BLOCK == 0 for lo, _ in bounds)


def test_jsonl_blocks_are_the_bytes_write_jsonl_writes(snap, settings, small_blocks, tmp_path):
    people = _plain(3 * BLOCK + 2)
    job = WalkJob(snap, 5, settings, WalkFormat.jsonl)
    seen: list[int] = []
    with open_sink(tmp_path / "a.jsonl", WalkFormat.jsonl, 1, len(people), {}) as sink:
        for payload, _ in walk_blocks(job, people, seen.append):
            sink.write(payload)
    write_jsonl(tmp_path / "b.jsonl", simulate(snap, people, 5, settings))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert sum(seen) == len(people)


def test_block_summaries_merge_to_the_whole_runs_summary(snap, settings, small_blocks):
    people = _plain(4 * BLOCK + 1)
    job = WalkJob(snap, 2, settings, WalkFormat.jsonl)
    merged = summarise([])
    for _, part in walk_blocks(job, people, lambda _: None):
        merged.merge(part)
    assert merged == summarise(simulate(snap, people, 2, settings))


@pytest.mark.parametrize("files", [2, 3, 40])
def test_parquet_parts_hold_the_walk_with_a_manifest(snap, settings, small_blocks, tmp_path, files):
    people = _plain(3 * BLOCK + 5)
    job = WalkJob(snap, 6, settings, WalkFormat.parquet)
    out = tmp_path / "walks"
    with open_sink(out, WalkFormat.parquet, files, len(people), {"seed": 6}) as sink:
        for payload, _ in walk_blocks(job, people, lambda _: None):
            sink.write(payload)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "dualalign-trajectories" and manifest["seed"] == 6
    assert len(manifest["files"]) == files
    rows = [pq.read_metadata(out / f["path"]).num_rows for f in manifest["files"]]
    assert rows == [f["rows"] for f in manifest["files"]] and sum(rows) == len(people)
    assert max(rows) - min(rows) <= 1  # parts of about equal size
    assert pq.read_schema(out / manifest["files"][0]["path"]).equals(TRAJECTORY_SCHEMA)
    back = read_trajectories(out)
    assert walked(back) == walked(simulate(snap, people, 6, settings))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walks"]  # no staging left behind


def test_parquet_keeps_nesting_as_lists_structs_and_a_map(snap, settings, tmp_path):
    job = WalkJob(snap, 6, settings, WalkFormat.parquet)
    with open_sink(tmp_path / "w", WalkFormat.parquet, 2, 4, {}) as sink:
        for payload, _ in walk_blocks(job, _plain(4), lambda _: None):
            sink.write(payload)
    table = pq.read_table(tmp_path / "w" / "part-0.parquet")
    visits = table.schema.field("visits").type
    assert str(visits.value_type.field("mentions").type).startswith("list<")
    assert str(table.schema.field("stages_by_year").type).startswith("map<int32, string")


def test_a_failed_walk_leaves_the_old_folder_and_no_staging(snap, settings, tmp_path):
    out = tmp_path / "walks"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    job = WalkJob(snap, 6, settings, WalkFormat.parquet)
    with (
        pytest.raises(RuntimeError, match="boom"),
        open_sink(out, WalkFormat.parquet, 2, 4, {}) as sink,
    ):
        for payload, _ in walk_blocks(job, _plain(4), lambda _: None):
            sink.write(payload)
        raise RuntimeError("boom")
    assert [p.name for p in tmp_path.iterdir()] == ["walks"]
    assert (out / "keep.txt").read_text() == "old"


def test_a_changed_part_is_refused_on_reading(snap, settings, tmp_path):
    job = WalkJob(snap, 6, settings, WalkFormat.parquet)
    out = tmp_path / "w"
    with open_sink(out, WalkFormat.parquet, 2, 4, {}) as sink:
        for payload, _ in walk_blocks(job, _plain(4), lambda _: None):
            sink.write(payload)
    (out / "part-1.parquet").write_bytes(b"torn")
    with pytest.raises(ConfigError, match="differs from"):
        read_trajectories(out)
    with pytest.raises(ConfigError, match="without a readable manifest"):
        read_trajectories(tmp_path)
