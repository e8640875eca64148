"""Turn raw RDF/OBO entities into validated pydantic objects, resolving references."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from rdflib import Literal, URIRef

from dualalign.errors import Problem
from dualalign.ontology import model as m
from dualalign.ontology.rdf import Entity
from dualalign.ontology.tables import pydantic_problems

__all__ = ["ENTITY_CLASSES", "REQUIRED_CLASSES", "Located", "build_entities", "missing_classes"]

# field -> (property, kind, many). kind: text | int | float | bool | ref:<Class>
_Field = tuple[str, str, bool]
_COMMON: dict[str, _Field] = {
    "id": ("identifier", "text", False),
    "label": ("prefLabel", "text", False),
    "definition": ("definition", "text", False),
}
_SPECS: dict[str, tuple[type[BaseModel], dict[str, _Field]]] = {
    "Disease": (
        m.Disease,
        {
            **_COMMON,
            "format_version": ("formatVersion", "text", False),
            "xrefs": ("xref", "text", True),
            "default_population": ("defaultPopulation", "ref:Population", False),
        },
    ),
    "LexiconDomain": (m.LexiconDomain, {**_COMMON, "order": ("order", "int", False)}),
    "PhenotypeDomain": (m.PhenotypeDomain, {**_COMMON, "order": ("order", "int", False)}),
    "Label": (
        m.Label,
        {
            **_COMMON,
            "order": ("order", "int", False),
            "examples": ("example", "text", True),
            "priority": ("priority", "int", False),
        },
    ),
    "Stage": (
        m.Stage,
        {
            **_COMMON,
            "order": ("order", "int", False),
            "mean_duration_months": ("meanDurationMonths", "float", False),
            "min_duration_months": ("minDurationMonths", "float", False),
            "max_duration_months": ("maxDurationMonths", "float", False),
            "source": ("source", "text", False),
            "cdr": ("cdr", "text", False),
            "mmse_min": ("mmseMin", "float", False),
            "mmse_max": ("mmseMax", "float", False),
            "terminal": ("terminal", "bool", False),
        },
    ),
    "Reporter": (
        m.Reporter,
        {
            **_COMMON,
            "order": ("order", "int", False),
            "label_for": ("label", "ref:Label", False),
            "prompt_phrases": ("promptPhrase", "text", True),
        },
    ),
    "NoteType": (m.NoteType, {**_COMMON, "abbreviation": ("abbreviation", "text", False)}),
    "Population": (m.Population, {**_COMMON, "source": ("source", "text", False)}),
    "RiskFactorGroup": (m.RiskFactorGroup, dict(_COMMON)),
    "RiskFactor": (
        m.RiskFactor,
        {
            **_COMMON,
            "group": ("group", "ref:RiskFactorGroup", False),
            "xrefs": ("xref", "text", True),
            "synonyms": ("altLabel", "text", True),
            "prompt_phrase": ("promptPhrase", "text", False),
        },
    ),
    "Symptom": (
        m.Symptom,
        {
            **_COMMON,
            "lexicon_domain": ("lexiconDomain", "ref:LexiconDomain", False),
            "phenotype_domains": ("phenotypeDomain", "ref:PhenotypeDomain", True),
            "default_label": ("defaultLabel", "ref:Label", False),
            "onset_stage": ("onsetStage", "ref:Stage", False),
            "source": ("source", "text", False),
            "synonyms": ("altLabel", "text", True),
            "lay_phrases": ("layPhrase", "text", True),
            "abbreviations": ("abbreviation", "text", True),
            "xrefs": ("xref", "text", True),
        },
    ),
}

#: The RDF classes (local names under the da: namespace) dualalign reads.
ENTITY_CLASSES: tuple[str, ...] = tuple(_SPECS)


@dataclass(frozen=True)
class Located:
    """A validated entity with the file and line it was written at."""

    value: Any
    file: str
    line: int | None


def _scalar(value: object, kind: str) -> object:
    if isinstance(value, Literal):
        python = value.toPython()
        if kind == "bool" and isinstance(python, str):
            return python.strip().lower()
        return python if kind in ("int", "float", "bool") else str(value)
    return str(value)


class _Builder:
    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        self.problems: list[Problem] = []
        self.by_iri: dict[str, tuple[str, str]] = {}
        self.ids: dict[str, dict[str, Entity]] = defaultdict(dict)

    def index(self) -> None:
        for ent in self.entities:
            if ent.cls not in _SPECS:
                self.problems.append(
                    Problem(
                        ent.file,
                        f"<{ent.iri}> has unknown class da:{ent.cls}",
                        f"use one of {', '.join('da:' + c for c in _SPECS)}",
                        ent.line,
                    )
                )
                continue
            ids = ent.values("identifier")
            if len(ids) != 1:
                what = "no dcterms:identifier" if not ids else f"{len(ids)} identifiers"
                self.problems.append(
                    Problem(
                        ent.file,
                        f"{ent.cls} <{ent.iri}> has {what}",
                        "give it exactly one dcterms:identifier",
                        ent.line,
                    )
                )
                continue
            ident = str(ids[0])
            seen = self.ids[ent.cls].get(ident)
            if seen is not None and seen.iri != ent.iri:
                where = f"{seen.file}:{seen.line}" if seen.line else seen.file
                self.problems.append(
                    Problem(
                        ent.file,
                        f"duplicate {ent.cls} identifier '{ident}' (also used at {where})",
                        "give each entity its own identifier",
                        ent.line,
                    )
                )
                continue
            self.ids[ent.cls][ident] = ent
            self.by_iri[ent.iri] = (ent.cls, ident)

    def _ref(self, ent: Entity, prop: str, value: object, target: str) -> str | None:
        if isinstance(value, URIRef):
            found = self.by_iri.get(str(value))
            if found is None or found[0] != target:
                what = "is not defined" if found is None else f"is a {found[0]}"
                self.problems.append(
                    Problem(
                        ent.file,
                        f"{ent.cls} '{self._name(ent)}': da:{prop} refers to <{value}>, "
                        f"which {what}, not a {target}",
                        f"define that {target} or point to one of: {self._choices(target)}",
                        ent.line,
                    )
                )
                return None
            return found[1]
        ident = str(value)
        if ident not in self.ids.get(target, {}):
            self.problems.append(
                Problem(
                    ent.file,
                    f"{ent.cls} '{self._name(ent)}': {prop} '{ident}' is not a defined {target}",
                    f"use one of: {self._choices(target)}",
                    ent.line,
                )
            )
            return None
        return ident

    def _choices(self, cls: str) -> str:
        names = sorted(self.ids.get(cls, {}))
        return ", ".join(names[:12]) + (", ..." if len(names) > 12 else "") or "(none defined)"

    @staticmethod
    def _name(ent: Entity) -> str:
        ids = ent.values("identifier")
        return str(ids[0]) if ids else ent.iri

    def build(self, ent: Entity) -> Located | None:
        model, fields = _SPECS[ent.cls]
        data: dict[str, Any] = {}
        ok = True
        for name, (prop, kind, many) in fields.items():
            values = ent.values(prop)
            if not values:
                continue
            if not many and len(values) > 1:
                self.problems.append(
                    Problem(
                        ent.file,
                        f"{ent.cls} '{self._name(ent)}' has {len(values)} values for {prop}",
                        "keep exactly one",
                        ent.line,
                    )
                )
                ok = False
                continue
            if kind.startswith("ref:"):
                refs = [self._ref(ent, prop, v, kind[4:]) for v in values]
                if any(r is None for r in refs):
                    ok = False
                    continue
                data[name] = tuple(refs) if many else refs[0]
            else:
                converted = [_scalar(v, kind) for v in values]
                data[name] = tuple(sorted(map(str, converted))) if many else converted[0]
        if not ok:
            return None
        try:
            return Located(model.model_validate(data), ent.file, ent.line)
        except ValidationError as exc:
            self.problems.extend(
                pydantic_problems(exc, ent.file, ent.line, f"{ent.cls} '{self._name(ent)}'")
            )
            return None


def build_entities(
    entities: list[Entity], lexicon_file: str = "symptoms.ttl"
) -> tuple[dict[str, list[Located]], dict[str, set[str]], list[Problem]]:
    """Validate entities class by class.

    A required class with no entity at all (an empty file, say) is reported once and nothing is
    built: every reference to that class would fail too and bury the cause.

    Returns:
        Located models per class name (only the valid ones), the identifiers declared per
        class (valid or not, so one bad entity does not make every reference to it fail too),
        and the problems found.
    """
    builder = _Builder(entities)
    builder.index()
    declared = {cls: set(builder.ids.get(cls, {})) for cls in _SPECS}
    out: dict[str, list[Located]] = {cls: [] for cls in _SPECS}
    missing = missing_classes(declared, lexicon_file)
    if missing:
        return out, declared, builder.problems + missing
    for cls, by_id in list(builder.ids.items()):
        for ident in sorted(by_id):
            located = builder.build(by_id[ident])
            if located is not None:
                out[cls].append(located)
    pops = sorted(declared.get("Population", ()))
    for loc in out["Disease"]:
        if loc.value.default_population is None and len(pops) > 1:
            builder.problems.append(
                Problem(
                    loc.file,
                    f"Disease '{loc.value.id}' names no default population and the folder has "
                    f"{len(pops)} ({', '.join(pops)})",
                    "add da:defaultPopulation with the one commands should use when "
                    "--population is not given",
                    loc.line,
                )
            )
    return out, declared, builder.problems


#: Classes a folder must define at least one of; every later rule depends on them.
REQUIRED_CLASSES: tuple[str, ...] = (
    "LexiconDomain",
    "PhenotypeDomain",
    "Label",
    "Stage",
    "NoteType",
    "Population",
    "Symptom",
)


def missing_classes(declared: dict[str, set[str]], lexicon_file: str) -> list[Problem]:
    """One problem per required class with no entity at all (an empty or cut-down file), or
    one for the whole of disease.ttl when it defines nothing.

    Reported alone: every reference to such a class would fail too, burying the cause.
    """
    problems = []
    absent = [cls for cls in REQUIRED_CLASSES if not declared.get(cls)]
    if "Symptom" in absent:
        absent.remove("Symptom")
        problems.append(
            Problem(
                lexicon_file,
                "no symptoms are defined (no da:Symptom entity found)",
                "define the symptom lexicon (see ontologies/_template/symptoms.ttl)",
            )
        )
    if len(absent) == len(REQUIRED_CLASSES) - 1 and not declared.get("Disease"):
        problems.append(
            Problem(
                "disease.ttl",
                "no disease is defined (no da:Disease, da:Stage, da:Label ... entity found)",
                "fill in disease.ttl (copy ontologies/_template/disease.ttl and edit it)",
            )
        )
        return problems
    problems.extend(
        Problem("disease.ttl", f"no da:{cls} is defined", f"define at least one da:{cls}")
        for cls in absent
    )
    return problems
