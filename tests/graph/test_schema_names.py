"""The name enums and the documented schema tables list the same labels and types."""

from dualalign.graph.schema import NODE_LABELS, REL_TYPES, Node, Rel


def test_node_enum_matches_schema_table() -> None:
    assert {n.value for n in Node} == set(NODE_LABELS)


def test_rel_enum_matches_schema_table() -> None:
    assert {r.value for r in Rel} == set(REL_TYPES)


def test_code_names_labels_and_types_through_the_enums() -> None:
    import re

    from tests.paths import ROOT

    names = {m.value for m in Node} | {m.value for m in Rel}
    literal = re.compile(r"[\"']([A-Za-z_]+)[\"']")
    found = []
    for area in ("graph", "walk", "persona"):
        for path in sorted((ROOT / "dualalign" / area).glob("*.py")):
            if path.name == "schema.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found += [f"{path.name}:{number}: {m}" for m in literal.findall(line) if m in names]
    assert not found, found
