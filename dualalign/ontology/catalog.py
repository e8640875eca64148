"""Which diseases exist: those shipped with dualalign, and those a user registered.

Registering copies a validated folder into ``$DUALALIGN_HOME/ontologies/<name>`` in one atomic
rename, so a half-copied or invalid disease is never visible.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dualalign.errors import OntologyError, OntologyNotFoundError
from dualalign.ontology.loader import load_disease
from dualalign.ontology.model import DiseaseModel
from dualalign.settings import bundled_path, data_home

__all__ = ["CatalogEntry", "list_diseases", "register_disease", "resolve_disease", "user_root"]


@dataclass(frozen=True)
class CatalogEntry:
    """A disease the catalog knows, and where its folder is."""

    name: str
    path: Path
    origin: str  # "bundled" | "user"


def user_root() -> Path:
    """The folder holding registered diseases."""
    root = data_home() / "ontologies"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _entries(root: Path, origin: str) -> list[CatalogEntry]:
    if not root.is_dir():
        return []
    return [
        CatalogEntry(p.name, p, origin)
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.name.startswith((".", "_")) and (p / "disease.ttl").is_file()
    ]


def list_diseases() -> list[CatalogEntry]:
    """Every known disease; a user registration shadows a bundled one of the same name."""
    found = {e.name: e for e in _entries(bundled_path("ontologies"), "bundled")}
    # read without creating: a lookup (even a failed one) must leave the data home as it was
    found.update({e.name: e for e in _entries(data_home() / "ontologies", "user")})
    return [found[name] for name in sorted(found)]


def resolve_disease(name_or_path: str) -> Path:
    """Return the folder of a registered disease name, or of an existing folder path."""
    for entry in list_diseases():
        if entry.name == name_or_path:
            return entry.path
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    known = ", ".join(e.name for e in list_diseases()) or "(none)"
    raise OntologyNotFoundError(
        f"unknown disease '{name_or_path}'; known: {known} "
        "(register a folder with `dualalign ontology add PATH`)"
    )


def register_disease(folder: str | Path, *, replace: bool = False) -> tuple[DiseaseModel, Path]:
    """Validate ``folder`` and copy it into the user catalog under the disease's identifier.

    Raises:
        OntologyValidationError: the folder is invalid; nothing is registered.
        OntologyError: a disease of that name is already registered and ``replace`` is False.
    """
    model = load_disease(folder)
    root = user_root()
    target = root / model.name
    if target.exists() and not replace:
        raise OntologyError(
            f"disease '{model.name}' is already registered at {target}; "
            "pass --replace to overwrite it"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=root))
    try:
        copied = staging / model.name
        shutil.copytree(folder, copied)
        load_disease(copied)  # what lands is exactly what was validated
        if target.exists():
            old = staging / "old"
            target.rename(old)
        copied.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return model, target
