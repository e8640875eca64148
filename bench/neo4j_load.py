"""Benchmark: batched UNWIND/MERGE loading vs. a naive MERGE per row, on a real Neo4j server.

Loads N symptom-transition rows (default 1,000,000 between 10,000 symptoms) through
``Neo4jGraphStore.upsert`` -- the code path `dualalign graph load` uses -- and, side by side,
a naive baseline that sends one auto-committed MERGE per row on a sample (extrapolated).
Prints rows/s for both and their ratio.

Run it against a scratch server only (it creates and finally deletes nodes whose
``disease`` is ``bench``)::

    export NEO4J_PASSWORD=dualalign-test NEO4J_URI=$(bash test-support/neo4j.sh start)
    python bench/neo4j_load.py --rows 1000000
"""

from __future__ import annotations

import time
from typing import Annotated

import numpy as np
import typer

from dualalign.graph import Node, Rel
from dualalign.graph import queries as q
from dualalign.graph.neo4j_store import Neo4jGraphStore, Neo4jSettings

NAIVE = (
    "MATCH (a:Symptom {id: $src}) MATCH (b:Symptom {id: $dst}) "
    "MERGE (a)-[r:TRANSITIONS_TO {key: $key}]->(b) "
    "SET r.probability = $probability, r.stage = $key, r.load_tag = 'naive'"
)
CLEANUP = (
    "MATCH (n:Symptom) WHERE n.disease = 'bench' "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS"
)


def _rows(n_rows: int, n_nodes: int, seed: int) -> tuple[list[Node], list[Rel]]:
    rng = np.random.default_rng(seed)
    nodes = [
        Node(label="Symptom", id=f"b{i}", props={"label": f"bench {i}"}) for i in range(n_nodes)
    ]
    src = np.repeat(np.arange(n_nodes), n_rows // n_nodes)
    dst = rng.integers(0, n_nodes, size=src.size)
    prob = rng.random(src.size)
    rels = [
        Rel(
            type="TRANSITIONS_TO",
            src_label="Symptom",
            src=f"b{s}",
            dst_label="Symptom",
            dst=f"b{d}",
            key=f"k{i}",
            props={"probability": float(p), "stage": "bench"},
        )
        for i, (s, d, p) in enumerate(zip(src, dst, prob, strict=True))
    ]
    return nodes, rels


def main(
    rows: Annotated[int, typer.Option(help="Transition rows to load in batches.")] = 1_000_000,
    nodes: Annotated[int, typer.Option(help="Symptom nodes.")] = 10_000,
    naive_sample: Annotated[int, typer.Option(help="Rows for the naive baseline.")] = 3_000,
    seed: int = 7,
) -> None:
    """Run both loaders and print rows/s and the ratio."""
    store = Neo4jGraphStore.from_settings(Neo4jSettings())
    driver = store.driver
    try:
        with driver.session(database=store.database) as session:
            session.run(CLEANUP).consume()
        for statement in q.CONSTRAINTS:
            driver.execute_query(statement, database_=store.database)
        node_list, rel_list = _rows(rows, nodes, seed)
        print(f"{len(node_list)} nodes, {len(rel_list)} transition rows on {store.uri}")

        t0 = time.perf_counter()
        store.upsert(node_list, [], "bench", "bench")
        print(f"nodes upserted in {time.perf_counter() - t0:.1f} s")

        sample = rel_list[:naive_sample]
        t0 = time.perf_counter()
        with driver.session(database=store.database) as session:
            for r in sample:
                session.run(
                    NAIVE,
                    src=r.src,
                    dst=r.dst,
                    key="naive-" + r.key,
                    probability=r.props["probability"],
                ).consume()
        naive_s = time.perf_counter() - t0
        naive_rate = len(sample) / naive_s

        t0 = time.perf_counter()
        store.upsert([], rel_list, "bench", "bench")
        batched_s = time.perf_counter() - t0
        batched_rate = len(rel_list) / batched_s

        count = driver.execute_query(
            "MATCH (:Symptom {disease: 'bench'})-[r:TRANSITIONS_TO]->() "
            "WHERE r.load_tag = 'bench' RETURN count(r) AS n",
            database_=store.database,
        ).records[0]["n"]
        assert count == len(rel_list), (count, len(rel_list))

        print(f"{'loader':<34}{'rows':>10}{'seconds':>10}{'rows/s':>12}")
        print(
            f"{'naive MERGE per row (sample)':<34}{len(sample):>10}{naive_s:>10.1f}"
            f"{naive_rate:>12,.0f}"
        )
        print(
            f"{'naive, extrapolated to all rows':<34}{len(rel_list):>10}"
            f"{len(rel_list) / naive_rate:>10.0f}{naive_rate:>12,.0f}"
        )
        print(
            f"{'batched UNWIND/MERGE (ours)':<34}{len(rel_list):>10}{batched_s:>10.1f}"
            f"{batched_rate:>12,.0f}"
        )
        print(f"ratio batched / naive: {batched_rate / naive_rate:.1f}x (target >= 20x)")
    finally:
        with driver.session(database=store.database) as session:
            session.run(CLEANUP).consume()
        store.close()


if __name__ == "__main__":
    typer.run(main)
