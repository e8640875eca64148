"""Turn trajectories into note-writing tasks (which visits, which terms, which style)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from dualalign.generation.context import Format, Mode, NoteTask
from dualalign.types import Trajectory

__all__ = ["build_tasks", "pick_visits", "stable_int"]


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


def build_tasks(
    trajectories: Sequence[Trajectory],
    mode: Mode,
    seed: int,
    notes_per_patient: int | None,
    max_terms: int,
    focus_labels: Sequence[str],
    lexicon: Sequence[str],
    fmt: Format = Format.SENTENCES,
) -> list[NoteTask]:
    """Visits drawn from each whole trajectory become tasks (ids are stable across reruns);
    ``notes_per_patient`` None takes every visit.

    ``persona-only`` tasks get terms drawn uniformly from the lexicon (no trajectory);
    ``unconstrained`` tasks get a label to illustrate instead of terms.
    """
    tasks: list[NoteTask] = []
    for traj in trajectories:
        visits = traj.visits
        if not visits:
            continue
        for k in pick_visits(traj, seed, notes_per_patient):
            visit = visits[k]
            earlier = _unique([m.symptom for v in visits[max(0, k - 2) : k] for m in v.mentions], 3)
            task_id = f"{traj.id}:{visit.index}"
            h = stable_int(seed, task_id)
            reporters: tuple[str | None, ...] = ()
            if mode == "persona-only":
                rng = np.random.default_rng(h)
                terms = tuple(rng.choice(sorted(lexicon), size=max_terms, replace=False))
            elif mode == "unconstrained":
                terms = ()
            else:
                terms = _unique([m.symptom for m in visit.mentions], max_terms)
                first: dict[str, str | None] = {}
                for m in visit.mentions:
                    first.setdefault(m.symptom, m.reporter)
                reporters = tuple(first[s] for s in terms)
            focus = (
                focus_labels[len(tasks) % len(focus_labels)] if mode == "unconstrained" else None
            )
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
