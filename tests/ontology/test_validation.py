"""Every validation rule, each with a folder broken in exactly one way."""

from __future__ import annotations

import pytest

from dualalign.errors import OntologyNotFoundError, OntologyValidationError
from dualalign.ontology import check_folder, load_disease
from tests.ontology.breakers import CASES, truncate_in_string


def test_bundled_alzheimers_is_valid(alz_copy):
    assert check_folder(alz_copy) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_gives_one_precise_problem(alz_copy, case):
    breaker, expected = CASES[case]
    breaker(alz_copy)
    problems = check_folder(alz_copy)
    assert len(problems) == 1, [str(p) for p in problems]
    line = str(problems[0])
    assert "\n" not in line
    assert "; fix: " in line
    for text in expected:
        assert text in line, line
    with pytest.raises(OntologyValidationError) as info:
        load_disease(alz_copy)
    assert info.value.problems == tuple(problems)


def test_turtle_error_names_the_line(alz_copy):
    text = (alz_copy / "symptoms.ttl").read_text(encoding="utf-8").rstrip("\n") + "\n"
    bad_line = text.count("\n") + 1
    (alz_copy / "symptoms.ttl").write_text(text + "ad:oops a da:Symptom ;; ] .\n")
    [problem] = check_folder(alz_copy)
    assert problem.line == bad_line


def test_truncated_turtle_names_the_line_of_the_open_string(alz_copy):
    line = truncate_in_string(alz_copy)
    [problem] = check_folder(alz_copy)
    assert problem.line == line, str(problem)


def test_empty_lexicon_is_one_problem_not_a_cascade(alz_copy):
    (alz_copy / "symptoms.ttl").write_text("@prefix da: <https://w3id.org/dualalign/schema#> .\n")
    assert [str(p) for p in check_folder(alz_copy)] == [
        "symptoms.ttl: no symptoms are defined (no da:Symptom entity found); "
        "fix: define the symptom lexicon (see ontologies/_template/symptoms.ttl)"
    ]


def test_missing_folder_is_not_found(tmp_path):
    with pytest.raises(OntologyNotFoundError, match="no such disease folder"):
        load_disease(tmp_path / "nope")
