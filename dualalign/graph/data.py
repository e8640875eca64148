"""Store-independent graph content: nodes, relationships, and a canonical checksum.

Both stores load from and export to :class:`GraphData`; two stores hold the same graph exactly
when their exports have the same checksum.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dualalign.graph.schema import GRAPH_FORMAT, GRAPH_VERSION

__all__ = ["GraphData", "Node", "PropValue", "Rel", "as_float", "clean_props"]

PropValue = str | int | float | bool | list[str] | list[int] | list[float]


def clean_props(props: Mapping[str, Any]) -> dict[str, PropValue]:
    """Drop None and empty lists (Neo4j keeps neither faithfully); tuples become lists."""
    out: dict[str, PropValue] = {}
    for key in sorted(props):
        value = props[key]
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


def as_float(value: PropValue) -> float:
    """A numeric (or numeric-text) property as a float.

    Raises:
        TypeError: the property holds a list.
    """
    if isinstance(value, list):
        raise TypeError(f"expected a number, got the list {value!r}")
    return float(value)


class Node(BaseModel):
    """A node: its label, its id (unique per label) and its properties."""

    model_config = ConfigDict(frozen=True)

    label: str
    id: str
    props: dict[str, PropValue] = Field(default_factory=dict)

    @field_validator("props", mode="before")
    @classmethod
    def _clean(cls, value: Mapping[str, Any]) -> dict[str, PropValue]:
        return clean_props(value)


class Rel(BaseModel):
    """A relationship between two nodes; ``key`` tells parallel edges of one type apart."""

    model_config = ConfigDict(frozen=True)

    type: str
    src_label: str
    src: str
    dst_label: str
    dst: str
    key: str = ""
    props: dict[str, PropValue] = Field(default_factory=dict)

    @field_validator("props", mode="before")
    @classmethod
    def _clean(cls, value: Mapping[str, Any]) -> dict[str, PropValue]:
        return clean_props(value)

    @classmethod
    def between(
        cls, rel_type: str, src: tuple[str, str], dst: tuple[str, str], key: str = "", **props: Any
    ) -> Rel:
        """A relationship from ``(label, id)`` to ``(label, id)``."""
        return cls(
            type=rel_type,
            src_label=src[0],
            src=src[1],
            dst_label=dst[0],
            dst=dst[1],
            key=key,
            props=props,
        )

    @property
    def identity(self) -> tuple[str, str, str, str, str, str]:
        """What makes two relationships the same one."""
        return (self.type, self.src_label, self.src, self.dst_label, self.dst, self.key)


class GraphData(BaseModel):
    """A whole graph for one disease, in canonical order."""

    model_config = ConfigDict(frozen=True)

    format: str = GRAPH_FORMAT
    version: int = GRAPH_VERSION
    disease: str
    nodes: tuple[Node, ...]
    rels: tuple[Rel, ...]

    @classmethod
    def build(cls, disease: str, nodes: Iterable[Node], rels: Iterable[Rel]) -> GraphData:
        """Sort nodes and relationships and clean their properties."""
        node_list = sorted(nodes, key=lambda n: (n.label, n.id))
        rel_list = sorted(rels, key=lambda r: r.identity)
        return cls(disease=disease, nodes=tuple(node_list), rels=tuple(rel_list))

    @property
    def checksum(self) -> str:
        """SHA-256 of the canonical JSON form; equal graphs have equal checksums."""
        payload = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type."""
        out: dict[str, int] = {}
        for n in self.nodes:
            out[n.label] = out.get(n.label, 0) + 1
        for r in self.rels:
            out[r.type] = out.get(r.type, 0) + 1
        return dict(sorted(out.items()))

    def without(self, labels: Iterable[str]) -> GraphData:
        """The same graph minus the given node labels and every relationship touching them."""
        drop = set(labels)
        return GraphData(
            disease=self.disease,
            nodes=tuple(n for n in self.nodes if n.label not in drop),
            rels=tuple(r for r in self.rels if r.src_label not in drop and r.dst_label not in drop),
        )
