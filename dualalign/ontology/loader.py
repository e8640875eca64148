"""Load a disease folder into a validated :class:`DiseaseModel`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from dualalign.errors import OntologyNotFoundError, OntologyValidationError, Problem
from dualalign.ontology.crosscheck import cross_check
from dualalign.ontology.entities import build_entities
from dualalign.ontology.model import DiseaseModel
from dualalign.ontology.rdf import RDF_FORMATS, read_entities
from dualalign.ontology.tables import TABLES, Row, pydantic_problems, read_table

__all__ = ["check_folder", "folder_checksum", "load_disease"]

_ENTITY_FIELDS = {
    "lexicon_domains": "LexiconDomain",
    "phenotype_domains": "PhenotypeDomain",
    "labels": "Label",
    "stages": "Stage",
    "note_types": "NoteType",
    "populations": "Population",
    "risk_factor_groups": "RiskFactorGroup",
    "risk_factors": "RiskFactor",
    "symptoms": "Symptom",
    "reporters": "Reporter",
}


def folder_checksum(folder: Path) -> str:
    """SHA-256 over the names and bytes of every knowledge-base file in ``folder``."""
    digest = hashlib.sha256()
    names = {spec.file for spec in TABLES.values()}
    for path in sorted(folder.iterdir()):
        if path.is_file() and (path.suffix in RDF_FORMATS or path.name in names):
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _required_files(folder: Path) -> list[Problem]:
    problems = []
    if not (folder / "disease.ttl").is_file():
        problems.append(
            Problem(
                "disease.ttl",
                "required file is missing",
                "create it (copy ontologies/_template/disease.ttl and edit it)",
            )
        )
    if not any((folder / f"symptoms{suffix}").is_file() for suffix in RDF_FORMATS):
        problems.append(
            Problem(
                "symptoms.ttl",
                "required symptom lexicon is missing",
                "add symptoms.ttl (or symptoms.owl, .rdf, .obo)",
            )
        )
    return problems


def _lexicon_file(folder: Path) -> str:
    found = [
        f"symptoms{suffix}" for suffix in RDF_FORMATS if (folder / f"symptoms{suffix}").is_file()
    ]
    return found[0] if found else "symptoms.ttl"


def _collect(folder: Path) -> tuple[DiseaseModel | None, list[Problem]]:
    if not folder.is_dir():
        raise OntologyNotFoundError(
            f"{folder}: no such disease folder; check the path or run `dualalign ontology list`"
        )
    # Three phases; a later phase runs only when the earlier ones found nothing, so one
    # mistake is reported once instead of cascading into every rule that depends on it.
    problems = _required_files(folder)
    entities, parse_problems, _ = read_entities(folder)
    problems.extend(parse_problems)
    if problems:
        return None, problems
    located, declared, entity_problems = build_entities(entities, _lexicon_file(folder))
    problems.extend(entity_problems)
    rows: dict[str, list[Row]] = {}
    for name, spec in TABLES.items():
        rows[name], table_problems = read_table(folder, spec)
        problems.extend(table_problems)
    if problems:
        return None, problems
    problems.extend(cross_check(located, declared, rows))
    if problems:
        return None, problems
    data: dict[str, object] = {
        "folder": str(folder),
        "checksum": folder_checksum(folder),
        "disease": located["Disease"][0].value,
    }
    for attr, cls in _ENTITY_FIELDS.items():
        data[attr] = tuple(loc.value for loc in located[cls])
    for attr, table_rows in rows.items():
        data[attr] = tuple(row.value for row in table_rows)
    try:
        return DiseaseModel.model_validate(data), []
    except ValidationError as exc:  # a rule the per-file checks did not catch
        return None, pydantic_problems(exc, folder.name, None, "disease")


def check_folder(folder: str | Path) -> list[Problem]:
    """Validate a disease folder and return every problem (empty when it is valid)."""
    return _collect(Path(folder))[1]


def load_disease(folder: str | Path) -> DiseaseModel:
    """Load and validate a disease folder.

    Raises:
        OntologyNotFoundError: the folder does not exist.
        OntologyValidationError: the folder breaks the format; ``problems`` lists why.
    """
    path = Path(folder)
    result, problems = _collect(path)
    if result is None:
        raise OntologyValidationError(str(path), problems)
    return result
