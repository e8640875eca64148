"""The `dualalign ontology` commands, run as a user runs them: a subprocess on real folders."""

from __future__ import annotations

import re

import pytest

from dualalign.ontology import load_disease
from tests.conftest import ALZ, TEMPLATE
from tests.ontology.breakers import CASES, set_cell


def _one_clean_error_line(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_version(run_cli):
    result = run_cli("version")
    assert result.returncode == 0
    assert re.match(r"dualalign \d+\.\d+\.\d+", result.stdout)
    assert "rdflib" in result.stdout


@pytest.mark.parametrize("command", [[], ["ontology"], ["ontology", "validate"]])
def test_help_everywhere(run_cli, command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout


def test_validate_bundled(run_cli):
    result = run_cli("ontology", "validate", str(ALZ))
    assert result.returncode == 0, result.stderr
    model = load_disease(ALZ)
    assert f"{len(model.symptoms)} symptoms" in result.stdout


def test_show_summarises_counts(run_cli):
    result = run_cli("ontology", "show", "alzheimers")
    assert result.returncode == 0, result.stderr
    model = load_disease(ALZ)
    for domain in model.lexicon_domains:
        count = sum(s.lexicon_domain == domain.id for s in model.symptoms)
        assert re.search(rf"{domain.id}\s+│\s+{count}\s", result.stdout), domain.id
    for item in [*model.labels, *model.stages, *model.populations]:
        assert item.id in result.stdout


def test_list_shows_bundled(run_cli):
    result = run_cli("ontology", "list")
    assert result.returncode == 0
    assert "alzheimers" in result.stdout and "bundled" in result.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_broken_folder_one_line(run_cli, alz_copy, case):
    breaker, expected = CASES[case]
    breaker(alz_copy)
    line = _one_clean_error_line(run_cli("ontology", "validate", str(alz_copy)))
    for text in expected:
        assert text in line


def test_show_broken_folder_one_line(run_cli, alz_copy):
    CASES["probability_above_one"][0](alz_copy)
    line = _one_clean_error_line(run_cli("ontology", "show", str(alz_copy)))
    assert "stage_transitions.csv:2" in line


def test_unknown_disease_lists_known(run_cli):
    line = _one_clean_error_line(run_cli("ontology", "show", "no-such-disease"))
    assert "unknown disease 'no-such-disease'" in line and "alzheimers" in line


def test_add_registers_valid_folder(run_cli, _isolated_home, tmp_path):
    result = run_cli("ontology", "add", str(TEMPLATE))
    assert result.returncode == 0, result.stderr
    name = load_disease(TEMPLATE).name
    assert (_isolated_home / "ontologies" / name / "disease.ttl").is_file()
    listed = run_cli("ontology", "list")
    assert name in listed.stdout and "user" in listed.stdout
    again = run_cli("ontology", "add", str(TEMPLATE))
    assert "already registered" in _one_clean_error_line(again)
    assert run_cli("ontology", "add", "--replace", str(TEMPLATE)).returncode == 0


def test_add_invalid_registers_nothing(run_cli, _isolated_home, alz_copy):
    CASES["transitions_do_not_sum"][0](alz_copy)
    result = run_cli("ontology", "add", str(alz_copy))
    assert result.returncode == 1
    assert "nothing was registered" in _one_clean_error_line(result)
    root = _isolated_home / "ontologies"
    assert not root.exists() or list(root.iterdir()) == []


def test_validate_lists_every_problem_on_stdout_and_errs_in_one_line(run_cli, alz_copy):
    first = set_cell(alz_copy, "mention_density.csv", 0, "mean_mentions", "lots")
    second = set_cell(alz_copy, "mention_density.csv", 1, "mean_mentions", "1e15")
    result = run_cli("ontology", "validate", str(alz_copy))
    line = _one_clean_error_line(result)
    assert f"mention_density.csv:{first}:" in line and "(+1 more, listed above)" in line
    listed = result.stdout.splitlines()
    assert len(listed) == 2
    assert f"mention_density.csv:{second}:" in listed[1] and "in [0, 50]" in listed[1]


def test_add_refuses_to_shadow_a_bundled_disease(run_cli, _isolated_home, alz_copy):
    line = _one_clean_error_line(run_cli("ontology", "add", str(alz_copy)))
    assert "'alzheimers' is bundled" in line and "--replace" in line
    assert not (_isolated_home / "ontologies").exists()
    assert run_cli("ontology", "add", "--replace", str(alz_copy)).returncode == 0
    assert (_isolated_home / "ontologies" / "alzheimers" / "disease.ttl").is_file()
    listed = run_cli("ontology", "list").stdout
    assert re.search(r"alzheimers\s+│\s+user", listed), listed
