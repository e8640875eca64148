"""``export_run``: a finished run folder to a dataset folder (data files plus a card), written
in a staged sibling folder and moved into place only when complete."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dualalign import __version__
from dualalign.errors import ConfigError
from dualalign.export.card import CardFacts, SplitFacts, render_card
from dualalign.export.run import KnowledgeBase, RunFolder, check_labels, knowledge_base, read_run
from dualalign.export.splits import SplitSpec, assign_patients
from dualalign.export.writers import (
    ExportFormat,
    import_datasets,
    sentence_table,
    write_csv,
    write_hf,
    write_jsonl_rows,
    write_parquet,
)
from dualalign.files import atomic_write_bytes, staged_folder
from dualalign.records import SentenceRow

__all__ = ["DEFAULT_LICENSE", "ExportRequest", "ExportResult", "export_run", "split_rows"]

#: the text is synthetic and ours to give: attribution is all that is asked
DEFAULT_LICENSE = "cc-by-4.0"
_LICENSE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_WRITERS = {
    ExportFormat.parquet: write_parquet,
    ExportFormat.csv: write_csv,
    ExportFormat.jsonl: write_jsonl_rows,
}


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where, and how.

    Attributes:
        run_dir: A run folder written by ``dualalign generate`` (or ``curate``).
        out: The export folder (must not exist unless ``overwrite``).
        fmt: The format of the data files.
        split: Shares of patients per split; None: one ``train`` split.
        seed: Seeds the assignment of patients to splits.
        license: A Hugging Face license id for the card.
        overwrite: Replace an existing ``out`` (once the new export is complete).
    """

    run_dir: Path
    out: Path
    fmt: ExportFormat
    split: SplitSpec | None = None
    seed: int = 7
    license: str = DEFAULT_LICENSE
    overwrite: bool = False


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    out: Path
    splits: tuple[SplitFacts, ...]

    @property
    def sentences(self) -> int:
        """Rows in all splits."""
        return sum(s.sentences for s in self.splits)


def _check(req: ExportRequest) -> None:
    if not _LICENSE.match(req.license):
        raise ConfigError(
            f"--license: '{req.license}' is not a license id; use a Hugging Face id such as "
            "cc-by-4.0, cc0-1.0, apache-2.0 or other"
        )
    if req.out.exists() and not req.out.is_dir():
        raise ConfigError(f"--out {req.out} is a file; give a folder path")
    if req.out.exists() and not req.overwrite:
        raise ConfigError(
            f"--out {req.out} exists; give a new folder, or --overwrite to replace it"
        )
    run, out = req.run_dir.resolve(), req.out.resolve()
    if out == run or out in run.parents:
        raise ConfigError(
            f"--out {req.out} holds the run folder {req.run_dir}; give a folder outside it"
        )


def _data_path(fmt: ExportFormat, name: str, named: bool) -> str:
    if fmt is ExportFormat.hf:
        return f"{name}/data-*.arrow"
    return f"{name if named else 'sentences'}{fmt.suffix}"


def _split_facts(name: str, path: str, rows: Sequence[SentenceRow]) -> SplitFacts:
    return SplitFacts(
        name=name,
        path=path,
        patients=len({r.persona_id for r in rows}),
        notes=len({r.note_id for r in rows}),
        sentences=len(rows),
        num_bytes=sentence_table(rows).nbytes,
        labels=dict(Counter(r.label for r in rows)),
        stages=dict(Counter(r.stage for r in rows)),
    )


def split_rows(run: RunFolder, spec: SplitSpec, seed: int) -> dict[str, list[SentenceRow]]:
    """The run's rows per split, each in the run's order; a patient's rows share a split."""
    assignment = assign_patients((r.persona_id for r in run.rows), spec, seed)
    parts: dict[str, list[SentenceRow]] = {name: [] for name in spec.names}
    for row in run.rows:
        parts[assignment[row.persona_id]].append(row)
    return parts


def _write(
    fmt: ExportFormat,
    folder: Path,
    parts: Mapping[str, Sequence[SentenceRow]],
    facts: Sequence[SplitFacts],
    labels: Sequence[str],
) -> None:
    if fmt is ExportFormat.hf:
        write_hf(folder, parts, labels)
        return
    for split in facts:
        _WRITERS[fmt](folder / split.path, parts[split.name])


def export_run(req: ExportRequest) -> ExportResult:
    """Export a run: data files in ``req.fmt`` and a dataset card (``README.md``).

    Everything is checked before anything is written, and the folder appears only complete.

    Raises:
        ConfigError: a bad option, a folder that is not a finished run with sentences, a row
            whose label is outside the knowledge base's label set, an existing ``out``
            without ``overwrite``, a split that would get no patient, or ``--to hf``
            without the ``datasets`` package.
    """
    _check(req)
    if req.fmt is ExportFormat.hf:
        import_datasets()  # fail now, not after reading the run
    run = read_run(req.run_dir)
    kb: KnowledgeBase = knowledge_base(run.manifest.disease)
    check_labels(run, kb.labels)
    spec = req.split or SplitSpec.single()
    parts = split_rows(run, spec, req.seed)
    splits = tuple(
        _split_facts(name, _data_path(req.fmt, name, req.split is not None), rows)
        for name, rows in parts.items()
    )
    card = CardFacts(
        fmt=req.fmt.value,
        license=req.license,
        run=run,
        kb=kb,
        splits=splits,
        split_spec=str(req.split) if req.split else None,
        split_seed=req.seed,
        dualalign_version=__version__,
    )
    with staged_folder(req.out, req.overwrite) as folder:
        _write(req.fmt, folder, parts, splits, kb.labels)
        atomic_write_bytes(folder / "README.md", render_card(card).encode("utf-8"))
    return ExportResult(req.out, splits)
