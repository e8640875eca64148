"""Disease knowledge bases: load, validate, list and register them."""

from dualalign.ontology.catalog import (
    CatalogEntry,
    list_diseases,
    register_disease,
    resolve_disease,
)
from dualalign.ontology.loader import check_folder, load_disease
from dualalign.ontology.model import DiseaseModel

__all__ = [
    "CatalogEntry",
    "DiseaseModel",
    "check_folder",
    "list_diseases",
    "load_disease",
    "register_disease",
    "resolve_disease",
]
