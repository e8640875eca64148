"""Python answers to the named queries in ``cypher/``, for the embedded networkx store.

Each function mirrors its ``.cypher`` file: same rows, same column names, same order, and the
same arithmetic in the same order, so results are identical to Neo4j's to the last bit. A
parity test runs every query on both stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx

from dualalign.graph.schema import Node, Rel

__all__ = ["MEMORY_QUERIES"]

Rows = list[dict[str, Any]]
Key = tuple[str, str]


def _out(g: nx.MultiDiGraph, node: Key, rel: str) -> Iterator[tuple[Key, dict[str, Any]]]:
    if node not in g:
        return
    for _, dst, (kind, _key), data in g.out_edges(node, keys=True, data=True):  # type: ignore[misc]
        if kind == rel:
            yield dst, data


def _in(g: nx.MultiDiGraph, node: Key, rel: str) -> Iterator[tuple[Key, dict[str, Any]]]:
    if node not in g:
        return
    for src, _, (kind, _key), data in g.in_edges(node, keys=True, data=True):  # type: ignore[misc]
        if kind == rel:
            yield src, data


def _nodes(g: nx.MultiDiGraph, label: str) -> list[Key]:
    return sorted(n for n in g.nodes if n[0] == label)


def _edge(g: nx.MultiDiGraph, a: Key, b: Key, rel: str, key: str = "") -> dict[str, Any] | None:
    data = g.get_edge_data(a, b, key=(rel, key))
    return data  # type: ignore[no-any-return]


def _sort(rows: Rows, key: Callable[[dict[str, Any]], Any]) -> Rows:
    return sorted(rows, key=key)


def top_transitions(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    a = (Node.SYMPTOM, p["symptom"])
    rows = []
    for s, r in _out(g, a, Rel.RESAMPLES):
        if p["stage"] is not None and s[1] != p["stage"]:
            continue
        targets = {b for b, t in _out(g, a, Rel.TRANSITIONS_TO) if t["stage"] == s[1]}
        targets |= {b for b, _ in _out(g, s, Rel.EMITS)}
        for b in targets:
            t = _edge(g, a, b, Rel.TRANSITIONS_TO, s[1])
            e = _edge(g, s, b, Rel.EMITS)
            prob = (t["probability"] if t else 0.0) + r["probability"] * (
                e["probability"] if e else 0.0
            )
            rows.append(
                {
                    "stage": s[1],
                    "to_symptom": b[1],
                    "label": g.nodes[b].get("label"),
                    "via": t["kind"] if t else "redrawn",
                    "probability": prob,
                }
            )
    rows = _sort(rows, lambda x: (-x["probability"], x["stage"], x["to_symptom"]))
    return rows[: p["limit"]]


def likely_trajectories(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    steps, stage = p["steps"], p["stage"]
    start = (Node.SYMPTOM, p["symptom"])
    rows: Rows = []
    if start not in g or not 1 <= steps <= 6:
        return rows

    def walk(node: Key, path: list[str], used: set[Key], prob: float) -> None:
        if len(path) - 1 == steps:
            rows.append({"trajectory": list(path), "probability": prob})
            return
        for dst, t in _out(g, node, Rel.TRANSITIONS_TO):
            edge = (node[1], dst[1])
            if t["stage"] != stage or edge in used:  # Cypher never reuses a relationship
                continue
            walk(dst, [*path, dst[1]], used | {edge}, prob * t["probability"])

    walk(start, [start[1]], set(), 1.0)
    rows = _sort(rows, lambda x: (-x["probability"], x["trajectory"]))
    return rows[: p["limit"]]


def domain_share_by_stage(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    rows = []
    for s in _nodes(g, Node.STAGE):
        for dom, d in _out(g, s, Rel.DOMAIN_SHARE):
            if p["domain"] is None or dom[1] == p["domain"]:
                rows.append(
                    {
                        "stage": s[1],
                        "stage_order": g.nodes[s]["order"],
                        "domain": dom[1],
                        "share": d["probability"],
                    }
                )
    return _sort(rows, lambda x: (x["stage_order"], x["domain"]))


def domain_share_by_period(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    parts: dict[tuple[int, str], list[tuple[int, float]]] = {}
    for per in _nodes(g, Node.PERIOD):
        for s, i in _out(g, per, Rel.IN_STAGE):
            for dom, d in _out(g, s, Rel.DOMAIN_SHARE):
                if p["domain"] is None or dom[1] == p["domain"]:
                    parts.setdefault((g.nodes[per]["offset"], dom[1]), []).append(
                        (g.nodes[s]["order"], i["probability"] * d["probability"])
                    )
    rows = []
    for (offset, dom_id), items in parts.items():
        acc = 0.0
        for _, x in sorted(items, key=lambda it: it[0]):
            acc = acc + x
        rows.append({"period": offset, "domain": dom_id, "share": acc})
    return _sort(rows, lambda x: (x["period"], x["domain"]))


def symptom_by_stage(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    b = (Node.SYMPTOM, p["symptom"])
    rows = []
    for s, e in _in(g, b, Rel.EMITS):
        pr = _edge(g, s, b, Rel.PREVALENCE)
        rows.append(
            {
                "stage": s[1],
                "stage_order": g.nodes[s]["order"],
                "mention_probability": e["probability"],
                "published_prevalence": pr["prevalence"] if pr else None,
            }
        )
    return _sort(rows, lambda x: x["stage_order"])


def note_type_mix(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    rows = []
    for per in _nodes(g, Node.PERIOD):
        offset = g.nodes[per]["offset"]
        if not p["from_period"] <= offset <= p["to_period"]:
            continue
        for n, h in _out(g, per, Rel.HAS_NOTE_TYPE):
            rows.append(
                {
                    "period": offset,
                    "note_type": n[1],
                    "visits_per_year": h["visits_per_year"],
                    "share": h["probability"],
                }
            )
    return _sort(rows, lambda x: (x["period"], x["note_type"]))


def reporter_mix(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    rows = []
    for st in _nodes(g, Node.STAGE):
        for rep, r in _out(g, st, Rel.REPORTED_BY):
            if r.get("note_type") != p["note_type"]:
                continue
            labels = [lab[1] for lab, _ in _out(g, rep, Rel.REPORT_LABEL)]
            rows.append(
                {
                    "stage": st[1],
                    "stage_order": g.nodes[st]["order"],
                    "reporter": rep[1],
                    "probability": r["probability"],
                    "report_label": labels[0] if labels else None,
                }
            )
    return _sort(rows, lambda x: (x["stage_order"], x["reporter"]))


def _modifier_rows(g: nx.MultiDiGraph, m: dict[str, Any], target: Key) -> Rows:
    rows = []
    if m["target_kind"] in ("domain", "symptom"):
        rel = Rel.DOMAIN_SHARE if m["target_kind"] == "domain" else Rel.EMITS
        for s, d in _in(g, target, rel):
            if m["stage"] in ("*", s[1]):
                rows.append(
                    {
                        "stage": s[1],
                        "stage_order": g.nodes[s]["order"],
                        "baseline": d["probability"],
                    }
                )
    else:
        a = (Node.STAGE, m["from_stage"])
        t = _edge(g, a, target, Rel.PROGRESSES_TO)
        if t is not None:
            rows.append(
                {"stage": a[1], "stage_order": g.nodes[a]["order"], "baseline": t["probability"]}
            )
    return rows


def risk_factor_effects(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    rf = (Node.RISK_FACTOR, p["risk_factor"])
    if rf not in g:
        return []
    personas = len(_nodes(g, Node.PERSONA))
    carriers = sum(1 for _ in _in(g, rf, Rel.HAS_RISK_FACTOR))
    rows = []
    for target, m in _out(g, rf, Rel.MODIFIES):
        for row in _modifier_rows(g, m, target):
            base, mult = row["baseline"], m["multiplier"]
            rows.append(
                {
                    "risk_factor": rf[1],
                    "carriers": carriers,
                    "personas": personas,
                    "target_kind": m["target_kind"],
                    "target": target[1],
                    "stage": row["stage"],
                    "multiplier": mult,
                    "baseline": base,
                    "conditioned": base * mult / (1.0 - base + base * mult),
                    "_order": row["stage_order"],
                }
            )
    rows = _sort(rows, lambda x: (x["target_kind"], x["target"], x["_order"]))
    for row in rows:
        del row["_order"]
    return rows


def sequence_probability(g: nx.MultiDiGraph, p: dict[str, Any]) -> Rows:
    s = (Node.STAGE, p["stage"])
    seq = p["symptoms"]
    if s not in g:
        return []
    steps = []
    for i in range(len(seq) - 1):
        a, b = (Node.SYMPTOM, seq[i]), (Node.SYMPTOM, seq[i + 1])
        if a not in g or b not in g:
            continue
        t = _edge(g, a, b, Rel.TRANSITIONS_TO, p["stage"])
        r = _edge(g, a, s, Rel.RESAMPLES)
        e = _edge(g, s, b, Rel.EMITS)
        prob = (t["probability"] if t else 0.0) + (r["probability"] if r else 0.0) * (
            e["probability"] if e else 0.0
        )
        steps.append({"step": i + 1, "from": a[1], "to": b[1], "p": prob})
    rows = []
    for k, st in enumerate(steps):
        acc = 1.0
        for x in steps[: k + 1]:
            acc = acc * x["p"]
        rows.append(
            {
                "step": st["step"],
                "from_symptom": st["from"],
                "to_symptom": st["to"],
                "step_probability": st["p"],
                "cumulative_probability": acc,
            }
        )
    return rows


#: Query name -> Python implementation over the networkx graph.
MEMORY_QUERIES: dict[str, Callable[[nx.MultiDiGraph, dict[str, Any]], Rows]] = {
    f.__name__: f
    for f in (
        top_transitions,
        likely_trajectories,
        domain_share_by_stage,
        domain_share_by_period,
        symptom_by_stage,
        note_type_mix,
        reporter_mix,
        risk_factor_effects,
        sequence_probability,
    )
}
