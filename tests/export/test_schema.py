"""The Arrow schema comes from SentenceRow's fields: nested fields stay nested."""

from __future__ import annotations

import types
from typing import Union, get_args, get_origin

import pyarrow as pa
import pytest

from dualalign.export.schema import arrow_schema, flat_columns, sentence_schema
from dualalign.records import SentenceLabels, SentenceRow


def _optional(annotation: object) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def test_one_column_per_field_in_order_with_its_nullability() -> None:
    schema = sentence_schema()
    fields = SentenceRow.model_fields
    assert schema.names == list(fields)
    for name, info in fields.items():
        assert schema.field(name).nullable == _optional(info.annotation), name


def test_lists_and_structs_stay_nested() -> None:
    schema = sentence_schema()
    for name in ("planned_symptoms", "expressed_symptoms"):
        kind = schema.field(name).type
        assert pa.types.is_list(kind) and kind.value_type == pa.string(), name
        assert not kind.value_field.nullable  # list[str], not list[str | None]
    labels = schema.field("labels").type
    assert pa.types.is_struct(labels)
    assert [f.name for f in labels] == list(SentenceLabels.model_fields)
    assert schema.field("years_from_diagnosis").type == pa.float64()
    assert schema.field("sentence_index").type == pa.int64()
    assert schema.field("annotator").type == pa.string()  # a Literal of strings


def test_flat_columns_spell_struct_fields_with_a_dot() -> None:
    names = [c.name for c in flat_columns(sentence_schema())]
    assert "labels" not in names
    assert [n for n in names if n.startswith("labels.")] == [
        f"labels.{f}" for f in SentenceLabels.model_fields
    ]
    assert len(names) == len(SentenceRow.model_fields) - 1 + len(SentenceLabels.model_fields)


def test_a_type_without_an_arrow_form_is_refused() -> None:
    from pydantic import BaseModel

    class Odd(BaseModel):
        pair: tuple[int, int]

    with pytest.raises(TypeError, match="no Arrow type"):
        arrow_schema(Odd)
