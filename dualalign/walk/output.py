"""Where walked trajectories go: one JSONL file, or a folder of Parquet parts with a manifest.

Walks are produced block by block (``CHUNK`` patients, see the engine); each block is encoded
once -- where it was walked, so on a cluster the encoding runs in parallel too -- and the
writer only appends encoded blocks in patient order. Both outputs are written atomically: a
crash leaves the previous file or folder, never a part of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from dualalign.errors import ConfigError
from dualalign.files import atomic_open, atomic_write_bytes, read_jsonl
from dualalign.types import Persona, Trajectory
from dualalign.walk.engine import CHUNK, WalkSettings, simulate
from dualalign.walk.snapshot import TrajectorySnapshot
from dualalign.walk.summary import TrajectorySummary

__all__ = [
    "MANIFEST_KIND",
    "TRAJECTORY_SCHEMA",
    "Block",
    "WalkFormat",
    "WalkJob",
    "open_sink",
    "read_trajectories",
    "walk_block",
    "walk_blocks",
]

#: ``kind`` in a Parquet folder's manifest.json
MANIFEST_KIND = "dualalign-trajectories"

_PERSONA = pa.struct(
    [
        ("id", pa.string()),
        ("population", pa.string()),
        ("age_band", pa.string()),
        ("age_at_diagnosis", pa.int32()),
        ("sex", pa.string()),
        ("race_ethnicity", pa.string()),
        ("education", pa.string()),
        ("risk_factors", pa.list_(pa.string())),
    ]
)
_MENTION = pa.struct(
    [
        ("symptom", pa.string()),
        ("domain", pa.string()),
        ("via", pa.string()),
        ("reporter", pa.string()),
    ]
)
_VISIT = pa.struct(
    [
        ("index", pa.int32()),
        ("years_from_diagnosis", pa.float64()),
        ("period", pa.int32()),
        ("stage", pa.string()),
        ("note_type", pa.string()),
        ("mentions", pa.list_(_MENTION)),
    ]
)
_PROVENANCE = pa.struct(
    [
        ("graph_checksum", pa.string()),
        ("disease", pa.string()),
        ("seed", pa.int64()),
        ("density_multiplier", pa.float64()),
        ("years_before", pa.int32()),
        ("years_after", pa.int32()),
        ("dualalign_version", pa.string()),
    ]
)
#: One row per patient; nested fields stay nested (lists, structs and a map of year -> stage).
TRAJECTORY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("persona", _PERSONA),
        ("visits", pa.list_(_VISIT)),
        ("stages_by_year", pa.map_(pa.int32(), pa.string())),
        ("died_at_period", pa.int32()),
        ("provenance", _PROVENANCE),
    ]
)


class WalkFormat(StrEnum):
    """How a walk is written."""

    jsonl = "jsonl"
    parquet = "parquet"


#: An encoded block: JSON lines (bytes) or an Arrow table, plus its summary.
Block = tuple[bytes | pa.Table, TrajectorySummary]


def _encode(trajectories: Sequence[Trajectory], fmt: WalkFormat) -> bytes | pa.Table:
    if fmt is WalkFormat.jsonl:
        return "".join(t.model_dump_json() + "\n" for t in trajectories).encode()
    rows = []
    for t in trajectories:
        row = t.model_dump()
        row["stages_by_year"] = list(row["stages_by_year"].items())
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=TRAJECTORY_SCHEMA)


@dataclass(frozen=True)
class WalkJob:
    """What every block of one walk shares (sent once to each worker of a cluster)."""

    snapshot: TrajectorySnapshot
    seed: int
    settings: WalkSettings
    fmt: WalkFormat


def walk_block(job: WalkJob, personas: Sequence[Persona], offset: int) -> Block:
    """Walk and encode one block-aligned slice of the run (``offset``: its first patient)."""
    summary = TrajectorySummary()
    walked = []
    for t in simulate(job.snapshot, personas, job.seed, job.settings, offset=offset):
        summary.add(t)
        walked.append(t)
    return _encode(walked, job.fmt), summary


def walk_blocks(
    job: WalkJob, personas: Sequence[Persona], on_progress: Callable[[int], None]
) -> Iterator[Block]:
    """The whole run in this process, block by block."""
    for lo in range(0, len(personas), CHUNK):
        block = walk_block(job, personas[lo : lo + CHUNK], lo)
        on_progress(block[1].patients)
        yield block


class _JsonlSink:
    def __init__(self, path: Path) -> None:
        self._cm = atomic_open(path, "wb")
        self._fh: IO[Any] = self._cm.__enter__()

    def write(self, payload: bytes | pa.Table) -> None:
        assert isinstance(payload, bytes)
        self._fh.write(payload)

    def close(self, ok: bool) -> None:
        if ok:
            self._cm.__exit__(None, None, None)
        else:
            self._cm.__exit__(RuntimeError, RuntimeError("walk failed"), None)


class _ParquetSink:
    """``files`` Parquet parts of about equal patient counts, then manifest.json, built in a
    hidden sibling folder that replaces ``folder`` only once complete."""

    def __init__(self, folder: Path, files: int, patients: int, facts: dict[str, Any]) -> None:
        self.folder, self.facts = folder, facts
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        width = len(str(files - 1))
        self.names = [f"part-{i:0{width}d}.parquet" for i in range(files)]
        self.bounds = [patients * i // files for i in range(files + 1)]
        self.rows = [0] * files
        self.part = 0
        self.writer: pq.ParquetWriter | None = None
        self.written = 0

    def _next_part(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = pq.ParquetWriter(self.tmp / self.names[self.part], TRAJECTORY_SCHEMA)

    def write(self, payload: bytes | pa.Table) -> None:
        assert isinstance(payload, pa.Table)
        table = payload
        while table.num_rows:
            if self.writer is None:
                self._next_part()
            room = self.bounds[self.part + 1] - self.written
            if room == 0:
                self.part += 1
                self._next_part()
                continue
            head, table = table.slice(0, room), table.slice(room)
            assert self.writer is not None
            self.writer.write_table(head)
            self.rows[self.part] += head.num_rows
            self.written += head.num_rows

    def close(self, ok: bool) -> None:
        if self.writer is not None:
            self.writer.close()
        if not ok:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        for name in self.names[self.part + (self.writer is not None) :]:
            pq.ParquetWriter(self.tmp / name, TRAJECTORY_SCHEMA).close()  # an empty part
        manifest = {
            **self.facts,
            "kind": MANIFEST_KIND,
            "patients": self.written,
            "created_at": datetime.now(UTC).isoformat(),
            "dualalign_version": version("dualalign"),
            "files": [
                {"path": name, "rows": rows, "sha256": _sha256(self.tmp / name)}
                for name, rows in zip(self.names, self.rows, strict=True)
            ],
        }
        atomic_write_bytes(
            self.tmp / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode()
        )
        os.chmod(self.tmp, 0o777 & ~_umask())
        if self.folder.exists():
            old = self.folder.with_name(f".{self.folder.name}.old-{os.getpid()}")
            self.folder.rename(old)
            self.tmp.rename(self.folder)
            shutil.rmtree(old)
        else:
            self.tmp.rename(self.folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Sink:
    """Context manager around a sink: closes it as complete only when the block ends well."""

    def __init__(self, inner: _JsonlSink | _ParquetSink) -> None:
        self.inner = inner

    def __enter__(self) -> _JsonlSink | _ParquetSink:
        return self.inner

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.inner.close(ok=kind is None)


def open_sink(
    out: Path, fmt: WalkFormat, files: int, patients: int, facts: dict[str, Any]
) -> _Sink:
    """A sink for ``out``: a JSONL file, or (Parquet) a folder of ``files`` parts whose
    manifest.json records ``facts`` (seed, settings, graph) with each part's rows and hash."""
    if fmt is WalkFormat.jsonl:
        return _Sink(_JsonlSink(out))
    return _Sink(_ParquetSink(out, files, patients, facts))


def read_trajectories(path: Path) -> list[Trajectory]:
    """Trajectories from ``walk``'s output: a JSONL file, or a Parquet folder's parts in order.

    Raises:
        ConfigError: a missing path, a folder without a trajectories manifest, or a part whose
            hash or row count differs from the manifest's (a changed or torn file).
    """
    if not path.is_dir():
        return read_jsonl(path, Trajectory)
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path} is a folder without a readable manifest.json; give a trajectories JSONL "
            "file or a folder written by `dualalign walk --files N`"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != MANIFEST_KIND:
        raise ConfigError(
            f"{manifest_path} is not a walk manifest; give a folder written by "
            "`dualalign walk --files N`"
        )
    out: list[Trajectory] = []
    for entry in manifest["files"]:
        part = path / entry["path"]
        if not part.is_file() or _sha256(part) != entry["sha256"]:
            raise ConfigError(
                f"{part} is missing or differs from {manifest_path}; write the walk again"
            )
        for row in pq.read_table(part, schema=TRAJECTORY_SCHEMA).to_pylist():
            row["stages_by_year"] = dict(row["stages_by_year"])
            out.append(Trajectory.model_validate(row))
    return out
