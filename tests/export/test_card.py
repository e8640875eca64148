"""The dataset card: Hugging Face YAML header, provenance from the manifest, distributions."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dualalign.errors import ConfigError
from dualalign.export import ExportFormat, ExportRequest, export_run, parse_split
from dualalign.export.card import size_category
from dualalign.files import read_jsonl
from dualalign.records import Manifest, SentenceRow
from tests.export.conftest import need_datasets
from tests.support.run_folder import LABELS

yaml = pytest.importorskip("yaml")  # PyYAML comes with langchain-core, a core dependency

SPLIT = "train=0.6,validation=0.2,test=0.2"


def _card(folder: Path) -> tuple[dict[str, Any], str]:
    text = (folder / "README.md").read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), match.group(2)


def _table_row(body: str, first_cells: str) -> list[str]:
    """The cells of the Markdown table row that starts with ``first_cells``."""
    for line in body.splitlines():
        if line.startswith(f"| {first_cells} |"):
            return [c.strip() for c in line.strip("|").split(" | ")]
    raise AssertionError(f"no row starting {first_cells!r}")


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_header_has_the_hub_fields(fmt: ExportFormat, run_dir: Path, tmp_path: Path) -> None:
    if fmt is ExportFormat.hf:
        need_datasets()
    out = tmp_path / "out"
    export_run(ExportRequest(run_dir, out, fmt, split=parse_split(SPLIT), license="cc0-1.0"))
    header, _ = _card(out)
    rows = read_jsonl(run_dir / "sentences.jsonl", SentenceRow)
    assert header["license"] == "cc0-1.0"
    assert header["language"] == ["en"]
    assert header["task_categories"] == ["text-classification"]
    assert header["size_categories"] == [size_category(len(rows))] == ["n<1K"]
    assert {"synthetic", "medical"} <= set(header["tags"])
    assert "Alzheimer" in header["pretty_name"]
    files = header["configs"][0]["data_files"]
    assert [f["split"] for f in files] == ["train", "validation", "test"]
    for entry in files:
        assert list(out.glob(entry["path"])), entry  # every pattern names files that exist
    if fmt is ExportFormat.csv:
        assert "dataset_info" not in header  # flat cells: not the nested features
    else:
        info = header["dataset_info"]
        assert sum(s["num_examples"] for s in info["splits"]) == len(rows)
        label = next(f for f in info["features"] if f["name"] == "label")
        assert list(label["dtype"]["class_label"]["names"].values()) == list(LABELS)


def test_provenance_and_distributions_come_from_the_run(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_run(ExportRequest(run_dir, out, ExportFormat.parquet, split=parse_split(SPLIT)))
    _, body = _card(out)
    manifest = Manifest.model_validate_json((run_dir / "manifest.json").read_text())
    p = manifest.provenance
    for fact in (p.graph_checksum, p.model, manifest.config["generation"]["mode"]):
        assert f"`{fact}`" in body
    assert _table_row(body, "generation seed") == ["generation seed", str(p.seed)]
    for package, version in p.versions.items():
        assert _table_row(body, package) == [package, version]
    assert "No real patient data is inside" in body
    assert "## Intended use" in body and "## Limitations" in body
    rows = read_jsonl(run_dir / "sentences.jsonl", SentenceRow)
    labels, stages = Counter(r.label for r in rows), Counter(r.stage for r in rows)
    for number, label in enumerate(LABELS):
        cells = _table_row(body, f"{number} | `{label}`")
        assert cells[-1] == f"{labels[label]} ({labels[label] / len(rows):.1%})"
    for stage, count in stages.items():
        assert _table_row(body, f"`{stage}`")[-1] == f"{count} ({count / len(rows):.1%})"
    per_split = {name: int(_table_row(body, name)[4]) for name in ("train", "validation", "test")}
    assert sum(per_split.values()) == len(rows)


def test_card_notes_a_curated_run(run_dir: Path, tmp_path: Path) -> None:
    data = json.loads((run_dir / "manifest.json").read_text())
    data["curation"] = {"kept": 50, "dropped": 10, "classifier": "tfidf"}
    (run_dir / "manifest.json").write_text(json.dumps(data))
    export_run(ExportRequest(run_dir, tmp_path / "out", ExportFormat.jsonl))
    _, body = _card(tmp_path / "out")
    assert _table_row(body, "curation")[1] == "kept 50, dropped 10 (tfidf)"


@pytest.mark.parametrize(
    ("rows", "category"),
    [
        (0, "n<1K"),
        (999, "n<1K"),
        (1000, "1K<n<10K"),
        (54_321, "10K<n<100K"),
        (2_000_000, "1M<n<10M"),
    ],
)
def test_size_categories(rows: int, category: str) -> None:
    assert size_category(rows) == category


def test_a_bad_license_id_is_refused(run_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--license: 'CC BY' is not a license id"):
        export_run(ExportRequest(run_dir, tmp_path / "out", ExportFormat.csv, license="CC BY"))
    assert not (tmp_path / "out").exists()


def test_card_features_are_what_datasets_reads(run_dir: Path, tmp_path: Path) -> None:
    datasets = need_datasets()
    out = tmp_path / "hf"
    export_run(ExportRequest(run_dir, out, ExportFormat.hf))
    header, _ = _card(out)
    features = datasets.Features._from_yaml_list(header["dataset_info"]["features"])
    assert features == datasets.load_from_disk(str(out))["train"].features


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_load_dataset_finds_the_splits_through_the_card(
    fmt: ExportFormat, run_dir: Path, tmp_path: Path
) -> None:
    datasets = need_datasets()
    out = tmp_path / "out"
    export_run(ExportRequest(run_dir, out, fmt, split=parse_split(SPLIT)))
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    header, _ = _card(out)
    expected = {f["split"] for f in header["configs"][0]["data_files"]}
    assert set(loaded) == expected
    total = len(read_jsonl(run_dir / "sentences.jsonl", SentenceRow))
    assert sum(len(loaded[name]) for name in expected) == total
    label = loaded["train"].features["label"]
    if fmt is ExportFormat.csv:
        assert not isinstance(label, datasets.ClassLabel)  # flat text: no declared features
    else:
        assert isinstance(label, datasets.ClassLabel) and label.names == list(LABELS)
