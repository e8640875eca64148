"""Symptom-trajectory alignment: weighted random walks that turn personas into timelines.

For each persona, over the years around diagnosis (period 0):

1. **Stages.** The stage in the year of diagnosis is drawn from ``IN_STAGE`` of period 0.
   Earlier years are drawn backwards: P(stage a in year t | stage b in year t+1) is
   proportional to ``IN_STAGE``(t, a) * ``PROGRESSES_TO``(a, b). Later years step forwards
   with ``PROGRESSES_TO``; reaching a terminal stage (death) ends the timeline.
2. **Visits.** Each living year has Poisson(sum of ``HAS_NOTE_TYPE.visits_per_year``) notes;
   each note's type is a weighted step along ``HAS_NOTE_TYPE``; times are uniform in the year.
3. **Symptom plans.** A note has Poisson(``Period.mean_mentions`` * density multiplier)
   mentions. Mention slots carry over from the patient's previous note: each carried mention
   takes one step of the mention kernel (persist or evolve along ``TRANSITIONS_TO``, else be
   re-drawn via ``RESAMPLES`` from ``EMITS``); extra slots are drawn fresh from ``EMITS``.

4. **Reporters.** Each planned mention is reported by the patient, family or the clinician:
   a draw from ``REPORTED_BY`` of the visit's stage and note type.

A persona's risk factors multiply the weights their ``MODIFIES`` edges target (then rows are
renormalised). Draws are vectorised across patients in blocks of ``CHUNK``; block ``b`` (the
patients ``b * CHUNK`` up to ``(b + 1) * CHUNK`` of the whole run) draws from its own seeded
stream, so any block-aligned slice of a run can be walked on its own -- on another process or
machine -- and gives exactly the rows the whole run gives there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version

import numpy as np

from dualalign.errors import ConfigError
from dualalign.seeding import rng_for
from dualalign.types import Mention, Persona, Provenance, Trajectory, Visit
from dualalign.walk.snapshot import TrajectorySnapshot
from dualalign.walk.tables import BaseTables, PersonaEffects, categorical, draw_weighted

__all__ = ["CHUNK", "MAX_DENSITY_MULTIPLIER", "WalkSettings", "simulate"]

VIA = ("new", "persist", "evolve", "redrawn")
CHUNK = 2000
#: The largest multiplier on mentions per note (beyond it a note would hold thousands).
MAX_DENSITY_MULTIPLIER = 100.0


class WalkSettings:
    """Timeline settings; ``None`` takes the knowledge base's parameter."""

    def __init__(
        self,
        snapshot: TrajectorySnapshot,
        *,
        density_multiplier: float | None = None,
        years_before: int | None = None,
        years_after: int | None = None,
    ) -> None:
        self.density_multiplier = float(
            density_multiplier
            if density_multiplier is not None
            else snapshot.parameter("density_multiplier", 1.0)
        )
        self.years_before = int(
            years_before
            if years_before is not None
            else snapshot.parameter("years_before", -snapshot.periods[0])
        )
        self.years_after = int(
            years_after
            if years_after is not None
            else snapshot.parameter("years_after", snapshot.periods[-1])
        )
        if not 0 <= self.density_multiplier <= MAX_DENSITY_MULTIPLIER:  # NaN fails too
            raise ConfigError(
                f"density multiplier {self.density_multiplier} is outside "
                f"0..{MAX_DENSITY_MULTIPLIER:g}; give e.g. 1"
            )
        if 0 not in snapshot.periods:
            raise ConfigError(
                "the graph has no period 0 (year of diagnosis); add it to period_stage.csv"
            )
        lo, hi = snapshot.periods[0], snapshot.periods[-1]
        _check_years("--years-before", self.years_before, -lo, (lo, hi))
        _check_years("--years-after", self.years_after, hi, (lo, hi))


def _check_years(option: str, value: int, most: int, covered: tuple[int, int]) -> None:
    """Refuse a number of years outside ``0..most``, stating that range."""
    if not 0 <= value <= most:
        raise ConfigError(
            f"{option} {value} is outside 0..{most} (the graph covers years "
            f"{covered[0]}..{covered[1]} around diagnosis); choose a value in 0..{most}"
        )


def _stage_paths(
    snap: TrajectorySnapshot, base: BaseTables, fx: PersonaEffects, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Stage index per (patient, period index); terminal stages absorb."""
    T = len(snap.periods)
    t0 = snap.periods.index(0)
    paths = np.empty((n, T), dtype=np.int64)
    rows = np.arange(n)
    paths[:, t0] = base.prior.draw(np.full(n, t0), rng)
    for t in range(t0 - 1, -1, -1):
        joint = snap.period_stage[t][None, :] * fx.stage_matrix[rows, :, paths[:, t + 1]]
        back = categorical(joint, rng)
        fallback = base.prior.draw(np.full(n, t), rng)  # impossible pair: that year's prior
        paths[:, t] = np.where(back >= 0, back, fallback)
    for t in range(t0 + 1, T):
        nxt = categorical(fx.stage_matrix[rows, paths[:, t - 1], :], rng)
        paths[:, t] = np.where(nxt >= 0, nxt, paths[:, t - 1])  # terminal: stays
    return paths


class _Chunk:
    """Stage paths, visits and symptom plans of a batch of patients."""

    def __init__(
        self,
        snap: TrajectorySnapshot,
        base: BaseTables,
        kernels: np.ndarray,
        personas: list[Persona],
        cfg: WalkSettings,
        rng: np.random.Generator,
    ) -> None:
        n = len(personas)
        self.snap, self.base, self.kernels = snap, base, kernels
        self.fx = PersonaEffects(snap, personas)
        self.paths = _stage_paths(snap, base, self.fx, n, rng)
        periods = np.asarray(snap.periods)
        window = (periods >= -cfg.years_before) & (periods <= cfg.years_after)
        alive = ~snap.terminal[self.paths]
        lam = np.broadcast_to(snap.visit_rate.sum(axis=1), (n, periods.size))
        counts = rng.poisson(lam) * (alive & window[None, :])
        cell = np.repeat(np.arange(n * periods.size), counts.ravel())
        patient, tidx = np.divmod(cell, periods.size)
        times = periods[tidx] + rng.random(cell.size)
        order = np.lexsort((times, patient))
        self.patient, self.tidx, self.time = patient[order], tidx[order], times[order]
        self.stage = self.paths[self.patient, self.tidx]
        self.note = base.notes.draw(self.tidx, rng)
        self.n_mentions = rng.poisson(snap.mean_mentions[self.tidx] * cfg.density_multiplier)
        self.per_patient = np.bincount(self.patient, minlength=n)
        self.first = np.concatenate([[0], np.cumsum(self.per_patient)[:-1]])
        self._plan(n, rng)
        self.reporter = self._reporters(rng)

    def _reporters(self, rng: np.random.Generator) -> np.ndarray:
        """Who reports each planned mention: REPORTED_BY of the visit's stage and note type
        (-1 where the graph has no reporter table)."""
        width = self.symptom.shape[1]
        out = np.full((self.patient.size, width), -1, dtype=np.int64)
        share = self.snap.reporter_share
        if share.size == 0 or width == 0:
            return out
        rows, cols = np.nonzero(self.symptom >= 0)
        probs = share[self.stage[rows], self.note[rows]]
        out[rows, cols] = categorical(probs, rng)
        return out

    def _fresh(self, p: np.ndarray, s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Fresh mentions: EMITS of the stage, times the persona's multipliers."""
        emit, fx = self.snap.emission, self.fx
        return draw_weighted(
            lambda idx: self.base.emission.draw(s[idx], rng),
            lambda idx, j: fx.emit[p[idx], s[idx], j],
            fx.emit_max[p, s],
            p.size,
            rng,
            lambda idx: categorical(emit[s[idx]] * fx.emit[p[idx], s[idx]], rng),
        )

    def _step(
        self, p: np.ndarray, s: np.ndarray, cur: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """One mention-kernel step; returns next symptoms and 1/2/3 = persist/evolve/redrawn."""
        K = len(self.snap.symptoms)
        base, fx = self.base, self.fx

        def propose(idx: np.ndarray) -> np.ndarray:
            go = rng.random(idx.size) < base.p_direct[s[idx], cur[idx]]
            nxt = np.where(
                go, base.direct.draw(s[idx] * K + cur[idx], rng), base.emission.draw(s[idx], rng)
            )
            return np.where(nxt >= 0, nxt + K * go, -1)

        def exact(idx: np.ndarray) -> np.ndarray:
            row = self.kernels[s[idx], cur[idx]] * fx.emit[p[idx], s[idx]]
            j = categorical(row, rng)
            pd = base.p_direct[s[idx], cur[idx]]
            d = (
                pd
                * np.stack(
                    [
                        base.direct.row(int(a) * K + int(b), K)[jj]
                        for a, b, jj in zip(s[idx], cur[idx], j, strict=True)
                    ]
                )
                if idx.size
                else pd
            )
            share = np.divide(
                d,
                self.kernels[s[idx], cur[idx], j],
                out=np.zeros_like(pd),
                where=self.kernels[s[idx], cur[idx], j] > 0,
            )
            return np.where(j >= 0, j + K * (rng.random(idx.size) < share), -1)

        coded = draw_weighted(
            propose,
            lambda idx, c: fx.emit[p[idx], s[idx], c % K],
            fx.emit_max[p, s],
            p.size,
            rng,
            exact,
        )
        nxt = np.where(coded >= 0, coded % K, -1)
        direct = coded >= K
        return nxt, np.where(direct, np.where(nxt == cur, 1, 2), 3)

    def _plan(self, n: int, rng: np.random.Generator) -> None:
        width = int(self.n_mentions.max(initial=0))
        self.symptom = np.full((self.patient.size, width), -1, dtype=np.int64)
        self.via = np.zeros((self.patient.size, width), dtype=np.int8)
        prev = np.full((n, width), -1, dtype=np.int64)
        prev_n = np.zeros(n, dtype=np.int64)
        slots = np.arange(width)[None, :]
        for k in range(int(self.per_patient.max(initial=0))):
            ps = np.flatnonzero(self.per_patient > k)
            v = self.first[ps] + k
            st, m = self.stage[v], self.n_mentions[v]
            carry = np.minimum(m, prev_n[ps])
            sym = np.full((ps.size, width), -1, dtype=np.int64)
            via = np.zeros((ps.size, width), dtype=np.int8)
            rows, cols = np.nonzero(slots < carry[:, None])
            if rows.size:
                sym[rows, cols], via[rows, cols] = self._step(
                    ps[rows], st[rows], prev[ps][rows, cols], rng
                )
            rows, cols = np.nonzero((slots >= carry[:, None]) & (slots < m[:, None]))
            if rows.size:
                sym[rows, cols] = self._fresh(ps[rows], st[rows], rng)
            self.symptom[v], self.via[v] = sym, via
            prev[ps], prev_n[ps] = sym, m


def simulate(
    snapshot: TrajectorySnapshot,
    personas: Sequence[Persona],
    seed: int,
    settings: WalkSettings | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
    offset: int = 0,
) -> Iterator[Trajectory]:
    """Walk one trajectory per persona; the same seed and graph give the same output.

    ``on_progress`` is called with 1 as each trajectory is ready (e.g. to advance a bar).
    ``offset`` is the run-wide index of ``personas[0]`` when walking a slice of a larger run
    (a multiple of ``CHUNK``): the slice then gets exactly the whole run's rows.

    Raises:
        ValueError: ``offset`` is not a multiple of ``CHUNK``.

    Yields:
        One :class:`~dualalign.types.Trajectory` per persona, in input order: its visits
        (each with its symptom plan), stages by year, death, and provenance.
    """
    if offset % CHUNK:
        raise ValueError(f"offset {offset} is not a multiple of the block size {CHUNK}")
    cfg = settings or WalkSettings(snapshot)
    base = BaseTables.build(snapshot)
    K = len(snapshot.symptoms)
    kernels = np.stack([base.mention_kernel(s, K) for s in range(len(snapshot.stages))])
    provenance = Provenance(
        graph_checksum=snapshot.checksum,
        disease=snapshot.disease,
        seed=seed,
        density_multiplier=cfg.density_multiplier,
        years_before=cfg.years_before,
        years_after=cfg.years_after,
        dualalign_version=version("dualalign"),
    )
    mentions = _Mentions(snapshot)
    for lo in range(0, len(personas), CHUNK):
        batch = list(personas[lo : lo + CHUNK])
        rng = _block_rng(seed, (offset + lo) // CHUNK)
        chunk = _Chunk(snapshot, base, kernels, batch, cfg, rng)
        for local, persona in enumerate(batch):
            record = _trajectory(chunk, local, persona, provenance, cfg, mentions)
            if on_progress is not None:
                on_progress(1)
            yield record


def _block_rng(seed: int, block: int) -> np.random.Generator:
    """Block ``block``'s stream. Block 0 keeps the stream runs had before blocks had their own
    (so walks of up to ``CHUNK`` patients are unchanged); block ``b`` takes sub-stream ``b``."""
    return rng_for(seed, 3) if block == 0 else rng_for(seed, 3, block)


class _Mentions:
    """One frozen :class:`Mention` per (symptom, via, reporter), shared by every visit that
    plans it: a walk holds hundreds of mentions per patient but only a few thousand distinct
    ones, and building each afresh was most of a walk's time."""

    def __init__(self, snap: TrajectorySnapshot) -> None:
        self.snap = snap
        self.made: dict[tuple[int, int, int], Mention] = {}

    def __call__(self, s: int, w: int, r: int) -> Mention:
        found = self.made.get((s, w, r))
        if found is None:
            snap = self.snap
            found = self.made[(s, w, r)] = Mention.model_construct(
                symptom=snap.symptoms[s],
                domain=snap.domains[snap.symptom_domain[s]],
                via=VIA[w],
                reporter=snap.reporters[r] if r >= 0 else None,
            )
        return found


def _trajectory(
    c: _Chunk,
    local: int,
    persona: Persona,
    provenance: Provenance,
    cfg: WalkSettings,
    mention: _Mentions,
) -> Trajectory:
    """The typed trajectory. Built without re-validation: every value comes from the
    validated graph snapshot, in the types the models declare (``model_construct``)."""
    snap = c.snap
    visits = []
    lo = c.first[local]
    for k in range(c.per_patient[local]):
        v = lo + k
        count = c.n_mentions[v]
        mentions = tuple(
            mention(s, w, r)
            for s, w, r in zip(
                c.symptom[v, :count].tolist(),
                c.via[v, :count].tolist(),
                c.reporter[v, :count].tolist(),
                strict=True,
            )
        )
        visits.append(
            Visit.model_construct(
                index=k,
                years_from_diagnosis=round(float(c.time[v]), 4),
                period=snap.periods[c.tidx[v]],
                stage=snap.stages[c.stage[v]],
                note_type=snap.note_types[c.note[v]],
                mentions=mentions,
            )
        )
    stages_by_year: dict[int, str] = {}
    died = None
    for t, period in enumerate(snap.periods):
        if -cfg.years_before <= period <= cfg.years_after:
            s = int(c.paths[local, t])
            if snap.terminal[s]:
                died = period
                break
            stages_by_year[int(period)] = snap.stages[s]
    return Trajectory.model_construct(
        id=f"traj-{persona.id}",
        persona=persona,
        visits=tuple(visits),
        stages_by_year=stages_by_year,
        died_at_period=died,
        provenance=provenance,
    )
