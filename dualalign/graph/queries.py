"""Every Cypher statement the Neo4j store sends. Values are always ``$parameters``; labels and
relationship types come only from :mod:`dualalign.graph.schema`, never from user input."""

from __future__ import annotations

from dualalign.graph.schema import NODE_LABELS, REL_TYPES

__all__ = [
    "CONSTRAINTS",
    "DELETE_OTHER_DISEASES",
    "DELETE_STALE_NODES",
    "DELETE_STALE_RELS",
    "DISEASES",
    "EXPORT_NODES",
    "EXPORT_RELS",
    "HAS_GDS",
    "merge_nodes",
    "merge_rels",
]

#: Properties the store adds for its own bookkeeping; never exported.
INTERNAL_PROPS = ("id", "disease", "key", "load_tag")

CONSTRAINTS: tuple[str, ...] = tuple(
    f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in NODE_LABELS
)

DISEASES = "MATCH (d:Disease) RETURN d.id AS id ORDER BY id"

DELETE_OTHER_DISEASES = """
MATCH (n) WHERE n.disease IS NULL OR n.disease <> $disease
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""

DELETE_STALE_NODES = """
MATCH (n) WHERE n.disease = $disease AND n.load_tag <> $tag AND NOT n:Persona
DETACH DELETE n
RETURN count(*) AS removed
"""

DELETE_STALE_RELS = """
MATCH (a)-[r]->() WHERE a.disease = $disease AND r.load_tag <> $tag AND NOT a:Persona
DELETE r
RETURN count(*) AS removed
"""

EXPORT_NODES = """
MATCH (n) WHERE n.disease = $disease
RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props
"""

EXPORT_RELS = """
MATCH (a)-[r]->(b) WHERE a.disease = $disease
RETURN type(r) AS type, labels(a)[0] AS src_label, a.id AS src, labels(b)[0] AS dst_label,
       b.id AS dst, coalesce(r.key, "") AS key, properties(r) AS props
"""

HAS_GDS = "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN count(*) > 0 AS ok"


def merge_nodes(label: str) -> str:
    """Batched, idempotent upsert of nodes of one label (properties replaced wholesale)."""
    if label not in NODE_LABELS:
        raise ValueError(f"unknown label {label}")
    return (
        f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) "
        "SET n = row.props, n.id = row.id, n.disease = $disease, n.load_tag = $tag"
    )


def merge_rels(rel_type: str, src_label: str, dst_label: str) -> str:
    """Batched, idempotent upsert of relationships of one type between two labels."""
    if rel_type not in REL_TYPES or src_label not in NODE_LABELS or dst_label not in NODE_LABELS:
        raise ValueError(f"unknown relationship {src_label}-{rel_type}->{dst_label}")
    return (
        f"UNWIND $rows AS row MATCH (a:{src_label} {{id: row.src}}) "
        f"MATCH (b:{dst_label} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{key: row.key}}]->(b) "
        "SET r = row.props, r.key = row.key, r.load_tag = $tag"
    )
