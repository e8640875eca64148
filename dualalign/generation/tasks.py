"""Turn trajectories into note-writing tasks (which visits, which terms, which style)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dualalign.generation.context import Format, Mode, NoteTask
from dualalign.types import Trajectory

__all__ = ["LabelBalance", "build_tasks", "pick_visits", "stable_int"]


def stable_int(*parts: object) -> int:
    """A reproducible 31-bit integer from the parts (seeds, styles)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF


def _unique(items: Sequence[str], limit: int) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
        if len(out) == limit:
            break
    return tuple(out)


def pick_visits(traj: Trajectory, seed: int, notes_per_patient: int | None) -> list[int]:
    """Which visits of a trajectory get a note: all of them (``None``), or a seeded uniform
    sample without replacement, so the written notes' stage mix follows the walked visits'."""
    n = len(traj.visits)
    if notes_per_patient is None or notes_per_patient >= n:
        return list(range(n))
    rng = np.random.default_rng(stable_int(seed, traj.id, "visits"))
    return sorted(int(k) for k in rng.choice(n, size=notes_per_patient, replace=False))


@dataclass
class LabelBalance:
    """Plan a run so its planned labels follow a target mix (the gold's symptom labels).

    Which visits of a walk get a note, and which of a visit's mentions are written when it
    has more than ``max_terms``, are chosen greedily for the labels furthest below their
    target share; every term still comes from the walked visit (stage, note type and
    reporter unchanged). Within a label, a term the run has not planned yet comes first, so
    a run covers more of the label's vocabulary instead of repeating the walks' commonest
    terms. Persona-only terms are drawn by label the same way, and unconstrained tasks
    illustrate the label furthest below its share.
    """

    #: label -> target share (symptom labels only; shares need not sum to 1)
    target: Mapping[str, float]
    #: the label a term gets, given who reports it (``Vocabulary.planned_label``)
    label_of: Callable[[str, str | None], str]
    counts: Counter[str] = field(default_factory=Counter)
    #: how often the run has planned each term
    used: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        total = sum(v for v in self.target.values() if v > 0)
        self.target = {k: v / total for k, v in self.target.items() if v > 0} if total else {}

    def deficit(self, label: str, extra: Counter[str] | None = None) -> float:
        """How far ``label`` is below its share if one more term were planned."""
        extra = extra or Counter()
        n = sum(self.counts.values()) + sum(extra.values()) + 1
        return self.target.get(label, 0.0) * n - self.counts[label] - extra[label]

    def order(self, pairs: Sequence[tuple[str, str | None]], limit: int) -> list[int]:
        """Indices of up to ``limit`` of ``pairs`` (term, reporter), neediest label first
        (then terms the run has used least; ties keep the visit's order), and nothing is
        counted yet."""
        chosen: list[int] = []
        extra: Counter[str] = Counter()
        left = list(range(len(pairs)))

        def key(i: int) -> tuple[float, int, int]:
            return (self.deficit(self.label_of(*pairs[i]), extra), -self.used[pairs[i][0]], -i)

        while left and len(chosen) < limit:
            best = max(left, key=key)
            chosen.append(best)
            extra[self.label_of(*pairs[best])] += 1
            left.remove(best)
        return chosen

    def gain(self, pairs: Sequence[tuple[str, str | None]], limit: int) -> float:
        """How much planning these terms would close the gaps (positive deficits summed), and
        half a point for each term the run has not planned yet."""
        extra: Counter[str] = Counter()
        total = 0.0
        for i in self.order(pairs, limit):
            label = self.label_of(*pairs[i])
            total += max(0.0, self.deficit(label, extra)) + (0.0 if self.used[pairs[i][0]] else 0.5)
            extra[label] += 1
        return total

    def take(self, labels: Sequence[str], terms: Sequence[str] = ()) -> None:
        """Count the labels (and the terms) planned."""
        self.counts.update(labels)
        self.used.update(terms)

    def neediest(self, options: Sequence[str], rng: np.random.Generator) -> str:
        """The option (a label) furthest below its share; ties broken by ``rng``."""
        shuffled = [options[int(i)] for i in rng.permutation(len(options))]
        return max(shuffled, key=self.deficit)


def _mentions(traj: Trajectory, k: int) -> list[tuple[str, str | None]]:
    """A visit's (symptom, first reporter) pairs, in order, one per symptom."""
    first: dict[str, str | None] = {}
    for m in traj.visits[k].mentions:
        first.setdefault(m.symptom, m.reporter)
    return list(first.items())


def _plan_walk(
    traj: Trajectory, seed: int, n: int | None, max_terms: int, balance: LabelBalance | None
) -> dict[int, list[int]]:
    """Which visits get a note, and which of each one's mentions (indices into
    :func:`_mentions`) it documents. Without a balance: a uniform sample of visits and their
    first ``max_terms`` mentions. With one: each of ``n`` visits chosen for the most gain
    (ties broken at random, seeded), or every visit when ``n`` is None."""
    if balance is None:
        return {
            k: list(range(min(len(_mentions(traj, k)), max_terms)))
            for k in pick_visits(traj, seed, n)
        }
    visits = len(traj.visits)
    every = n is None or n >= visits
    rng = np.random.default_rng(stable_int(seed, traj.id, "visits"))
    candidates = list(range(visits)) if every else [int(i) for i in rng.permutation(visits)]
    plan: dict[int, list[int]] = {}
    for _ in range(visits if every else int(n or 0)):
        left = [c for c in candidates if c not in plan]
        k = (
            left[0]
            if every
            else max(left, key=lambda c: balance.gain(_mentions(traj, c), max_terms))
        )
        pairs = _mentions(traj, k)
        plan[k] = sorted(balance.order(pairs, max_terms))
        balance.take([balance.label_of(*pairs[i]) for i in plan[k]], [pairs[i][0] for i in plan[k]])
    return dict(sorted(plan.items()))


def _lexicon_terms(
    lexicon: Sequence[str], max_terms: int, rng: np.random.Generator, balance: LabelBalance
) -> tuple[str, ...]:
    """Persona-only terms drawn label by label (neediest first), uniformly among the label's
    terms the run has used least."""
    by_label: dict[str, list[str]] = {}
    for sym in sorted(lexicon):
        by_label.setdefault(balance.label_of(sym, None), []).append(sym)
    terms: list[str] = []
    for _ in range(min(max_terms, len(lexicon))):
        options = [lab for lab, syms in sorted(by_label.items()) if set(syms) - set(terms)]
        wanted = [lab for lab in options if lab in balance.target] or options
        label = balance.neediest(wanted, rng)
        pool = [s for s in by_label[label] if s not in terms]
        fewest = min(balance.used[s] for s in pool)
        pool = [s for s in pool if balance.used[s] == fewest]
        terms.append(pool[int(rng.integers(len(pool)))])
        balance.take([label], terms[-1:])
    return tuple(terms)


def build_tasks(
    trajectories: Sequence[Trajectory],
    mode: Mode,
    seed: int,
    notes_per_patient: int | None,
    max_terms: int,
    focus_labels: Sequence[str],
    lexicon: Sequence[str],
    fmt: Format = Format.SENTENCES,
    balance: LabelBalance | None = None,
) -> list[NoteTask]:
    """Visits drawn from each whole trajectory become tasks (ids are stable across reruns);
    ``notes_per_patient`` None takes every visit.

    ``persona-only`` tasks get terms drawn uniformly from the lexicon (no trajectory);
    ``unconstrained`` tasks get a label to illustrate instead of terms. With a ``balance``
    (fresh: it counts as it plans), visits, terms and labels follow its target mix instead.
    """
    tasks: list[NoteTask] = []
    planned_walk = mode in ("dualalign", "trajectory-only")
    for traj in trajectories:
        visits = traj.visits
        if not visits:
            continue
        plan = (
            _plan_walk(traj, seed, notes_per_patient, max_terms, balance)
            if planned_walk
            else {k: [] for k in pick_visits(traj, seed, notes_per_patient)}
        )
        for k, picked in plan.items():
            visit = visits[k]
            earlier = _unique([m.symptom for v in visits[max(0, k - 2) : k] for m in v.mentions], 3)
            task_id = f"{traj.id}:{visit.index}"
            h = stable_int(seed, task_id)
            rng = np.random.default_rng(h)
            reporters: tuple[str | None, ...] = ()
            if mode == "persona-only":
                if balance is None:
                    terms = tuple(rng.choice(sorted(lexicon), size=max_terms, replace=False))
                else:
                    terms = _lexicon_terms(lexicon, max_terms, rng, balance)
            elif mode == "unconstrained":
                terms = ()
            else:
                pairs = _mentions(traj, k)
                terms = tuple(pairs[i][0] for i in picked)
                reporters = tuple(pairs[i][1] for i in picked)
            focus = None
            if mode == "unconstrained":
                focus = focus_labels[len(tasks) % len(focus_labels)]
                if balance is not None:
                    focus = balance.neediest(list(focus_labels), rng)
                    balance.take([focus])
            tasks.append(
                NoteTask(
                    task_id=task_id,
                    trajectory_id=traj.id,
                    persona=traj.persona,
                    visit=visit,
                    earlier=earlier,
                    terms=terms,
                    mode=mode,
                    style=h % 97,
                    seed=h,
                    focus_label=focus,
                    fmt=fmt,
                    reporters=reporters,
                )
            )
    return tasks
