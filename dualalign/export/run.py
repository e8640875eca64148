"""Read a finished run folder for export: its manifest and sentences as typed records, and the
label set and stages of the run's disease from its knowledge base."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dualalign.errors import ConfigError, OntologyNotFoundError
from dualalign.files import read_jsonl
from dualalign.records import Manifest, SentenceRow

__all__ = ["KnowledgeBase", "RunFolder", "check_labels", "knowledge_base", "read_run"]

_GENERATE = "give a folder written by `dualalign generate`"


@dataclass(frozen=True)
class KnowledgeBase:
    """What an export needs from the run's disease: its name and ordered ids."""

    disease: str
    title: str
    #: label ids in the knowledge base's order, with ``none``: ClassLabel ids follow it
    labels: tuple[str, ...]
    stages: tuple[str, ...]


@dataclass(frozen=True)
class RunFolder:
    """A finished run, read and validated."""

    folder: Path
    manifest: Manifest
    rows: tuple[SentenceRow, ...]
    #: SHA-256 of ``sentences.jsonl`` as read, so an export names exactly what it holds
    sentences_sha256: str
    #: manifest keys other commands add (``curate`` writes ``curation``)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """The generation mode, from the manifest's settings (else the rows)."""
        generation = self.manifest.config.get("generation")
        if isinstance(generation, dict) and generation.get("mode"):
            return str(generation["mode"])
        return ", ".join(sorted({r.mode for r in self.rows}))


def _manifest(folder: Path) -> tuple[Manifest, dict[str, Any]]:
    path = folder / "manifest.json"
    if not path.is_file():
        raise ConfigError(f"{folder}: not a run folder (no manifest.json); {_GENERATE}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON; {_GENERATE}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a JSON object; {_GENERATE}")
    known = {k: v for k, v in data.items() if k in Manifest.model_fields}
    extra = {k: v for k, v in data.items() if k not in Manifest.model_fields}
    try:
        manifest = Manifest.model_validate(known)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "manifest"
        raise ConfigError(f"{path}: {where}: {first['msg']}; {_GENERATE}") from exc
    return manifest, extra


def read_run(folder: Path) -> RunFolder:
    """Read a finished run folder.

    Raises:
        ConfigError: no such folder, not a run folder (no ``manifest.json``), an unfinished
            run, no ``sentences.jsonl`` or no sentence in it, or a row that does not fit
            :class:`SentenceRow`.
    """
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder; {_GENERATE}")
    manifest, extra = _manifest(folder)
    if manifest.status == "running":
        raise ConfigError(
            f"{folder}: the run is not finished (status 'running'); rerun the same "
            "`dualalign generate` command to finish it, then export"
        )
    path = folder / "sentences.jsonl"
    if not path.is_file():
        raise ConfigError(
            f"{folder}: no sentences.jsonl, so nothing to export (see failures.jsonl); "
            "rerun `dualalign generate` to write sentences"
        )
    payload = path.read_bytes()
    rows = read_jsonl(path, SentenceRow)
    if not rows:
        raise ConfigError(
            f"{path}: no sentences, so nothing to export (see failures.jsonl); rerun "
            "`dualalign generate` to write sentences"
        )
    return RunFolder(folder, manifest, tuple(rows), hashlib.sha256(payload).hexdigest(), extra)


def knowledge_base(disease: str) -> KnowledgeBase:
    """The label set (with ``none``) and stages of a registered disease, in its order.

    Raises:
        ConfigError: the disease is not registered.
        OntologyError: its folder cannot be loaded.
    """
    from dualalign.ontology import load_disease, resolve_disease

    try:
        folder = resolve_disease(disease)
    except OntologyNotFoundError as exc:
        raise ConfigError(
            f"the run's disease '{disease}' is not a registered knowledge base, so its label "
            "set is unknown; register it with `dualalign ontology add PATH` and export again"
        ) from exc
    model = load_disease(folder)
    labels = [lab.id for lab in sorted(model.labels, key=lambda lab: lab.order)]
    if "none" not in labels:
        labels.append("none")
    stages = [s.id for s in sorted(model.stages, key=lambda s: s.order)]
    return KnowledgeBase(disease, model.disease.label, tuple(labels), tuple(stages))


def _label_fields(row: SentenceRow) -> Iterator[tuple[str, str | None]]:
    yield "label", row.label
    for name, value in row.labels:
        yield f"labels.{name}", value
    yield "planned_label", row.planned_label


def check_labels(run: RunFolder, labels: Sequence[str]) -> None:
    """Every label a row holds (its label, each annotator's, the planned one) is in ``labels``.

    Raises:
        ConfigError: naming the first label outside the set, its row and field.
    """
    known = set(labels)
    for number, row in enumerate(run.rows, start=1):
        for name, value in _label_fields(row):
            if value is not None and value not in known:
                raise ConfigError(
                    f"{run.folder / 'sentences.jsonl'}: sentence {number} has {name} "
                    f"'{value}', not in the '{run.manifest.disease}' label set "
                    f"({', '.join(labels)}); fix the row, or register the knowledge base the "
                    "run used"
                )
