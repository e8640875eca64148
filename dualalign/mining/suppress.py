"""Small-cell suppression (k-anonymity style) and smoothing toward the base disease's priors.

A cell is *supported* by the distinct patients that contribute to it. Any cell supported by
fewer than ``k`` patients (zero included, so a released value never tells 0 from 1..k-1) takes
the base disease's prior instead of its estimate; the other cells of its row keep their
relative sizes and are scaled so the row still sums to 1 (so the suppressed cells' share is
never revealed). A row supported by fewer than ``k`` patients takes the prior whole. Every
suppression is logged with table, cell and reason, never a count or an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Log", "Row", "categorical", "fmt", "proportion", "rate"]

#: one row of a mined table (CSV columns, with ``source`` and ``note``)
Row = dict[str, object]


def fmt(x: float) -> float:
    """A mined number as written: 10 significant digits."""
    return float(f"{x:.10g}")


@dataclass
class Log:
    """What was suppressed, as rows of ``suppression.csv``."""

    k: int
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def cell(self, table: str, cell: str, what: str = "cell") -> None:
        self.rows.append(
            (table, cell, f"{what} supported by fewer than {self.k} patients", "base prior kept")
        )


def _shrink(est: float | np.ndarray, n: float, unit: float, prior, a: float):  # type: ignore[no-untyped-def]
    """(n * est + a * unit * prior) / (n + a * unit): ``a`` patient-equivalents of prior."""
    w = a * unit
    return (n * est + w * prior) / (n + w) if n + w > 0 else prior


def categorical(
    est: np.ndarray,
    n: float,
    row_patients: float,
    support: np.ndarray,
    prior: np.ndarray,
    *,
    k: int,
    a: float,
    log: Log,
    table: str,
    names: list[str],
    row: str,
) -> tuple[np.ndarray, np.ndarray]:
    """One categorical row: returns (probabilities, mask of cells that are mined estimates).

    ``est`` are the row's observed shares (``n`` observations from ``row_patients``
    patients), ``support`` the distinct patients per cell, ``prior`` the base row (sums to 1).
    """
    prior = np.asarray(prior, dtype=float)
    mined = np.zeros(prior.size, dtype=bool)
    if row_patients < k or n <= 0:
        log.cell(table, row, "row")
        return prior.copy(), mined
    smooth = _shrink(np.asarray(est, float), n, n / row_patients, prior, a)
    keep = support >= k
    out = prior.copy()
    free = 1.0 - prior[~keep].sum()
    if keep.any() and smooth[keep].sum() > 0 and free > 0:
        out[keep] = smooth[keep] / smooth[keep].sum() * free
        mined = keep.copy()
    for i in np.flatnonzero(~keep):
        if prior[i] > 0 or est[i] > 0:
            log.cell(table, f"{row}; {names[i]}")
    return out, mined


def rate(
    count: float, exposure: float, support: float, prior: float, *, k: int, a: float
) -> tuple[float, bool]:
    """Events per unit of exposure, with ``a`` units of prior exposure; the prior when fewer
    than ``k`` patients support it."""
    if support < k or exposure <= 0:
        return prior, False
    return (count + a * prior) / (exposure + a), True


def proportion(yes: float, known: float, prior: float, *, k: int, a: float) -> tuple[float, bool]:
    """A prevalence among ``known`` patients; the prior when fewer than ``k`` patients have or
    lack it (either side would single them out)."""
    if min(yes, known - yes) < k:
        return prior, False
    return float(_shrink(yes / known, known, 1.0, prior, a)), True
