"""Arrow types from the typed rows: the one place that turns :class:`SentenceRow`'s fields into
columns, so an export has the same fields, nesting and nullability as ``sentences.jsonl``.

Nested fields stay nested: ``list[str]`` is an Arrow list, a row model such as
:class:`SentenceLabels` a struct, ``X | None`` a nullable column.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from dualalign.records import SentenceRow

__all__ = ["FLAT_SEPARATOR", "FlatColumn", "arrow_schema", "flat_columns", "sentence_schema"]

#: joins a struct's name and its field's name in flat (CSV) column names: ``labels.llm``
FLAT_SEPARATOR = "."

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
}


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """The Arrow type of a field's annotation and whether it may be null."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"no Arrow type for the union {annotation!r}")
        return _arrow_type(inner[0])[0], True
    if origin is Literal:
        kinds = {type(a) for a in args}
        if len(kinds) != 1:
            raise TypeError(f"no Arrow type for the mixed literal {annotation!r}")
        return _SCALARS[kinds.pop()], False
    if origin is list:
        item, nullable = _arrow_type(args[0])
        return pa.list_(pa.field("item", item, nullable=nullable)), False
    if origin is dict:
        key, _ = _arrow_type(args[0])
        value, nullable = _arrow_type(args[1])
        return pa.map_(key, pa.field("value", value, nullable=nullable)), False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(list(arrow_schema(annotation))), False
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a row model: one field per model field, in declaration order."""
    fields = []
    for name, info in model.model_fields.items():
        kind, nullable = _arrow_type(info.annotation)
        fields.append(pa.field(name, kind, nullable=nullable))
    return pa.schema(fields)


def sentence_schema() -> pa.Schema:
    """The Arrow schema of ``sentences.jsonl`` (:class:`SentenceRow`)."""
    return arrow_schema(SentenceRow)


@dataclass(frozen=True)
class FlatColumn:
    """A column of a flat table: ``labels.llm`` is field ``llm`` of struct ``labels``."""

    name: str
    path: tuple[str, ...]
    field: pa.Field

    def value(self, record: Mapping[str, Any]) -> Any:
        """This column's value in a nested record (None where a struct on the way is null)."""
        value: Any = record
        for key in self.path:
            if value is None:
                return None
            value = value[key]
        return value


def flat_columns(schema: pa.Schema, path: tuple[str, ...] = ()) -> list[FlatColumn]:
    """Columns of a flat table (CSV): structs become ``name.field`` columns, the rest stay."""
    out: list[FlatColumn] = []
    for field in schema:
        where = (*path, field.name)
        if pa.types.is_struct(field.type):
            out.extend(flat_columns(pa.schema(list(field.type)), where))
        else:
            out.append(FlatColumn(FLAT_SEPARATOR.join(where), where, field))
    return out
