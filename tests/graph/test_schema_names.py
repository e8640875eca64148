"""The name enums and the documented schema tables list the same labels and types."""

from dualalign.graph.schema import NODE_LABELS, REL_TYPES, Node, Rel


def test_node_enum_matches_schema_table() -> None:
    assert {n.value for n in Node} == set(NODE_LABELS)


def test_rel_enum_matches_schema_table() -> None:
    assert {r.value for r in Rel} == set(REL_TYPES)
