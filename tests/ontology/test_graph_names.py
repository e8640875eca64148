"""to_graph names node labels and relationship types through the schema enums only."""

from __future__ import annotations

import ast
from pathlib import Path

from dualalign.graph.schema import Node, Rel
from dualalign.ontology import to_graph


def test_to_graph_uses_schema_enums_not_string_literals() -> None:
    names = {m.value for m in Node} | {m.value for m in Rel}
    tree = ast.parse(Path(to_graph.__file__).read_text(encoding="utf-8"))
    literals = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert sorted(literals & names) == []
