"""Extensions may ship their lexicon as OWL (RDF/XML) or OBO instead of Turtle."""

from __future__ import annotations

import shutil

from rdflib import Graph

from dualalign.ontology import load_disease
from tests.conftest import TEMPLATE


def _copy_template(tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(TEMPLATE, folder)
    return folder


def test_owl_rdfxml_lexicon_loads_the_same_symptoms(tmp_path):
    folder = _copy_template(tmp_path)
    original = load_disease(folder)
    graph = Graph().parse(folder / "symptoms.ttl", format="turtle")
    (folder / "symptoms.owl").write_text(graph.serialize(format="xml"), encoding="utf-8")
    (folder / "symptoms.ttl").unlink()
    converted = load_disease(folder)
    assert converted.symptoms == original.symptoms


def _obo_stanza(symptom) -> str:
    lines = [
        "[Term]",
        f"id: DA:{symptom.id}",
        f"name: {symptom.label}",
        f'def: "{symptom.definition}" []',
    ]
    lines += [f'synonym: "{s}" EXACT []' for s in symptom.synonyms]
    lines += [f"xref: {x}" for x in symptom.xrefs]
    props = {
        "lexicon_domain": [symptom.lexicon_domain],
        "default_label": [symptom.default_label],
        "onset_stage": [symptom.onset_stage],
        "source": [symptom.source],
        "phenotype_domain": list(symptom.phenotype_domains),
        "lay_phrase": list(symptom.lay_phrases),
        "abbreviation": list(symptom.abbreviations),
    }
    for key, values in props.items():
        lines += [f'property_value: {key} "{v}" xsd:string' for v in values]
    return "\n".join(lines)


def test_obo_lexicon_loads_the_same_symptoms(tmp_path):
    folder = _copy_template(tmp_path)
    original = load_disease(folder)
    body = "\n\n".join(_obo_stanza(s) for s in original.symptoms)
    (folder / "symptoms.obo").write_text(f"format-version: 1.2\n\n{body}\n", encoding="utf-8")
    (folder / "symptoms.ttl").unlink()
    converted = load_disease(folder)
    assert converted.symptoms == original.symptoms
