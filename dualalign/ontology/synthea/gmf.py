"""Read a Synthea Generic Module Framework (GMF) module: the JSON file, and its validation into
pydantic models of the parts the importer reads (everything else is kept as extra fields, so it
can be reported rather than lost)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from dualalign.errors import OntologyError

__all__ = ["GmfModule", "GmfState", "parse_module", "read_module_file"]

# The class names below appear in validation messages (pydantic names a union member by its
# class), so renaming one changes what users see for a bad module.


class _Gmf(BaseModel):
    model_config = ConfigDict(extra="allow")


class _AttributeDistribution(_Gmf):
    attribute: str
    default: float = 0.0


class _Distributed(_Gmf):
    transition: str
    distribution: float | _AttributeDistribution


class _Conditional(_Gmf):
    transition: str
    condition: dict[str, Any] | None = None


class _Complex(_Gmf):
    condition: dict[str, Any] | None = None
    distributions: list[_Distributed] | None = None
    transition: str | None = None


class _Lookup(_Gmf):
    transition: str
    default_probability: float = 0.0
    lookup_table_name: str | None = None


class _Range(_Gmf):
    low: Any = None
    high: Any = None
    unit: str | None = None


class _Exact(_Gmf):
    quantity: Any = None
    unit: str | None = None


class _Distribution(_Gmf):
    kind: str = ""
    parameters: dict[str, Any] = {}


class _Code(_Gmf):
    system: str = ""
    code: str | int = ""
    display: str = ""


class GmfState(_Gmf):
    """The parts of a GMF state the importer reads; everything else is reported, not lost."""

    type: str
    direct_transition: str | None = None
    distributed_transition: list[_Distributed] | None = None
    conditional_transition: list[_Conditional] | None = None
    complex_transition: list[_Complex] | None = None
    lookup_table_transition: list[_Lookup] | None = None
    type_of_care_transition: dict[str, str] | None = None
    range: _Range | None = None
    exact: _Exact | None = None
    distribution: _Distribution | None = None
    unit: str | None = None
    symptom: str | None = None
    probability: float | None = None
    codes: list[_Code] | None = None
    target_encounter: str | None = None


class GmfModule(_Gmf):
    """A GMF module: a name and its states."""

    name: str
    states: dict[str, GmfState]
    gmf_version: int | str | None = None


def parse_module(data: object, where: str) -> GmfModule:
    """Validate a parsed JSON value as a GMF module.

    Raises:
        OntologyError: not a GMF module (one line naming the first problem), or no states.
    """
    if not isinstance(data, dict) or "states" not in data:
        raise OntologyError(
            f"{where}: not a Synthea GMF module (expected a JSON object with 'name' and "
            "'states'); give a module file such as dementia.json"
        )
    try:
        module = GmfModule.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(map(str, first["loc"])) or "module"
        raise OntologyError(
            f"{where}: not a valid Synthea GMF module: {loc}: {first['msg']}; "
            "check the file against the GMF format"
        ) from exc
    if not module.states:
        raise OntologyError(f"{where}: the module has no states; nothing to import")
    if "Initial" not in module.states:
        raise OntologyError(
            f"{where}: the module has no 'Initial' state; a GMF module starts at 'Initial'"
        )
    return module


def read_module_file(path: Path) -> object:
    """The parsed JSON of a module file.

    Raises:
        OntologyError: no such file, not UTF-8 or not JSON (one line).
    """
    if not path.is_file():
        raise OntologyError(f"{path}: no such module file; give a Synthea GMF module (.json)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OntologyError(f"{path}: not JSON ({exc}); give a Synthea GMF module (.json)") from exc
