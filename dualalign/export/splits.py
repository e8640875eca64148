"""Splits by patient: parse ``train=0.8,validation=0.1,test=0.1`` and assign each patient
(persona) to exactly one split, seeded and deterministic.

Patients are shuffled with the seed, then cut into runs whose sizes follow the shares by the
largest-remainder method, so that the counts add up to the number of patients and are as close
to the shares as whole patients allow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from dualalign.errors import ConfigError
from dualalign.seeding import rng_for

__all__ = ["SPLIT_NAMES", "SplitSpec", "assign_patients", "parse_split", "split_counts"]

#: the split names a Hugging Face dataset conventionally has, in their usual order
SPLIT_NAMES = ("train", "validation", "test")
_EXAMPLE = "train=0.8,validation=0.1,test=0.1"
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SplitSpec:
    """Split names and their shares of the patients, in the order given (shares sum to 1)."""

    shares: tuple[tuple[str, float], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The split names, in order."""
        return tuple(name for name, _ in self.shares)

    def __str__(self) -> str:
        return ",".join(f"{name}={share:g}" for name, share in self.shares)

    @classmethod
    def single(cls, name: str = "train") -> SplitSpec:
        """Every patient in one split."""
        return cls(((name, 1.0),))


def _share(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConfigError(
            f"--split: the share of '{name}' is '{text}', not a number; e.g. {_EXAMPLE}"
        )
    if value <= 0:
        raise ConfigError(
            f"--split: the share of '{name}' is {text}; shares must be above 0 (leave a split "
            "out instead)"
        )
    return value


def parse_split(text: str) -> SplitSpec:
    """Parse ``NAME=SHARE,...`` (names from :data:`SPLIT_NAMES`, shares summing to 1).

    Raises:
        ConfigError: a malformed item, an unknown or repeated name, a share that is not a
            positive number, or shares that do not sum to 1.
    """
    shares: dict[str, float] = {}
    items = [item.strip() for item in text.split(",")]
    for item in items:
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not name or not value:
            raise ConfigError(f"--split: '{item}' is not NAME=SHARE; write e.g. {_EXAMPLE}")
        if name not in SPLIT_NAMES:
            raise ConfigError(
                f"--split: unknown split '{name}'; use {', '.join(SPLIT_NAMES)} (e.g. {_EXAMPLE})"
            )
        if name in shares:
            raise ConfigError(f"--split: '{name}' is given twice; name each split once")
        shares[name] = _share(name, value)
    total = sum(shares.values())
    if abs(total - 1.0) > _TOLERANCE:
        raise ConfigError(
            f"--split: the shares sum to {total:g}, not 1; make them add up to 1 (e.g. {_EXAMPLE})"
        )
    return SplitSpec(tuple(shares.items()))


def split_counts(total: int, spec: SplitSpec) -> dict[str, int]:
    """Whole-patient counts per split: floors of the exact quotas, then the patients left over
    go one each to the largest remainders (ties: the split named first)."""
    quotas = [(name, total * share) for name, share in spec.shares]
    counts = {name: math.floor(q) for name, q in quotas}
    left = total - sum(counts.values())
    by_remainder = sorted(
        range(len(quotas)), key=lambda i: (-(quotas[i][1] - counts[quotas[i][0]]), i)
    )
    for i in by_remainder[:left]:
        counts[quotas[i][0]] += 1
    return counts


def assign_patients(patients: Iterable[str], spec: SplitSpec, seed: int) -> dict[str, str]:
    """Each patient's split: a seeded shuffle of the sorted ids, cut by :func:`split_counts`.

    The same patients, spec and seed always give the same assignment.

    Raises:
        ConfigError: a split would get no patient.
    """
    ids = sorted(set(patients))
    counts = split_counts(len(ids), spec)
    empty = [name for name in spec.names if counts[name] == 0]
    if empty:
        raise ConfigError(
            f"--split: '{empty[0]}' would get no patients ({len(ids)} patients split "
            f"{spec}); raise its share, drop it, or export a run with more patients"
        )
    order = rng_for(seed).permutation(len(ids))
    shuffled = [ids[i] for i in order]
    out: dict[str, str] = {}
    start = 0
    for name in spec.names:
        for patient in shuffled[start : start + counts[name]]:
            out[patient] = name
        start += counts[name]
    return out
