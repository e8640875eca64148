"""The Alzheimer's knowledge base meets the content bar the project promises."""

from __future__ import annotations

from collections import Counter

import pytest

from dualalign.ontology import load_disease
from tests.conftest import ALZ, TEMPLATE


@pytest.fixture(scope="module")
def alz():
    return load_disease(ALZ)


def test_lexicon_size_and_domains(alz):
    assert len(alz.symptoms) >= 120
    lex = Counter(s.lexicon_domain for s in alz.symptoms)
    assert {d.id for d in alz.lexicon_domains} == {
        "language",
        "memory",
        "learning_perception",
        "need_for_assistance",
        "physiological_changes",
        "neuropsychiatric",
    }
    assert all(lex[d.id] >= 8 for d in alz.lexicon_domains), lex
    phen = Counter(p for s in alz.symptoms for p in s.phenotype_domains)
    assert {d.id for d in alz.phenotype_domains} == set(phen)
    assert len(alz.phenotype_domains) == 7


def test_terms_carry_phrasings_and_references(alz):
    with_synonyms = sum(bool(s.synonyms) for s in alz.symptoms)
    with_lay = sum(bool(s.lay_phrases) for s in alz.symptoms)
    with_xref = sum(bool(s.xrefs) for s in alz.symptoms)
    assert with_synonyms >= 0.8 * len(alz.symptoms)
    assert with_lay >= 0.5 * len(alz.symptoms)
    assert with_xref >= 30
    prefixes = {x.split(":")[0] for s in alz.symptoms for x in s.xrefs}
    assert {"HP", "ICD10CM"} <= prefixes


def test_labels_stages_populations(alz):
    assert [lab.id for lab in sorted(alz.labels, key=lambda x: x.order)] == [
        "cognitive_impairment",
        "concern_by_others",
        "requires_assistance",
        "physiological_changes",
        "neuropsychiatric",
        "none",
    ]
    assert all(len(lab.definition) > 40 for lab in alz.labels)
    ordered = [s.id for s in sorted(alz.stages, key=lambda s: s.order)]
    assert ordered[:5] == [
        "prodromal_scd",
        "mci",
        "mild_dementia",
        "moderate_dementia",
        "severe_dementia",
    ]
    assert {p.id for p in alz.populations} >= {"us-ad", "va"}
    va_male = next(
        r.probability
        for r in alz.persona_marginals
        if r.population == "va" and r.attribute == "sex" and r.category == "male"
    )
    assert va_male > 0.95
    assert {g.id for g in alz.risk_factor_groups} == {
        "medical_comorbidity",
        "neuropsychiatric_condition",
        "lifestyle",
        "psychosocial_stressor",
        "structural_barrier",
    }
    assert set(Counter(r.group for r in alz.risk_factors)) == {g.id for g in alz.risk_factor_groups}
    assert alz.periods[0] <= -10 and alz.periods[-1] >= 0


def test_assumptions_are_visible(alz):
    kinds = Counter(s.kind for s in alz.sources)
    assert kinds["published"] >= 10
    for source in alz.sources:
        if source.kind == "assumption":
            assert source.confidence == "A"
            assert "ASSUMPTION" in source.citation.upper()


def test_template_is_valid():
    model = load_disease(TEMPLATE)
    assert model.symptoms
