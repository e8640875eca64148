"""`dualalign export`: a run folder as a dataset (Hugging Face, Parquet, CSV or JSONL) with a
dataset card, split by patient.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import Annotated

import typer

from dualalign.cli._app import console
from dualalign.export import (
    DEFAULT_LICENSE,
    ExportFormat,
    ExportRequest,
    export_run,
    parse_split,
)

__all__ = ["export_command"]


def export_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `dualalign generate`.")],
    to: Annotated[
        ExportFormat,
        typer.Option(
            "--to",
            help="hf: a datasets DatasetDict (save_to_disk; extra 'export'); parquet, csv or "
            "jsonl: one file per split.",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Export folder (created; with the card README.md).")],
    split: Annotated[
        str | None,
        typer.Option(
            help="Shares of patients per split, e.g. train=0.8,validation=0.1,test=0.1 "
            "(no patient in two splits); default: one train split.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed for assigning patients to splits.")] = 7,
    license_id: Annotated[
        str, typer.Option("--license", help="License id for the dataset card (Hugging Face id).")
    ] = DEFAULT_LICENSE,
    overwrite: Annotated[
        bool, typer.Option(help="Replace an existing --out (only once the export is complete).")
    ] = False,
) -> None:
    """Export a run's labelled sentences as a dataset with a dataset card."""
    result = export_run(
        ExportRequest(
            run_dir=run_dir,
            out=out,
            fmt=to,
            split=parse_split(split) if split is not None else None,
            seed=seed,
            license=license_id,
            overwrite=overwrite,
        )
    )
    parts = ", ".join(
        f"{s.name} {s.sentences} ({s.patients} patient{'' if s.patients == 1 else 's'})"
        for s in result.splits
    )
    console.print(
        f"wrote {result.sentences} sentences as {to.value} to {out} ({parts}); card: "
        f"{out / 'README.md'}",
        markup=False,
    )
