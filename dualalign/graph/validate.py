"""Check a whole graph against the model in :mod:`dualalign.graph.schema` before it is stored.

A graph that passes has a supported format version, a Disease node for its disease, only known
labels and relationship types, relationships whose endpoints exist and have the labels the type
allows, and every property the walk, the persona sampler and the named queries read.
"""

from __future__ import annotations

from collections.abc import Iterator

from dualalign.errors import ConfigError
from dualalign.graph.data import GraphData
from dualalign.graph.data import Node as GraphNode
from dualalign.graph.data import Rel as GraphRel
from dualalign.graph.schema import (
    GRAPH_FORMAT,
    NODE_LABELS,
    NODE_PROPS,
    REL_TYPES,
    SUPPORTED_VERSIONS,
    Node,
    Rel,
)

__all__ = ["FIX", "check_graph", "check_header", "graph_problems"]

#: What to do about a graph that breaks the model.
FIX = (
    "use a graph written by this dualalign's `dualalign graph export`, "
    "or rebuild it with `dualalign graph load`"
)
#: MODIFIES of a stage transition names the stage it starts from.
_STAGE_TRANSITION = "stage_transition"


def check_header(fmt: object, version: object) -> str | None:
    """The problem with a graph's ``format`` and ``version`` fields, or None."""
    if fmt != GRAPH_FORMAT:
        return f"format {fmt!r} is not {GRAPH_FORMAT!r}"
    if version not in SUPPORTED_VERSIONS:
        supported = ", ".join(map(str, SUPPORTED_VERSIONS))
        return f"format version {version!r} is not supported (this dualalign reads {supported})"
    return None


def _node_problems(node: GraphNode) -> Iterator[str]:
    if node.label not in NODE_LABELS:
        yield f"node {node.label}:{node.id} has unknown label '{node.label}'"
        return
    for prop in NODE_PROPS.get(node.label, ()):
        if prop not in node.props:
            yield f"node {node.label}:{node.id} lacks required property '{prop}'"


def _required_props(rel: GraphRel) -> tuple[str, ...]:
    required = REL_TYPES[rel.type].required
    if rel.type == Rel.MODIFIES and rel.props.get("target_kind") == _STAGE_TRANSITION:
        required += ("from_stage",)
    return required


def _rel_problems(rel: GraphRel, nodes: set[tuple[str, str]]) -> Iterator[str]:
    name = f"relationship {rel.type} {rel.src_label}:{rel.src} -> {rel.dst_label}:{rel.dst}"
    if rel.type not in REL_TYPES:
        yield f"{name} has unknown type '{rel.type}'"
        return
    spec = REL_TYPES[rel.type]
    ends = ((rel.src, rel.src_label, spec.src), (rel.dst, rel.dst_label, spec.dst))
    for end, label, allowed in ends:
        if allowed != "*" and label != allowed:
            yield f"{name} must go from {spec.src} to {spec.dst}"
        elif (label, end) not in nodes:
            yield f"{name} points to missing node {label}:{end}"
    for prop in _required_props(rel):
        if prop not in rel.props:
            yield f"{name} lacks required property '{prop}'"


def graph_problems(graph: GraphData) -> Iterator[str]:
    """Every way ``graph`` breaks the model, one line each, in file order."""
    header = check_header(graph.format, graph.version)
    if header:
        yield header
    keys: set[tuple[str, str]] = set()
    for node in graph.nodes:
        key = (node.label, node.id)
        if key in keys:
            yield f"node {node.label}:{node.id} appears twice"
        keys.add(key)
        yield from _node_problems(node)
    if (Node.DISEASE, graph.disease) not in keys:
        yield f"the graph has no Disease node '{graph.disease}' for its disease"
    for rel in graph.rels:
        yield from _rel_problems(rel, keys)


def check_graph(graph: GraphData, where: str) -> None:
    """Refuse a graph that breaks the model, naming its first problem.

    Raises:
        ConfigError: ``where: problem (+N more); fix`` in one line.
    """
    problems = list(graph_problems(graph))
    if not problems:
        return
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    raise ConfigError(f"{where}: {problems[0]}{more}; {FIX}")
