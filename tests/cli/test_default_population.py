"""Every command defaults to the loaded disease's own population (da:defaultPopulation).

As a new user would: load a disease into the embedded store, then walk, sample personas and
generate without --population.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dualalign.files import read_jsonl
from dualalign.ontology import check_folder, load_disease
from dualalign.types import Persona, Trajectory
from tests.paths import ALZ, PD


@pytest.mark.parametrize("folder", [ALZ, PD], ids=["alzheimers", "parkinsons"])
def test_walk_and_personas_use_the_default_population(run_cli, tmp_path: Path, folder: Path):
    default = load_disease(folder).disease.default_population
    assert default is not None
    loaded = run_cli("graph", "load", "--disease", folder.name)
    assert loaded.returncode == 0, loaded.stderr
    out = tmp_path / "o.jsonl"
    walked = run_cli("walk", "--patients", "50", "--seed", "3", "--out", str(out))
    assert walked.returncode == 0, walked.stderr
    trajectories = read_jsonl(out, Trajectory)
    assert len(trajectories) == 50
    assert {t.persona.population for t in trajectories} == {default}
    people = tmp_path / "p.jsonl"
    sampled = run_cli("personas", "sample", "--count", "10", "--out", str(people))
    assert sampled.returncode == 0, sampled.stderr
    assert f"for '{default}'" in sampled.stdout
    assert {p.population for p in read_jsonl(people, Persona)} == {default}


def test_an_unknown_population_lists_the_choices(run_cli, tmp_path: Path):
    assert run_cli("graph", "load", "--disease", "parkinsons").returncode == 0
    out = tmp_path / "o.jsonl"
    result = run_cli("walk", "--patients", "5", "--population", "us-ad", "--out", str(out))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unknown population 'us-ad' for parkinsons" in lines[0]
    assert "us-pd" in lines[0] and "default (us-pd)" in lines[0]
    assert not out.exists()


def test_several_populations_need_a_named_default(alz_copy: Path):
    ttl = alz_copy / "disease.ttl"
    text = ttl.read_text(encoding="utf-8")
    ttl.write_text(text.replace("    da:defaultPopulation ad:population_us_ad ;\n", ""))
    problems = check_folder(alz_copy)
    assert len(problems) == 1, problems
    assert "names no default population" in problems[0].message
    assert "us-ad, va" in problems[0].message and "da:defaultPopulation" in problems[0].fix


def test_a_default_that_is_not_a_population_is_named(alz_copy: Path):
    ttl = alz_copy / "disease.ttl"
    text = ttl.read_text(encoding="utf-8")
    ttl.write_text(
        text.replace("da:defaultPopulation ad:population_us_ad", 'da:defaultPopulation "mars"')
    )
    problems = check_folder(alz_copy)
    assert len(problems) == 1, problems
    assert "defaultPopulation 'mars' is not a defined Population" in problems[0].message


@pytest.mark.llm
@pytest.mark.slow
def test_generate_without_population_on_parkinsons(run_cli, tmp_path: Path):
    assert run_cli("graph", "load", "--disease", "parkinsons").returncode == 0
    out = tmp_path / "run"
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
        str(out),
        "--quiet",
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "sentences.jsonl").stat().st_size > 0
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert '"population": "us-pd"' in manifest
