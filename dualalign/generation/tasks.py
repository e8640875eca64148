"""Turn trajectories into note-writing tasks (which visits, which terms, which style)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from dualalign.generation.context import Format, Mode, NoteTask
from dualalign.types import Trajectory

__all__ = ["build_tasks", "stable_int"]


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


def build_tasks(
    trajectories: Sequence[Trajectory],
    mode: Mode,
    seed: int,
    notes_per_patient: int,
    max_terms: int,
    focus_labels: Sequence[str],
    lexicon: Sequence[str],
    fmt: Format = "sentences",
) -> list[NoteTask]:
    """Evenly spaced visits of each trajectory become tasks (ids are stable across reruns).

    ``persona-only`` tasks get terms drawn uniformly from the lexicon (no trajectory);
    ``unconstrained`` tasks get a label to illustrate instead of terms.
    """
    tasks: list[NoteTask] = []
    for traj in trajectories:
        visits = traj.visits
        if not visits:
            continue
        count = min(notes_per_patient, len(visits))
        picks = sorted({int(np.rint(x)) for x in np.linspace(0, len(visits) - 1, count)})
        for k in picks:
            visit = visits[k]
            earlier = _unique([m.symptom for v in visits[max(0, k - 2) : k] for m in v.mentions], 3)
            task_id = f"{traj.id}:{visit.index}"
            h = stable_int(seed, task_id)
            if mode == "persona-only":
                rng = np.random.default_rng(h)
                terms = tuple(rng.choice(sorted(lexicon), size=max_terms, replace=False))
            elif mode == "unconstrained":
                terms = ()
            else:
                terms = _unique([m.symptom for m in visit.mentions], max_terms)
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
                )
            )
    return tasks
