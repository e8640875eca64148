"""Count what the estimators need, in bounded memory, with distinct-patient support per cell.

Two passes, both vectorised (pandas/numpy group-bys, no loop per row):

1. **Partition.** Each batch of the file is mapped to the vocabulary (codes) and appended to
   one of ``P`` temporary Parquet files chosen by a hash of ``patient_id``, so every patient's
   rows land in one partition.
   Patient and note ids travel as 64-bit hashes (a collision, about 1 in 10^7 for a
   million patients, would merge two patients' counts), so partitions hold numbers only.
2. **Aggregate.** Each partition is read whole (about ``rows / P`` rows), its notes are put in
   time order per patient, mention slots are aligned between consecutive notes exactly as the
   walk engine carries them (the k-th mention of a note follows from the k-th mention of the
   patient's previous note), and counts are added into dense arrays. Partitions hold disjoint
   patients, so distinct-patient counts add up across them.

Unusable values (an unmapped or ambiguous term, an unknown stage, a year outside the
knowledge base's periods ...) are counted per value with their distinct patients, for the
report; nothing is dropped silently.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dualalign.errors import ObservationError
from dualalign.mining.read import DEMOGRAPHICS, ObservationSource
from dualalign.mining.terms import AMBIGUOUS, UNKNOWN, Vocabulary, map_values, normalise

__all__ = ["Counts", "count_observations"]

#: the ``sym`` code of a row with an empty term: a note without any symptom mention
NO_MENTION = -3
#: rows per partition aimed at (bounds the memory of pass 2)
PARTITION_ROWS = 500_000

_SCHEMA = pa.schema(
    [
        ("pid", pa.uint64()),
        ("note", pa.uint64()),
        ("years", pa.float64()),
        ("order", pa.float64()),
        ("row", pa.int64()),
        ("sym", pa.int16()),
        ("stage", pa.int8()),
        ("nt", pa.int8()),
        ("rep", pa.int8()),
        *[(a, pa.int16()) for a in DEMOGRAPHICS],
        ("rf", pa.int64()),
        ("rf_known", pa.bool_()),
        ("death", pa.float64()),
    ]
)


@dataclass
class Counts:
    """Aggregates over the whole file. ``n_*`` are counts, ``p_*`` distinct patients.

    Axes: T periods, N note types, S stages, K symptoms, D domains, R reporters; reporter
    keys are the N note types plus ``*`` (index N).
    """

    T: int
    N: int
    S: int
    K: int
    D: int
    R: int
    n_rows: int = 0
    patients: int = 0
    # mention density and visits
    n_notes_t: np.ndarray = field(init=False)
    n_mentions_t: np.ndarray = field(init=False)
    p_notes_t: np.ndarray = field(init=False)
    n_notes_tn: np.ndarray = field(init=False)
    p_notes_tn: np.ndarray = field(init=False)
    exposure_t: np.ndarray = field(init=False)
    # fresh mentions (EMITS)
    n_fresh_sk: np.ndarray = field(init=False)
    p_fresh_sk: np.ndarray = field(init=False)
    p_fresh_sd: np.ndarray = field(init=False)
    p_fresh_s: np.ndarray = field(init=False)
    # carried mentions: aligned pairs (stage of the later note, from, to)
    n_pair_sij: np.ndarray = field(init=False)
    p_pair_ij: np.ndarray = field(init=False)
    p_pair_i: np.ndarray = field(init=False)
    p_pairs: int = 0
    # stages: one per patient and period (the last note's); pairs of consecutive periods
    #: [T, S, S] patients in stage a in period t and b in period t + 1 (b terminal: died)
    n_step_tab: np.ndarray = field(init=False)
    #: [S, S] distinct patients with a step a -> b in any period; [S] with any step from a
    p_step_ab: np.ndarray = field(init=False)
    p_step_a: np.ndarray = field(init=False)
    #: [T, S] patients whose stage in period t is known to be a
    n_stage_ts: np.ndarray = field(init=False)
    #: the one terminal stage a recorded death steps into (None: none or several)
    death_stage: int | None = None
    # reporters (stage, key, reporter)
    n_rep: np.ndarray = field(init=False)
    p_rep: np.ndarray = field(init=False)
    p_rep_row: np.ndarray = field(init=False)
    # personas: attribute -> per category distinct patients, and patients with a known value
    p_cat: dict[str, np.ndarray] = field(default_factory=dict)
    p_attr: dict[str, int] = field(default_factory=dict)
    p_rf: np.ndarray = field(init=False)
    p_rf_known: int = 0
    #: (attribute, category index) -> per risk factor patients with it / with rf known
    p_rf_cond: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    p_cond_known: dict[tuple[str, int], int] = field(default_factory=dict)
    issues: list[pd.DataFrame] = field(default_factory=list)
    has: dict[str, bool] = field(default_factory=dict)
    complete_notes: bool = False
    #: [S, N + 1]: True where the base has reporter rows of that (stage, note type)
    specific: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        T, N, S, K, D, R = self.T, self.N, self.S, self.K, self.D, self.R
        z = np.zeros
        self.n_notes_t, self.n_mentions_t, self.p_notes_t = z(T), z(T), z(T)
        self.n_notes_tn, self.p_notes_tn, self.exposure_t = z((T, N)), z((T, N)), z(T)
        self.n_fresh_sk, self.p_fresh_sk = z((S, K)), z((S, K))
        self.p_fresh_sd, self.p_fresh_s = z((S, D)), z(S)
        self.n_pair_sij, self.p_pair_ij, self.p_pair_i = z((S, K, K)), z((K, K)), z(K)
        self.n_rep, self.p_rep, self.p_rep_row = z((S, N + 1, R)), z((S, N + 1, R)), z((S, N + 1))
        self.n_step_tab, self.p_step_ab, self.p_step_a = z((T, S, S)), z((S, S)), z(S)
        self.n_stage_ts = z((T, S))
        self.p_rf = z(0)
        self.specific = np.zeros((S, N + 1), dtype=bool)

    def issue_table(self) -> pd.DataFrame:
        """(issue, value) -> mentions and distinct patients."""
        if not self.issues:
            return pd.DataFrame(columns=["issue", "value", "mentions", "patients"])
        frame = pd.concat(self.issues, ignore_index=True)
        mentions = frame.groupby(["issue", "value"])["mentions"].sum()
        patients = (
            frame.drop_duplicates(["issue", "value", "pid"])
            .groupby(["issue", "value"])["pid"]
            .size()
        )
        out = pd.DataFrame({"mentions": mentions, "patients": patients}).reset_index()
        return out.sort_values(["issue", "mentions"], ascending=[True, False])


def _issue(frame: pd.DataFrame, mask: np.ndarray, issue: str, values: pd.Series) -> pd.DataFrame:
    sub = pd.DataFrame(
        {
            "value": np.asarray(values[mask], dtype=object).astype(str),
            "pid": np.asarray(frame["patient_id"][mask], dtype=object).astype(str),
        }
    )
    sub["issue"] = issue
    return sub.groupby(["issue", "value", "pid"]).size().rename("mentions").reset_index()


def _codes(
    frame: pd.DataFrame, column: str, table: dict[str, int], what: str, issues: list[pd.DataFrame]
) -> np.ndarray:
    """Codes of an optional categorical column; unknown non-empty values become issues."""
    if column not in frame:
        return np.full(len(frame), UNKNOWN, dtype=np.int64)
    values = frame[column]
    codes, _ = map_values(values, table)
    bad = (codes < 0) & (values != "").to_numpy()
    if bad.any():
        issues.append(_issue(frame, bad, f"unknown {what}", values.map(normalise)))
    return codes


def _risk_bits(frame: pd.DataFrame, vocab: Vocabulary, issues: list[pd.DataFrame]) -> np.ndarray:
    """Risk factors as a bit mask (bit r = risk factor r)."""
    if "risk_factors" not in frame:
        return np.zeros(len(frame), dtype=np.int64)
    text = frame["risk_factors"]
    codes, uniques = pd.factorize(text)
    masks = np.zeros(len(uniques), dtype=np.int64)
    unknown: dict[int, list[str]] = {}
    for u, value in enumerate(uniques):
        for part in str(value).replace(";", "|").split("|"):
            key = normalise(part)
            if not key or key in ("none", "-"):
                continue
            r = vocab.risk_factor_map.get(key, UNKNOWN)
            if r >= 0:
                masks[u] |= np.int64(1) << np.int64(r)
            else:
                unknown.setdefault(u, []).append(key)
    for u, keys in unknown.items():
        mask = codes == u
        for key in keys:
            issues.append(_issue(frame, mask, "unknown risk factor", pd.Series(key, frame.index)))
    return masks[codes]


class _Partitions:
    """``P`` Parquet files in a temporary folder, one writer each."""

    def __init__(self, folder: Path, count: int) -> None:
        self.paths = [folder / f"part-{i:04d}.parquet" for i in range(count)]
        self.writers: list[pq.ParquetWriter | None] = [None] * count

    def add(self, frame: pd.DataFrame) -> None:
        P = len(self.paths)
        part = frame["pid"].to_numpy() % np.uint64(P)
        for i in np.unique(part):
            sub = frame[part == i]
            table = pa.Table.from_pandas(sub, schema=_SCHEMA, preserve_index=False)
            writer = self.writers[int(i)]
            if writer is None:
                writer = pq.ParquetWriter(self.paths[int(i)], _SCHEMA, compression="lz4")
                self.writers[int(i)] = writer
            writer.write_table(table)

    def close(self) -> list[Path]:
        out = []
        for path, writer in zip(self.paths, self.writers, strict=True):
            if writer is not None:
                writer.close()
                out.append(path)
        return out


def _hashed(values: pd.Series) -> np.ndarray:
    """64-bit hashes of text ids (hashed once per distinct value): partitions hold no strings,
    and their size does not grow with the number of distinct ids in the file."""
    cats = values.cat.categories.to_numpy(dtype=object)
    table = pd.util.hash_array(cats) if len(cats) else np.zeros(1, dtype=np.uint64)
    return table[values.cat.codes.to_numpy()]


def _normalised(
    frame: pd.DataFrame, vocab: Vocabulary, periods: tuple[int, ...], counts: Counts
) -> pd.DataFrame:
    """A batch as codes (one partition row per observation row)."""
    issues = counts.issues
    term = frame["term"]
    sym, _keys = map_values(term, vocab.term_map)
    empty = (term == "").to_numpy()
    sym = np.where(empty, NO_MENTION, sym)
    for code, what in ((UNKNOWN, "unmapped term"), (AMBIGUOUS, "ambiguous term")):
        bad = (sym == code) & ~empty
        if bad.any():
            issues.append(_issue(frame, bad, what, term.map(normalise)))
    period = np.floor(frame["years"].to_numpy()).astype(np.int64)
    outside = (period < periods[0]) | (period > periods[-1])
    if outside.any():
        issues.append(
            _issue(
                frame,
                outside,
                "year outside the knowledge base's periods",
                pd.Series(period, frame.index).astype(str),
            )
        )
    out = pd.DataFrame(
        {
            "pid": _hashed(frame["patient_id"]),
            "note": _hashed(frame["note_id"]) if "note_id" in frame else np.uint64(0),
            "years": frame["years"],
            "order": (
                frame["mention_index"]
                if "mention_index" in frame
                else pd.Series(frame.index, frame.index, dtype=float)
            ),
            "row": frame.index.to_numpy(dtype=np.int64),
            "sym": sym.astype(np.int16),
            "stage": _codes(frame, "stage", vocab.stage_map, "stage", issues).astype(np.int8),
            "nt": _codes(frame, "note_type", vocab.note_type_map, "note type", issues).astype(
                np.int8
            ),
            "rep": _codes(frame, "reporter", vocab.reporter_map, "reporter", issues).astype(
                np.int8
            ),
        }
    )
    for attr in DEMOGRAPHICS:
        table = vocab.category_maps.get(attr, {})
        out[attr] = _codes(frame, attr, table, attr, issues).astype(np.int16)
    out["rf"] = _risk_bits(frame, vocab, issues)
    out["rf_known"] = (frame["risk_factors"] != "").to_numpy() if "risk_factors" in frame else False
    out["death"] = frame.get("death_years", np.nan)
    return out[~outside]


def _nunique(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per cell of ``keys``: rows (``n``) and distinct patients (``p``)."""
    g = frame.groupby(keys, sort=False)
    n = g.size().rename("n")
    p = frame.drop_duplicates([*keys, "p"]).groupby(keys, sort=False).size().rename("p")
    return pd.concat([n, p], axis=1).reset_index()


def _add(target: np.ndarray, frame: pd.DataFrame, keys: list[str], column: str) -> None:
    if len(frame):
        np.add.at(target, tuple(frame[k].to_numpy(dtype=np.int64) for k in keys), frame[column])


def _aggregate(part: pd.DataFrame, counts: Counts, vocab: Vocabulary, t0: int) -> None:
    """Add one partition (whole patients) into ``counts``."""
    c = counts
    part["p"] = pd.factorize(part["pid"])[0]
    part = part.drop(columns="pid")
    key = "note" if c.has.get("note_id") else "years"
    part["nk"] = part.groupby(["p", key], sort=False).ngroup()
    part = part.sort_values(["nk", "order", "row"], kind="stable")
    g = part.groupby("nk", sort=False)
    notes = g.agg(
        p=("p", "first"),
        years=("years", "min"),
        row=("row", "min"),
        stage=("stage", "first"),
        nt=("nt", "first"),
    )
    notes["m"] = (part["sym"] != NO_MENTION).groupby(part["nk"], sort=False).sum()
    notes = notes.sort_values(["p", "years", "row"], kind="stable")
    notes["seq"] = np.arange(len(notes))
    same = notes["p"].to_numpy()[1:] == notes["p"].to_numpy()[:-1]
    prev_m = np.zeros(len(notes), dtype=np.int64)
    prev_m[1:] = np.where(same, notes["m"].to_numpy()[:-1], 0)
    notes["prev_m"] = prev_m
    notes["t"] = np.floor(notes["years"].to_numpy()).astype(np.int64) - t0
    c.patients += int(notes["p"].nunique())
    # density and visits
    dens = notes.groupby("t").agg(n=("m", "size"), mentions=("m", "sum"))
    pt = notes.drop_duplicates(["t", "p"]).groupby("t").size()
    np.add.at(c.n_notes_t, dens.index.to_numpy(), dens["n"].to_numpy())
    np.add.at(c.n_mentions_t, dens.index.to_numpy(), dens["mentions"].to_numpy())
    np.add.at(c.p_notes_t, pt.index.to_numpy(), pt.to_numpy())
    typed = notes[notes["nt"] >= 0]
    cells = _nunique(typed, ["t", "nt"])
    _add(c.n_notes_tn, cells, ["t", "nt"], "n")
    _add(c.p_notes_tn, cells, ["t", "nt"], "p")
    span = notes.groupby("p")["t"].agg(["min", "max"])
    cover = np.zeros(c.T + 1)
    np.add.at(cover, span["min"].to_numpy(), 1)
    np.add.at(cover, span["max"].to_numpy() + 1, -1)
    c.exposure_t += np.cumsum(cover)[: c.T]
    # mentions in slot order
    ment = part[part["sym"] != NO_MENTION][["nk", "p", "sym", "rep"]]
    seq = notes["seq"].reindex(ment["nk"]).to_numpy()
    order = np.argsort(seq, kind="stable")
    ment = ment.iloc[order].assign(seq=seq[order])
    ment["slot"] = ment.groupby("seq", sort=False).cumcount()
    ment["stage"] = notes["stage"].to_numpy()[ment["seq"].to_numpy()]
    ment["nt"] = notes["nt"].to_numpy()[ment["seq"].to_numpy()]
    fresh = ment["slot"].to_numpy() >= notes["prev_m"].to_numpy()[ment["seq"].to_numpy()]
    known = (ment["sym"] >= 0).to_numpy() & (ment["stage"] >= 0).to_numpy()
    fr = ment[fresh & known].assign(d=lambda f: vocab.symptom_domain[f["sym"].to_numpy()])
    cells = _nunique(fr, ["stage", "sym"])
    _add(c.n_fresh_sk, cells, ["stage", "sym"], "n")
    _add(c.p_fresh_sk, cells, ["stage", "sym"], "p")
    _add(c.p_fresh_sd, _nunique(fr, ["stage", "d"]), ["stage", "d"], "p")
    _add(c.p_fresh_s, _nunique(fr, ["stage"]), ["stage"], "p")
    # aligned pairs: slot k of a carried mention follows slot k of the previous note
    carried = ment[~fresh]
    width = int(ment["slot"].max()) + 1 if len(ment) else 1
    keys = ment["seq"].to_numpy() * width + ment["slot"].to_numpy()
    want = (carried["seq"].to_numpy() - 1) * width + carried["slot"].to_numpy()
    at = np.searchsorted(keys, want)
    prev_sym = ment["sym"].to_numpy()[np.minimum(at, len(keys) - 1)] if len(keys) else want
    pairs = pd.DataFrame(
        {
            "stage": carried["stage"].to_numpy(),
            "i": prev_sym,
            "j": carried["sym"].to_numpy(),
            "p": carried["p"].to_numpy(),
        }
    )
    pairs = pairs[(pairs["stage"] >= 0) & (pairs["i"] >= 0) & (pairs["j"] >= 0)]
    cells = pairs.groupby(["stage", "i", "j"]).size().rename("n").reset_index()
    _add(c.n_pair_sij, cells, ["stage", "i", "j"], "n")
    _add(c.p_pair_ij, _nunique(pairs, ["i", "j"]), ["i", "j"], "p")
    _add(c.p_pair_i, _nunique(pairs, ["i"]), ["i"], "p")
    c.p_pairs += int(pairs["p"].nunique())
    # reporters
    if c.R:
        rep = ment[(ment["rep"] >= 0).to_numpy() & (ment["stage"] >= 0).to_numpy()]
        rep = rep.assign(key=_reporter_key(c, rep))
        cells = _nunique(rep, ["stage", "key", "rep"])
        _add(c.n_rep, cells, ["stage", "key", "rep"], "n")
        _add(c.p_rep, cells, ["stage", "key", "rep"], "p")
        _add(c.p_rep_row, _nunique(rep, ["stage", "key"]), ["stage", "key"], "p")
    _personas(part, c, vocab)
    if c.has.get("stage"):
        _stage_steps(part, notes, c, t0)


def _stage_steps(part: pd.DataFrame, notes: pd.DataFrame, c: Counts, t0: int) -> None:
    """Stage steps between consecutive periods, as the walk takes them.

    A patient's stage in a period is that of their last note with a known stage there; each
    pair of consecutive periods with a known stage is one step. A recorded death in period
    ``d`` is a step into the terminal stage from the last period ``L`` with a known stage
    when ``d`` is ``L`` or ``L + 1`` (the walk's years are whole: a death during the year of
    the last note ends the timeline at the next step). Patients not recorded dead are
    censored after their last note.
    """
    known = notes[notes["stage"] >= 0]
    per = known.groupby(["p", "t"], sort=True)["stage"].last().reset_index()
    p, t, s = (per[col].to_numpy(dtype=np.int64) for col in ("p", "t", "stage"))
    np.add.at(c.n_stage_ts, (t, s), 1)
    nxt = (p[1:] == p[:-1]) & (t[1:] == t[:-1] + 1)
    steps = [pd.DataFrame({"p": p[:-1][nxt], "t": t[:-1][nxt], "a": s[:-1][nxt], "b": s[1:][nxt]})]
    if c.death_stage is not None and c.has.get("death"):
        death = part.groupby("p", sort=True)["death"].min()
        last = per.groupby("p", sort=True).last()
        died = death.reindex(last.index)
        d = np.floor(died.to_numpy()) - t0
        lt = last["t"].to_numpy(dtype=np.int64)
        ok = np.isfinite(d) & ((d == lt) | (d == lt + 1)) & (lt + 1 < c.T)
        steps.append(
            pd.DataFrame(
                {
                    "p": last.index.to_numpy()[ok],
                    "t": lt[ok],
                    "a": last["stage"].to_numpy(dtype=np.int64)[ok],
                    "b": np.full(int(ok.sum()), c.death_stage),
                }
            )
        )
    step = pd.concat(steps, ignore_index=True)
    if not len(step):
        return
    cells = step.groupby(["t", "a", "b"]).size().rename("n").reset_index()
    _add(c.n_step_tab, cells, ["t", "a", "b"], "n")
    _add(c.p_step_ab, _nunique(step, ["a", "b"]), ["a", "b"], "p")
    _add(c.p_step_a, _nunique(step, ["a"]), ["a"], "p")


def _reporter_key(c: Counts, rep: pd.DataFrame) -> np.ndarray:
    """The reporter_rates.csv row a mention counts in: its note type where the base has rows
    for that (stage, note type), else ``*`` (index N)."""
    stage, nt = rep["stage"].to_numpy(dtype=np.int64), rep["nt"].to_numpy(dtype=np.int64)
    own = (nt >= 0) & c.specific[stage, np.where(nt >= 0, nt, c.N)]
    return np.where(own, nt, c.N)


def _personas(part: pd.DataFrame, c: Counts, vocab: Vocabulary) -> None:
    """Per patient: the first known value of each attribute, and the union of risk factors."""
    g = part.groupby("p", sort=False)
    per: dict[str, np.ndarray] = {}
    for attr in DEMOGRAPHICS:
        cats = vocab.categories.get(attr, ())
        if not cats:
            continue
        value = g[attr].max().to_numpy()  # -1 unknown; a patient's rows should agree
        per[attr] = value
        known = value >= 0
        c.p_attr[attr] = c.p_attr.get(attr, 0) + int(known.sum())
        hist = np.bincount(value[known], minlength=len(cats))
        c.p_cat[attr] = c.p_cat.get(attr, np.zeros(len(cats))) + hist
    F = len(vocab.risk_factors)
    if F:
        bits = g["rf"].agg(np.bitwise_or.reduce).to_numpy()
        rf_known = g["rf_known"].any().to_numpy()
        has = ((bits[:, None] >> np.arange(F)) & 1).astype(bool) & rf_known[:, None]
        if c.p_rf.size == 0:
            c.p_rf = np.zeros(F)
        c.p_rf += has.sum(axis=0)
        c.p_rf_known += int(rf_known.sum())
        for attr, value in per.items():
            for cat in range(len(vocab.categories[attr])):
                members = (value == cat) & rf_known
                key = (attr, cat)
                c.p_rf_cond[key] = c.p_rf_cond.get(key, np.zeros(F)) + has[members].sum(axis=0)
                c.p_cond_known[key] = c.p_cond_known.get(key, 0) + int(members.sum())


def count_observations(
    source: ObservationSource,
    vocab: Vocabulary,
    periods: tuple[int, ...],
    specific_reporters: set[tuple[int, int]],
    *,
    on_rows: Callable[[int], None] | None = None,
    partition_rows: int = PARTITION_ROWS,
    workdir: Path | None = None,
    death_stage: int | None = None,
) -> Counts:
    """Both passes over ``source``; returns the aggregates (nothing per patient survives).

    ``on_rows`` is called with the number of rows of each batch read (for a progress bar);
    ``death_stage`` is the terminal stage a recorded death steps into.
    """
    T, S, K, D = len(periods), len(vocab.stages), len(vocab.symptoms), len(vocab.domains)
    counts = Counts(T, len(vocab.note_types), S, K, D, len(vocab.reporters))
    for name in ("note_id", "note_type", "stage", "reporter", "risk_factors", *DEMOGRAPHICS):
        counts.has[name] = source.has(name)
    # death_date is usable with diagnosis_date, or with mention dates (which need it)
    counts.has["death"] = source.has("death_date") and source.has("diagnosis_date")
    counts.death_stage = death_stage
    for stage, note_type in specific_reporters:
        counts.specific[stage, note_type] = True
    estimate = source.rows if source.rows is not None else source.path.stat().st_size // 60
    n_parts = max(1, math.ceil(max(estimate, 1) / partition_rows))
    with tempfile.TemporaryDirectory(prefix="dualalign-mine-", dir=workdir) as tmp:
        parts = _Partitions(Path(tmp), n_parts)
        try:
            for batch in source.batches():
                frame = _normalised(batch.frame, vocab, periods, counts)
                counts.n_rows += len(batch.frame)
                counts.complete_notes |= bool((frame["sym"] == NO_MENTION).any())
                parts.add(frame)
                if on_rows is not None:
                    on_rows(len(batch.frame))
        finally:
            files = parts.close()
        for path in files:
            _aggregate(pq.read_table(path).to_pandas(), counts, vocab, periods[0])
    if counts.patients == 0:
        raise ObservationError(
            f"{source.path}: no observation falls in the knowledge base's years "
            f"{periods[0]}..{periods[-1]} around diagnosis; check years_from_diagnosis or the dates"
        )
    return counts
