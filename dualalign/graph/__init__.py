"""Graph stores: where personas, stages, symptoms and their transitions live."""

from dualalign.graph.data import GraphData, Node, Rel
from dualalign.graph.factory import STORE_KINDS, default_graph_file, open_store
from dualalign.graph.memory_store import MemoryGraphStore
from dualalign.graph.named_queries import NamedQuery, coerce_params, load_named_queries
from dualalign.graph.store import GraphStats, GraphStore, LoadReport

__all__ = [
    "STORE_KINDS",
    "GraphData",
    "GraphStats",
    "GraphStore",
    "LoadReport",
    "MemoryGraphStore",
    "NamedQuery",
    "Node",
    "Rel",
    "coerce_params",
    "default_graph_file",
    "load_named_queries",
    "open_store",
]
