"""Symptom-trajectory walks: frequencies match the graph's probabilities (chi-square),
seeds reproduce, personas condition, and the graph -- not code -- drives every number."""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from dualalign.errors import ConfigError
from dualalign.ontology import load_disease
from dualalign.ontology.to_graph import disease_graph
from dualalign.types import Persona, Trajectory
from dualalign.walk import TrajectorySnapshot, WalkSettings, simulate
from tests.ontology.breakers import read_rows, write_rows
from tests.paths import ALZ

ALPHA = 1e-3


def walked(trajectories: Iterable[Trajectory]) -> list[dict[str, Any]]:
    """The walks as the JSON records `dualalign walk` writes."""
    return [t.model_dump(mode="json") for t in trajectories]


def _plain(n: int, risk_factors: tuple[str, ...] = ()) -> list[Persona]:
    return [
        Persona(
            id=f"p{i}",
            population="us-ad",
            age_band="75_84",
            age_at_diagnosis=80,
            sex="female",
            race_ethnicity="white",
            education="high_school",
            risk_factors=risk_factors,
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def snap(alz_graph):
    return TrajectorySnapshot.from_graph(alz_graph)


@pytest.fixture(scope="module")
def plain_records(snap):
    return walked(simulate(snap, _plain(400), seed=21))


def _edges(graph, rel_type):
    return [r for r in graph.rels if r.type == rel_type]


def _pooled_chi2(observed: dict, expected_p: dict) -> tuple[float, int]:
    """Chi-square over rows {row: Counter}, expected {row: {col: p}}; cells < 5 pooled."""
    chi2, dof = 0.0, 0
    for row, seen in observed.items():
        total = sum(seen.values())
        probs = expected_p[row]
        assert set(seen) <= {c for c, p in probs.items() if p > 0}, row  # no impossible step
        big = {c: p for c, p in probs.items() if p * total >= 5}
        rest_p = 1.0 - sum(big.values())
        obs = [seen.get(c, 0) for c in big]
        exp = [p * total for p in big.values()]
        if rest_p * total >= 5:
            obs.append(total - sum(obs))
            exp.append(rest_p * total)
        if len(obs) < 2:
            continue
        chi2 += sum((o - e) ** 2 / e for o, e in zip(obs, exp, strict=True))
        dof += len(obs) - 1
    return chi2, dof


def test_mention_transitions_match_graph(alz_graph, plain_records):
    """Carried mention slots step with P(b|a,s) = TRANSITIONS_TO + RESAMPLES * EMITS."""
    direct = defaultdict(float)
    for r in _edges(alz_graph, "TRANSITIONS_TO"):
        direct[(r.props["stage"], r.src, r.dst)] += r.props["probability"]
    resample = {(r.dst, r.src): r.props["probability"] for r in _edges(alz_graph, "RESAMPLES")}
    emits = defaultdict(dict)
    for r in _edges(alz_graph, "EMITS"):
        emits[r.src][r.dst] = r.props["probability"]
    observed: dict = defaultdict(Counter)
    steps = 0
    for rec in plain_records:
        for prev, cur in zip(rec["visits"], rec["visits"][1:], strict=False):
            for a, b in zip(prev["mentions"], cur["mentions"], strict=False):
                observed[(cur["stage"], a["symptom"])][b["symptom"]] += 1
                steps += 1
    assert steps >= 100_000
    expected = {}
    for stage, a in observed:
        row = {b: resample[(stage, a)] * p for b, p in emits[stage].items()}
        for (s, x, b), p in direct.items():
            if s == stage and x == a:
                row[b] = row.get(b, 0.0) + p
        expected[(stage, a)] = row
    chi2, dof = _pooled_chi2(observed, expected)
    assert stats.chi2.sf(chi2, dof) > ALPHA, (chi2, dof)


def test_fresh_mentions_follow_emits(alz_graph, plain_records):
    emits = defaultdict(dict)
    for r in _edges(alz_graph, "EMITS"):
        emits[r.src][r.dst] = r.props["probability"]
    observed: dict = defaultdict(Counter)
    for rec in plain_records:
        for v in rec["visits"]:
            for m in v["mentions"]:
                if m["via"] == "new":
                    observed[v["stage"]][m["symptom"]] += 1
    chi2, dof = _pooled_chi2(observed, emits)
    assert stats.chi2.sf(chi2, dof) > ALPHA


def test_note_types_and_mention_counts_follow_periods(alz_graph, plain_records, snap):
    share = defaultdict(dict)
    for r in _edges(alz_graph, "HAS_NOTE_TYPE"):
        share[int(r.src)][r.dst] = r.props["probability"]
    observed: dict = defaultdict(Counter)
    mentions: dict = defaultdict(list)
    for rec in plain_records:
        for v in rec["visits"]:
            observed[v["period"]][v["note_type"]] += 1
            mentions[v["period"]].append(len(v["mentions"]))
    chi2, dof = _pooled_chi2(observed, share)
    assert stats.chi2.sf(chi2, dof) > ALPHA
    density = {int(n.id): n.props["mean_mentions"] for n in alz_graph.nodes if n.label == "Period"}
    mult = snap.parameter("density_multiplier", 1.0)
    for period, counts in mentions.items():
        lam = density[period] * mult
        z = (np.mean(counts) - lam) / np.sqrt(lam / len(counts))
        assert abs(z) < 4.5, (period, np.mean(counts), lam)


def test_stage_at_diagnosis_and_after(alz_graph, plain_records):
    at_dx = Counter(r["stages_by_year"]["0"] for r in plain_records)
    prior = {r.dst: r.props["probability"] for r in _edges(alz_graph, "IN_STAGE") if r.src == "0"}
    chi2, dof = _pooled_chi2({"0": at_dx}, {"0": prior})
    assert stats.chi2.sf(chi2, dof) > ALPHA
    progress = defaultdict(dict)
    for r in _edges(alz_graph, "PROGRESSES_TO"):
        progress[r.src][r.dst] = r.props["probability"]
    moves: dict = defaultdict(Counter)
    for rec in plain_records:
        years = rec["stages_by_year"]
        for t in (0, 1):
            if str(t) in years:
                nxt = years.get(str(t + 1))
                if nxt is None and rec["died_at_period"] == t + 1:
                    nxt = "death"
                if nxt is not None:
                    moves[years[str(t)]][nxt] += 1
    chi2, dof = _pooled_chi2(moves, progress)
    assert dof == 0 or stats.chi2.sf(chi2, dof) > ALPHA


def test_terminal_stage_ends_the_timeline(plain_records):
    died = [r for r in plain_records if r["died_at_period"] is not None]
    assert died
    for r in died:
        assert all(v["period"] < r["died_at_period"] for v in r["visits"])
        assert str(r["died_at_period"]) not in r["stages_by_year"]


def test_seed_reproduces_and_differs(snap):
    people = _plain(30)
    a = walked(simulate(snap, people, seed=5))
    assert a == walked(simulate(snap, people, seed=5))
    assert a != walked(simulate(snap, people, seed=6))
    assert a[0]["provenance"]["seed"] == 5
    assert a[0]["provenance"]["graph_checksum"] == snap.checksum


def test_depression_raises_early_neuropsychiatric_mentions(snap, alz_model):
    mods = [
        m
        for m in alz_model.risk_modifiers
        if m.risk_factor == "depression"
        and m.target_kind == "domain"
        and m.target == "neuropsychiatric"
    ]
    assert mods and all(m.multiplier > 1 for m in mods)
    stages = {m.stage for m in mods}

    def share(people):
        hit = total = 0
        for rec in walked(simulate(snap, people, seed=8)):
            for v in rec["visits"]:
                if None in stages or v["stage"] in stages:
                    for m in v["mentions"]:
                        total += 1
                        hit += m["domain"] == "neuropsychiatric"
        return hit, total

    h1, n1 = share(_plain(150, ("depression",)))
    h0, n0 = share(_plain(150))
    p1, p0 = h1 / n1, h0 / n0
    pooled = (h1 + h0) / (n1 + n0)
    z = (p1 - p0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert z > 5, (p1, p0, z)


def test_editing_the_knowledge_base_changes_the_walks(tmp_path, snap):
    folder = tmp_path / "alz"
    shutil.copytree(ALZ, folder)
    header, rows = read_rows(folder / "domain_prevalence.csv")
    stage = rows[0]["stage"]
    for row in rows:
        if row["stage"] == stage:
            row["proportion"] = "1" if row["domain"] == "memory" else "0"
    write_rows(folder / "domain_prevalence.csv", header, rows)
    edited = TrajectorySnapshot.from_graph(disease_graph(load_disease(folder)))
    people = _plain(40)
    before = walked(simulate(snap, people, seed=3))
    after = walked(simulate(edited, people, seed=3))
    assert before != after
    fresh = [
        m
        for rec in after
        for v in rec["visits"]
        if v["stage"] == stage
        for m in v["mentions"]
        if m["via"] == "new"
    ]
    assert fresh and all(m["domain"] == "memory" for m in fresh)


def test_settings_validate_years_and_multiplier(snap):
    with pytest.raises(Exception, match="years-before"):
        WalkSettings(snap, years_before=50)
    zero = walked(simulate(snap, _plain(5), 1, WalkSettings(snap, density_multiplier=0)))
    assert all(not v["mentions"] for r in zero for v in r["visits"])
    short = walked(simulate(snap, _plain(5), 1, WalkSettings(snap, years_before=2, years_after=0)))
    assert all(-2 <= v["period"] <= 0 for r in short for v in r["visits"])


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"years_before": -5}, "--years-before -5 is outside 0..10"),
        ({"years_after": 3}, "--years-after 3 is outside 0..2"),
        ({"years_before": 10**20}, "choose a value in 0..10"),
        ({"density_multiplier": float("nan")}, "density multiplier nan is outside 0..100"),
        ({"density_multiplier": float("inf")}, "density multiplier inf is outside"),
        ({"density_multiplier": -1.0}, "density multiplier -1.0 is outside"),
    ],
)
def test_settings_state_the_valid_range(snap, settings, expected):
    with pytest.raises(ConfigError, match=re.escape(expected)):
        WalkSettings(snap, **settings)


def test_progress_callback_counts_every_trajectory(snap):
    seen: list[int] = []
    records = walked(simulate(snap, _plain(7), 3, on_progress=seen.append))
    assert sum(seen) == len(records) == 7
    assert records == walked(simulate(snap, _plain(7), 3))  # the callback changes nothing


@pytest.mark.neo4j
def test_walks_identical_from_memory_and_neo4j(alz_graph, memory_store, neo4j_store):
    memory_store.load(alz_graph)
    neo4j_store.load(alz_graph)
    from_memory = TrajectorySnapshot.from_graph(memory_store.export())
    from_neo4j = TrajectorySnapshot.from_graph(neo4j_store.export())
    people = _plain(25, ("depression", "hearing_loss"))
    assert walked(simulate(from_memory, people, 9)) == walked(simulate(from_neo4j, people, 9))
