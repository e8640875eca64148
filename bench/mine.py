"""Benchmark: `dualalign mine` on a large synthetic observation Parquet file.

Synthesizes ``--rows`` mention rows (default 10 million) for the bundled Alzheimer's lexicon:
patients with about 5 notes a year over 14 years around diagnosis, 3 mentions per note drawn
from the symptom ids, synonyms and HPO xrefs, note types, stages, reporters, demographics and
risk factors; written in row groups, so generating it needs little memory either. Then mines
it in a child process and reports rows/s and the child's peak RSS (``ru_maxrss``)::

    python bench/mine.py --rows 10000000
    python bench/mine.py --rows 2000000 --keep /tmp/obs.parquet
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import typer

ROWS_PER_GROUP = 1_000_000


def synthesize(path: Path, rows: int, seed: int = 0) -> None:
    """Write ``rows`` observation rows (whole patients, about 200 rows each)."""
    from dualalign.ontology import load_disease
    from dualalign.settings import bundled_path

    model = load_disease(bundled_path("ontologies") / "alzheimers")
    terms = np.array(
        [s.id for s in model.symptoms]
        + [syn for s in model.symptoms for syn in s.synonyms[:1]]
        + [x for s in model.symptoms for x in s.xrefs if x.startswith("HP:")]
    )
    stages = np.array([s.id for s in sorted(model.stages, key=lambda s: s.order)][:-1])
    notes = np.array(sorted(n.id for n in model.note_types))
    reporters = np.array([r.id for r in model.reporters])
    rng = np.random.default_rng(seed)
    cats = {
        a: np.array(sorted({r.category for r in model.persona_marginals if r.attribute == a}))
        for a in ("age_band", "sex", "race_ethnicity", "education")
    }
    rfs = np.array(sorted(r.id for r in model.risk_factors))
    writer: pq.ParquetWriter | None = None
    done, patient = 0, 0
    while done < rows:
        n = min(ROWS_PER_GROUP, rows - done)
        per_note = 3
        n_notes = -(-n // per_note)
        notes_per_patient = 70
        pid = patient + np.arange(n_notes) // notes_per_patient
        years = rng.uniform(-10, 4, n_notes)
        note_idx = np.arange(n_notes)
        stage = np.clip(((years + 10) / 3).astype(int), 0, len(stages) - 1)
        rep = np.repeat
        n_pat = int(pid[-1] - patient + 1)
        demo = {a: c[rng.integers(0, len(c), n_pat)] for a, c in cats.items()}
        rf = np.array(["|".join(rng.choice(rfs, 2, replace=False)) for _ in range(n_pat)])
        local = pid - patient
        table = pa.table(
            {
                "patient_id": rep(np.char.add("pt", pid.astype(str)), per_note)[:n],
                "years_from_diagnosis": rep(years, per_note)[:n],
                "note_id": rep(
                    np.char.add("n", (done // per_note + note_idx).astype(str)), per_note
                )[:n],
                "note_type": rep(notes[rng.integers(0, len(notes), n_notes)], per_note)[:n],
                "stage": rep(stages[stage], per_note)[:n],
                "term": terms[rng.integers(0, len(terms), n)],
                "reporter": reporters[rng.integers(0, len(reporters), n)],
                **{a: rep(v[local], per_note)[:n] for a, v in demo.items()},
                "risk_factors": rep(rf[local], per_note)[:n],
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table)
        done += n
        patient += n_pat
    if writer is not None:
        writer.close()


def _peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM (reset by exec, unlike ru_maxrss,
    which a child started by fork + exec inherits from its parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _mine_child(path: str, out: str) -> None:
    from dualalign.mining import mine
    from dualalign.settings import bundled_path

    start = time.perf_counter()
    result = mine(path, bundled_path("ontologies") / "alzheimers", out, overwrite=True)
    seconds = time.perf_counter() - start
    peak = _peak_rss()
    print(
        json.dumps(
            {
                "rows": result.rows,
                "patients": result.patients,
                "seconds": round(seconds, 2),
                "rows_per_s": round(result.rows / seconds),
                "peak_rss_mb": round(peak / 2**20, 1),
                "suppressed_cells": result.suppressed,
            }
        )
    )


def main(
    rows: Annotated[
        int, typer.Option(min=1000, help="Observation rows to synthesize.")
    ] = 10_000_000,
    keep: Annotated[Path | None, typer.Option(help="Write the Parquet file here.")] = None,
    child: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    if child:
        path, out = child.split("::")
        _mine_child(path, out)
        return
    with tempfile.TemporaryDirectory(prefix="bench-mine-") as tmp:
        path = keep or Path(tmp) / "observations.parquet"
        start = time.perf_counter()
        if not path.exists():
            synthesize(path, rows)
        made = time.perf_counter() - start
        print(f"synthesized {rows} rows in {made:.1f}s ({path.stat().st_size / 2**20:.0f} MiB)")
        done = subprocess.run(
            [sys.executable, __file__, "--child", f"{path}::{Path(tmp) / 'mined'}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.exit(done.stderr[-2000:])
        print(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    typer.run(main)
