"""Mine a disease folder's trajectory statistics from a cohort's longitudinal symptom mentions.

``mine(observations, base, out)`` reads an observation file (one row per symptom mention, see
:mod:`.read`), maps terms onto the base disease's lexicon (:mod:`.terms`), counts in bounded
memory with distinct-patient support per cell (:mod:`.aggregate`), estimates the tables walks
use, smoothed toward the base priors (:mod:`.estimate`), suppresses cells supported by fewer
than ``k`` patients (:mod:`.suppress`), and writes a valid disease folder atomically
(:mod:`.write`). Only aggregates leave: no id, no row, no count below ``k``.

Imports go downward only: ontology, walk-free, no cli/generation/evaluation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dualalign.errors import ConfigError
from dualalign.mining.aggregate import Counts, count_observations
from dualalign.mining.estimate import Estimates, estimate
from dualalign.mining.read import open_observations
from dualalign.mining.terms import Vocabulary
from dualalign.mining.write import check_target, report_rows, write_folder
from dualalign.ontology.hpo import HpoExpansion, with_synonyms
from dualalign.ontology.hpo import expand as expand_hpo
from dualalign.ontology.loader import load_disease

__all__ = ["DEFAULT_K", "DEFAULT_PSEUDO_COUNT", "MiningResult", "mine"]

#: smallest number of distinct patients a released cell needs
DEFAULT_K = 11
#: weight of the base prior, in patient-equivalents
DEFAULT_PSEUDO_COUNT = 1.0


@dataclass(frozen=True)
class MiningResult:
    """What a mining run produced (aggregates only)."""

    out: Path
    rows: int
    patients: int
    source_key: str
    estimates: Estimates
    counts: Counts
    issues: pd.DataFrame
    suppressed: int
    complete_notes: bool
    hpo: HpoExpansion | None = None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file (or of a folder's files, by name)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode() + b"\0")
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _patients(n: int, k: int) -> str:
    return f"{n} patients" if n >= k else f"fewer than {k} patients"


def mine(
    observations: str | Path,
    base: str | Path,
    out: str | Path,
    *,
    k: int = DEFAULT_K,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
    population: str | None = None,
    density_multiplier: float = 1.0,
    overwrite: bool = False,
    on_rows: Callable[[int], None] | None = None,
    hpo_depth: int | None = None,
) -> MiningResult:
    """Mine ``observations`` into a disease folder at ``out`` based on the folder ``base``.

    ``hpo_depth`` (not None) also maps terms through HPO names and synonyms of the base's
    HPO references and their subclasses down to that depth (:mod:`dualalign.ontology.hpo`);
    the folder written keeps the base lexicon.

    Raises:
        ObservationError: the observation file is unusable (message names row and fix).
        ConfigError: a bad option, ``out`` exists and is not empty without ``overwrite``,
            or ``hpo_depth`` is given without the ``hpo`` extra.
        OntologyValidationError: the base folder (or, a bug, the result) is invalid.
    """
    if k < 1:
        raise ConfigError(f"--k {k} must be at least 1 (e.g. 11)")
    if not pseudo_count >= 0 or pseudo_count > 1e6:
        raise ConfigError(f"--pseudo-count {pseudo_count} must be in 0..1e6 (e.g. 1)")
    if not 0 < density_multiplier <= 100:
        raise ConfigError(
            f"--density-multiplier {density_multiplier} must be in (0, 100] (1 for real notes)"
        )
    out, base = Path(out), Path(base)
    check_target(out, overwrite)
    model = load_disease(base)
    pops = [p.id for p in model.populations]
    population = population or model.disease.default_population or pops[0]
    if population not in pops:
        raise ConfigError(
            f"--population {population} is not a population of {model.name}; use one of: "
            + ", ".join(pops)
        )
    hpo = None if hpo_depth is None else expand_hpo(model, depth=hpo_depth)
    source = open_observations(observations)
    lexicon = model if hpo is None else with_synonyms(model, hpo.synonyms())
    vocab = Vocabulary.build(lexicon, population)
    spos = {s: i for i, s in enumerate(vocab.stages)}
    npos = {n: i for i, n in enumerate(vocab.note_types)}
    specific = {(spos[r.stage], npos[r.note_type]) for r in model.reporter_rates if r.note_type}
    terminal = [spos[s.id] for s in model.stages if s.terminal]
    counts = count_observations(
        source,
        vocab,
        model.periods,
        specific,
        on_rows=on_rows,
        death_stage=terminal[0] if len(terminal) == 1 else None,
    )
    sha = file_sha256(source.path)
    key = f"mined_{sha[:12]}"
    day = datetime.now(UTC).date().isoformat()
    est, log = estimate(
        model,
        vocab,
        counts,
        k=k,
        pseudo_count=pseudo_count,
        source=key,
        population=population,
        density_multiplier=density_multiplier,
    )
    tables = dict(est.tables)
    if est.parameters:
        rows = []
        for prm in model.parameters:
            row: dict[str, object] = {"name": prm.name, "value": prm.value, "source": prm.source}
            if prm.name in est.parameters:
                row.update(value=est.parameters[prm.name], source=key, note="mined")
            rows.append(row)
        tables["parameters"] = rows
    source_row = {
        "key": key,
        "kind": "published",
        "citation": (
            f"dualalign mine run of {day}: aggregates of {source.path.name} "
            f"(sha256 {sha}), {_patients(counts.patients, k)}, k={k}, "
            f"pseudo-count={pseudo_count:g}, "
            f"base {model.name} (checksum {model.checksum[:12]}); cells supported by fewer "
            f"than k patients keep the base value (suppression.csv)"
            + (
                ""
                if hpo is None
                else f"; terms also mapped through HPO release {hpo.version} "
                f"(depth {hpo_depth}). {hpo.attribution}"
            )
        ),
        "locator": f"sha256:{sha}",
        "confidence": "U",
    }
    issues = counts.issue_table()
    write_folder(
        base,
        out,
        tables,
        source_row,
        log.rows,
        report_rows(issues, k),
        overwrite=overwrite,
        stage_months=est.stage_months,
    )
    return MiningResult(
        out,
        counts.n_rows,
        counts.patients,
        key,
        est,
        counts,
        issues,
        len(log.rows),
        counts.complete_notes,
        hpo,
    )
