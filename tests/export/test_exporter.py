"""export_run: splits by patient, determinism, ClassLabel ids, and nothing half-written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dualalign.errors import ConfigError
from dualalign.export import ExportFormat, ExportRequest, export_run, parse_split
from dualalign.export import exporter as exporter_module
from dualalign.export.run import knowledge_base
from dualalign.files import read_jsonl
from dualalign.records import SentenceRow
from tests.badinput.harness import tree_digest
from tests.export.conftest import need_datasets
from tests.support.run_folder import LABELS, sentence_rows, write_run

SPLIT = parse_split("train=0.6,validation=0.2,test=0.2")


def _patients(path: Path) -> set[str]:
    return {r.persona_id for r in read_jsonl(path, SentenceRow)}


def test_no_patient_is_in_two_splits_and_shares_hold(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = export_run(ExportRequest(run_dir, out, ExportFormat.jsonl, split=SPLIT))
    people = {name: _patients(out / f"{name}.jsonl") for name in SPLIT.names}
    assert people["train"].isdisjoint(people["validation"])
    assert people["train"].isdisjoint(people["test"])
    assert people["validation"].isdisjoint(people["test"])
    everyone = _patients(run_dir / "sentences.jsonl")
    assert set().union(*people.values()) == everyone
    for name, share in SPLIT.shares:  # 10 patients: 6 / 2 / 2 exactly
        assert len(people[name]) == round(share * len(everyone))
    assert [s.patients for s in result.splits] == [len(people[n]) for n in SPLIT.names]


def test_same_seed_same_files_other_seed_other_split(run_dir: Path, tmp_path: Path) -> None:
    def export(name: str, seed: int) -> dict[str, str]:
        out = tmp_path / name
        export_run(ExportRequest(run_dir, out, ExportFormat.jsonl, split=SPLIT, seed=seed))
        return tree_digest(out)

    first = export("a", 7)
    assert export("b", 7) == first
    assert export("c", 8) != first


def test_label_set_is_the_knowledge_base_s_in_order() -> None:
    kb = knowledge_base("alzheimers")
    assert kb.labels == LABELS and kb.labels[-1] == "none"
    assert kb.stages[0] == "prodromal_scd"


def test_hf_labels_are_class_labels_with_stable_ids(run_dir: Path, tmp_path: Path) -> None:
    datasets = need_datasets()
    out = tmp_path / "hf"
    export_run(ExportRequest(run_dir, out, ExportFormat.hf, split=SPLIT))
    loaded = datasets.load_from_disk(str(out))
    assert isinstance(loaded, datasets.DatasetDict)
    for name in SPLIT.names:
        feature = loaded[name].features["label"]
        assert isinstance(feature, datasets.ClassLabel)
        assert feature.names == list(LABELS)
        rows = loaded[name].to_list()
        assert all(LABELS[r["label"]] == r["labels"]["rule"] for r in rows)
    assert isinstance(loaded["train"].features["planned_symptoms"], datasets.List)


def test_hf_without_datasets_is_one_clear_error(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    with pytest.raises(ConfigError) as info:
        export_run(ExportRequest(run_dir, tmp_path / "hf", ExportFormat.hf))
    assert str(info.value) == (
        "--to hf needs the 'datasets' package: pip install 'dualalign[export]'"
    )
    assert not (tmp_path / "hf").exists()


def test_a_label_outside_the_set_is_named(tmp_path: Path) -> None:
    rows = sentence_rows(patients=2)
    rows[3] = rows[3].model_copy(update={"labels": rows[3].labels.model_copy(update={"llm": "x"})})
    run = write_run(tmp_path / "run", rows)
    with pytest.raises(ConfigError, match=r"sentence 4 has labels.llm 'x', not in the"):
        export_run(ExportRequest(run, tmp_path / "out", ExportFormat.parquet))
    assert not (tmp_path / "out").exists()


def test_an_unfinished_run_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", status="running")
    with pytest.raises(ConfigError, match="not finished"):
        export_run(ExportRequest(run, tmp_path / "out", ExportFormat.csv))


def test_out_may_not_hold_the_run(run_dir: Path) -> None:
    before = tree_digest(run_dir)
    for out in (run_dir, run_dir.parent):
        with pytest.raises(ConfigError, match="holds the run folder"):
            export_run(ExportRequest(run_dir, out, ExportFormat.csv, overwrite=True))
    assert tree_digest(run_dir) == before


def test_out_inside_the_run_is_fine(run_dir: Path) -> None:
    export_run(ExportRequest(run_dir, run_dir / "export", ExportFormat.csv))
    assert (run_dir / "export" / "sentences.csv").is_file()


def test_overwrite_replaces_only_after_success(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old export")
    before = tree_digest(tmp_path)

    def broken(path: Path, rows: object) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setitem(exporter_module._WRITERS, ExportFormat.csv, broken)
    with pytest.raises(OSError, match="No space left"):
        export_run(ExportRequest(run_dir, out, ExportFormat.csv, overwrite=True))
    assert tree_digest(tmp_path) == before  # old folder intact, no staging folder left
    monkeypatch.undo()
    export_run(ExportRequest(run_dir, out, ExportFormat.csv, overwrite=True))
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "sentences.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "run"]


def test_manifest_extra_keys_from_curate_are_accepted(run_dir: Path, tmp_path: Path) -> None:
    data = json.loads((run_dir / "manifest.json").read_text())
    data["curation"] = {"kept": 1, "dropped": 0}
    (run_dir / "manifest.json").write_text(json.dumps(data))
    assert export_run(ExportRequest(run_dir, tmp_path / "o", ExportFormat.jsonl)).sentences == 60
