"""The README and cypher/schema.cypher stay true to the code."""

from __future__ import annotations

import re

from dualalign.graph import load_named_queries
from dualalign.graph.queries import CONSTRAINTS
from dualalign.graph.schema import NODE_LABELS, REL_TYPES
from dualalign.settings import ENVIRONMENT_VARIABLES
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_environment_variable():
    for name in ENVIRONMENT_VARIABLES:
        assert f"`{name}`" in README, name
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "dualalign").rglob("*.py"))
    used = set(re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_]+)\"", code))
    used |= set(re.findall(r"envvar=\"([A-Z_]+)\"", code))
    assert used <= set(ENVIRONMENT_VARIABLES), used - set(ENVIRONMENT_VARIABLES)


def test_readme_names_every_query():
    for name in load_named_queries():
        assert f"`{name}`" in README, name


def test_schema_file_documents_the_model():
    text = (ROOT / "cypher" / "schema.cypher").read_text(encoding="utf-8")
    for label in NODE_LABELS:
        assert f"(:{label})" in text, label
    for rel in REL_TYPES:
        assert f"[:{rel}" in text, rel
    for statement in CONSTRAINTS:
        assert statement in text


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npytest\n" in ci
    assert '```bash\npip install -e ".[dev,hf,eval,synthea,hpo,export,ray]"\npytest\n```' in README
    assert 'pip install --quiet -e ".[dev,hf,eval,synthea,hpo,export,ray]"' in ci
