"""Write the mined disease folder atomically: build a temporary sibling, validate it, rename.

The folder is the base disease's folder with the mined tables replaced, one source row naming
the mining run (input sha256, k, pseudo-count, date) that every mined number cites, and two
extra files the loader ignores: ``suppression.csv`` (what was suppressed, never a count below
k and never an id) and ``mining_report.csv`` (what could not be used, e.g. unmapped terms).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from rdflib import Graph, Literal, URIRef

from dualalign.errors import ConfigError
from dualalign.files import atomic_write_bytes
from dualalign.ontology.loader import load_disease
from dualalign.ontology.rdf import DA, RDF_FORMATS, read_entities
from dualalign.ontology.tables import TABLES

__all__ = ["check_target", "report_rows", "write_folder"]

REPORT_FILES = ("suppression.csv", "mining_report.csv")


def check_target(out: Path, overwrite: bool) -> None:
    """Refuse a non-empty ``out`` unless ``overwrite`` (checked before any work)."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder path")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ConfigError(
            f"--out {out} exists and is not empty; pass --overwrite to replace it, or choose "
            "another folder"
        )


def _csv(header: Iterable[str], rows: Iterable[dict[str, object] | Iterable[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(header)
    writer.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
        else:
            writer.writerow(list(row))
    return buf.getvalue().encode("utf-8")


def report_rows(issues: pd.DataFrame, k: int) -> list[tuple[str, str, str, str]]:
    """(issue, value, mentions, patients): values used by fewer than k patients are pooled per
    issue, so no rare value (which could identify someone) is shown."""
    rows: list[tuple[str, str, str, str]] = []
    for issue, group in issues.groupby("issue", sort=True):
        common = group[group["patients"] >= k]
        rare = group[group["patients"] < k]
        for r in common.itertuples():
            rows.append((str(issue), str(r.value), str(int(r.mentions)), str(int(r.patients))))
        if len(rare):
            mentions = int(rare["mentions"].sum())
            rows.append(
                (
                    str(issue),
                    f"({len(rare)} values, each from fewer than {k} patients)",
                    str(mentions) if mentions >= k else f"fewer than {k}",
                    "",
                )
            )
    return rows


def write_folder(
    base: Path,
    out: Path,
    tables: dict[str, list[dict[str, object]]],
    source_row: dict[str, str],
    suppression: list[tuple[str, str, str, str]],
    report: list[tuple[str, str, str, str]],
    *,
    overwrite: bool,
    stage_months: dict[str, float] | None = None,
) -> None:
    """Copy ``base``, replace ``tables``, add the source row and the reports, validate, then
    move it to ``out`` in one rename; on any failure nothing is left behind."""
    check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.mine-", dir=out.parent))
    try:
        folder = staging / "disease"
        folder.mkdir()
        for path in sorted(base.iterdir()):
            if path.is_file() and path.name not in REPORT_FILES:
                shutil.copy2(path, folder / path.name)
        for name, rows in tables.items():
            spec = TABLES[name]
            atomic_write_bytes(folder / spec.file, _csv([*spec.columns, "note"], rows))
        if stage_months:
            set_stage_months(folder, stage_months)
        sources = folder / "sources.csv"
        with sources.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or TABLES["sources"].columns)
            existing = [r for r in reader if r.get("key") != source_row["key"]]
        atomic_write_bytes(sources, _csv(header, [*existing, source_row]))
        atomic_write_bytes(
            folder / "suppression.csv",
            _csv(("table", "cell", "reason", "replacement"), suppression),
        )
        atomic_write_bytes(
            folder / "mining_report.csv", _csv(("issue", "value", "mentions", "patients"), report)
        )
        load_disease(folder)  # what lands is a valid disease folder
        old = staging / "old"
        if out.exists():
            out.rename(old)
        folder.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_MONTHS = re.compile(r"(da:meanDurationMonths\s+)(\"?)[-+0-9.eE]+(\"?(?:\^\^xsd:\w+)?)")


def set_stage_months(folder: Path, months: dict[str, float]) -> None:
    """Write mined mean stays into the stages' ``da:meanDurationMonths`` in place.

    The literal is replaced in the subject's own block of the Turtle file, so comments and
    layout stay; a stage written some other way (another syntax, a file of its own) is
    rewritten through rdflib instead, which keeps the triples but not the comments.
    """
    entities, _, _ = read_entities(folder)
    by_file: dict[str, list[tuple[int | None, str, float]]] = {}
    for ent in entities:
        ids = ent.values("identifier")
        if ent.cls == "Stage" and ids and str(ids[0]) in months:
            by_file.setdefault(ent.file, []).append((ent.line, ent.iri, months[str(ids[0])]))
    for name, stages in by_file.items():
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        rest = []
        for line, iri, value in stages:
            if line is None or not _replace_in_block(lines, line - 1, value):
                rest.append((iri, value))
        atomic_write_bytes(path, "".join(lines).encode("utf-8"))
        if rest:
            _rewrite_rdf(path, rest)


def _replace_in_block(lines: list[str], start: int, value: float) -> bool:
    for i in range(start, len(lines)):
        new, n = _MONTHS.subn(lambda m: f"{m[1]}{value:.6g}", lines[i], count=1)
        if n:
            lines[i] = new
            return True
        if lines[i].rstrip().endswith(" .") or lines[i].rstrip() == ".":
            return False
    return False


def _rewrite_rdf(path: Path, stages: list[tuple[str, float]]) -> None:
    fmt = RDF_FORMATS[path.suffix]
    if fmt == "obo":
        raise ConfigError(
            f"{path.name}: stages defined in OBO cannot take mined stays; define the stages "
            "in disease.ttl"
        )
    graph = Graph()
    graph.parse(path, format=fmt)
    for iri, value in stages:
        graph.set((URIRef(iri), DA.meanDurationMonths, Literal(float(f"{value:.6g}"))))
    atomic_write_bytes(path, graph.serialize(format=fmt).encode("utf-8"))
