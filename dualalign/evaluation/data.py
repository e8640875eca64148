"""Inputs of an evaluation: a gold table (the user's annotated sentences) and generation runs,
validated with one-line errors, plus the patient-level split."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from dualalign.errors import ConfigError
from dualalign.sentence_table import read_sentence_table

__all__ = ["Gold", "Run", "demo_gold_path", "load_gold", "load_run", "patient_split"]


def demo_gold_path() -> Path:
    """The bundled, fictional demo gold set (see dualalign/data/README.md)."""
    return Path(str(files("dualalign") / "data" / "demo_gold.csv"))


@dataclass(frozen=True)
class Gold:
    """Gold sentences with labels and patients."""

    path: str
    texts: list[str]
    labels: list[str]
    patients: list[str]

    @property
    def patient_ids(self) -> list[str]:
        """Distinct patients, sorted."""
        return sorted(set(self.patients))


def load_gold(
    path: Path | str,
    labels: list[str],
    text_column: str | None = None,
    label_column: str = "label",
    patient_column: str = "patient_id",
) -> Gold:
    """Read and check a gold file.

    Raises:
        ConfigError: unreadable file, missing columns, unknown labels, or fewer than two
            patients (a patient-level split needs both sides).
    """
    table = read_sentence_table(path, text_column, required=(label_column, patient_column))
    frame = table.frame
    gold_labels = [str(x).strip() for x in frame[label_column].tolist()]
    unknown = sorted(set(gold_labels) - set(labels))
    if unknown:
        raise ConfigError(
            f"{path}: unknown label(s) {', '.join(unknown)} in column '{label_column}'; "
            f"use the knowledge base's labels: {', '.join(labels)}"
        )
    patients = [str(x).strip() for x in frame[patient_column].tolist()]
    if any(not p or p == "nan" for p in patients):
        raise ConfigError(f"{path}: a row has no '{patient_column}'; give every sentence one")
    if len(set(patients)) < 2:
        raise ConfigError(
            f"{path}: only one patient in '{patient_column}'; a patient-level train/test split "
            "needs at least two (name the right column with --patient-column)"
        )
    return Gold(str(path), [t.strip() for t in table.texts], gold_labels, patients)


@dataclass(frozen=True)
class Run:
    """One generation run's usable sentences, and how many were left out and why."""

    name: str
    path: str
    frame: pd.DataFrame  # sentences.jsonl rows with a label, flattened
    failed: int  # planned sentences that failed grounding (failures.jsonl)
    unlabelled: int  # kept rows without a usable label
    manifest: dict[str, object]

    @property
    def texts(self) -> list[str]:
        return [str(x) for x in self.frame["text"].tolist()]

    @property
    def labels(self) -> list[str]:
        return [str(x) for x in self.frame["label"].tolist()]


def load_run(name: str, folder: Path | str, labels: list[str]) -> Run:
    """Read a run folder written by `dualalign generate` (or `dualalign curate`).

    Raises:
        ConfigError: not a run folder, or unreadable files.
    """
    folder = Path(folder)
    sentences = folder / "sentences.jsonl"
    if not sentences.is_file():
        raise ConfigError(
            f"{folder}: not a run folder (no sentences.jsonl); give a folder written by "
            "`dualalign generate`"
        )
    rows = []
    for number, line in enumerate(sentences.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{sentences}:{number}: not valid JSON ({exc.msg})") from exc
    frame = pd.json_normalize(rows) if rows else pd.DataFrame(columns=["text", "label"])
    if "text" not in frame.columns or "label" not in frame.columns:
        raise ConfigError(f"{sentences}: rows lack 'text' or 'label'; is it a dualalign run?")
    usable = frame["label"].isin(labels) & frame["text"].astype(str).str.strip().ne("")
    failures = folder / "failures.jsonl"
    failed = (
        sum(1 for line in failures.read_text(encoding="utf-8").splitlines() if line.strip())
        if failures.is_file()
        else 0
    )
    manifest_path = folder / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    )
    return Run(
        name,
        str(folder),
        frame[usable].reset_index(drop=True),
        failed,
        int((~usable).sum()),
        manifest,
    )


def patient_split(
    patients: list[str],
    seed: int,
    test_fraction: float = 0.3,
    test_patients: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Train and test patients: a seeded shuffle, or the given test patients.

    Raises:
        ConfigError: a test patient not in the gold set, or a split that leaves a side empty.
    """
    ids = sorted(set(patients))
    if test_patients:
        unknown = sorted(set(test_patients) - set(ids))
        if unknown:
            raise ConfigError(f"--test-patients: {', '.join(unknown)} not in the gold set")
        test = sorted(set(test_patients))
    else:
        if not 0.0 < test_fraction < 1.0:
            raise ConfigError(f"--test-fraction: got {test_fraction}; use a value in (0, 1)")
        rng = np.random.default_rng(seed)
        order = [ids[i] for i in rng.permutation(len(ids))]
        k = max(1, round(len(ids) * test_fraction))
        test = sorted(order[:k])
    train = [p for p in ids if p not in set(test)]
    if not train or not test:
        raise ConfigError("the split leaves no training or no test patients; change it")
    return train, test
