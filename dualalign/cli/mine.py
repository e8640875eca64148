"""`dualalign mine`: learn a disease folder's trajectory statistics from a cohort.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import Annotated

import typer

from dualalign.cli._app import console
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.errors import ConfigError
from dualalign.mining import DEFAULT_K, DEFAULT_PSEUDO_COUNT, mine
from dualalign.mining.read import open_observations
from dualalign.ontology import resolve_disease

__all__ = ["mine_command"]


def mine_command(
    observations: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet, one row per symptom mention (patient_id, years_from_diagnosis "
            "or mention_date + diagnosis_date, term; optional note_id, note_type, stage, "
            "reporter, demographics, risk_factors)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The disease folder to write.")],
    disease_from: Annotated[
        str,
        typer.Option(
            "--disease-from",
            help="Base disease (name or folder): its lexicon maps terms, its values are the "
            "priors, and every table not mined is copied from it.",
        ),
    ],
    k: Annotated[
        int,
        typer.Option(
            "--k",
            min=2,
            max=1_000_000,
            help="Suppress any cell supported by fewer than k distinct patients.",
        ),
    ] = DEFAULT_K,
    pseudo_count: Annotated[
        float,
        typer.Option(
            "--pseudo-count",
            min=0.0,
            max=1e6,
            help="Weight of the base prior in patient-equivalents (0: no smoothing).",
        ),
    ] = DEFAULT_PSEUDO_COUNT,
    population: Annotated[
        str | None,
        typer.Option(
            help="Population whose persona marginals are mined (default: the base's default)."
        ),
    ] = None,
    density_multiplier: Annotated[
        float,
        typer.Option(
            "--density-multiplier",
            min=0.001,
            max=100.0,
            help="Mentions per note in the observations were multiplied by this (1 for real "
            "notes; the knowledge base's multiplier for dualalign walks).",
        ),
    ] = 1.0,
    overwrite: Annotated[bool, typer.Option(help="Replace a non-empty --out folder.")] = False,
    hpo: Annotated[
        bool,
        typer.Option(
            "--hpo",
            help="Also map terms through HPO names and synonyms of the lexicon's HPO ids "
            "(extra hpo; DUALALIGN_HPO_DATA names a release folder, else hpo3's own).",
        ),
    ] = False,
    hpo_depth: Annotated[
        int | None,
        typer.Option(
            "--hpo-depth",
            min=0,
            max=5,
            help="With --hpo: also the names of subclasses down to this depth (default 0).",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Mine a disease folder from a cohort's symptom mentions: only aggregates leave, cells
    of fewer than --k patients keep the base value (listed in suppression.csv)."""
    if hpo_depth is not None and not hpo:
        raise ConfigError("--hpo-depth needs --hpo; add --hpo or drop --hpo-depth")
    base = resolve_disease(disease_from)
    rows = open_observations(observations).rows
    with progress_bar("mining", rows, quiet=quiet, unit="rows") as bar:
        result = mine(
            observations,
            base,
            out,
            k=k,
            pseudo_count=pseudo_count,
            population=population,
            density_multiplier=density_multiplier,
            overwrite=overwrite,
            on_rows=bar.advance,
            hpo_depth=(hpo_depth or 0) if hpo else None,
        )
    patients = f"{result.patients}" if result.patients >= k else f"fewer than {k}"
    console.print(
        f"mined {result.rows} rows from {patients} patients into {result.out} "
        f"(source {result.source_key}; "
        + (
            "notes listed with empty terms"
            if result.complete_notes
            else "notes without mentions inferred, zero-truncated"
        )
        + ")",
        markup=False,
    )
    for note in result.estimates.notes:
        console.print(note, markup=False)
    if result.hpo is not None:
        console.print(
            f"HPO {result.hpo.version}: {len(result.hpo.phrases)} phrases added to term "
            f"mapping. {result.hpo.attribution}",
            markup=False,
        )
    issues = result.issues
    unmapped = issues[issues["issue"].isin(["unmapped term", "ambiguous term"])]
    if len(unmapped):
        console.print(
            f"unmapped: {int(unmapped['mentions'].sum())} mentions of {len(unmapped)} distinct "
            "terms were not used (see mining_report.csv)",
            markup=False,
        )
    other = issues[~issues.index.isin(unmapped.index)]
    for issue, group in other.groupby("issue"):
        console.print(
            f"{issue}: {int(group['mentions'].sum())} rows (see mining_report.csv)", markup=False
        )
    console.print(
        f"suppressed: {result.suppressed} cells supported by fewer than {k} patients kept the "
        "base value (see suppression.csv)",
        markup=False,
    )
