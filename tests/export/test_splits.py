"""Split specs and the seeded, largest-remainder assignment of patients to splits."""

from __future__ import annotations

import math
import re

import pytest

from dualalign.errors import ConfigError
from dualalign.export.splits import SplitSpec, assign_patients, parse_split, split_counts

PATIENTS = [f"persona-{i:03d}" for i in range(37)]


def test_parse_keeps_order_and_shares() -> None:
    spec = parse_split(" train=0.8, validation = 0.1 ,test=0.1")
    assert spec.shares == (("train", 0.8), ("validation", 0.1), ("test", 0.1))
    assert parse_split(str(spec)) == spec
    assert parse_split("test=0.25,train=0.75").names == ("test", "train")
    assert parse_split("train=1").shares == (("train", 1.0),)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("train=0.8,validation=0.1", "sum to 0.9, not 1"),
        ("train=0.8,test=0.3", "sum to 1.1, not 1"),
        ("train=1.1,test=-0.1", "share of 'test' is -0.1; shares must be above 0"),
        ("train=1,test=0", "share of 'test' is 0"),
        ("train=0.9,dev=0.1", "unknown split 'dev'"),
        ("train=0.5,train=0.5", "'train' is given twice"),
        ("train=0.5,test", "'test' is not NAME=SHARE"),
        ("", "'' is not NAME=SHARE"),
        ("train=half,test=0.5", "share of 'train' is 'half', not a number"),
        ("train=nan,test=0.5", "not a number"),
        ("train=inf", "not a number"),
    ],
)
def test_bad_specs_name_the_problem(text: str, expect: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(expect)) as info:
        parse_split(text)
    assert str(info.value).startswith("--split: ") and "\n" not in str(info.value)


@pytest.mark.parametrize("total", [1, 3, 7, 10, 37, 101, 1000])
@pytest.mark.parametrize(
    "text",
    [
        "train=0.8,validation=0.1,test=0.1",
        "train=0.5,test=0.5",
        "test=0.34,train=0.33,validation=0.33",
        "train=1",
    ],
)
def test_counts_add_up_and_follow_the_shares(total: int, text: str) -> None:
    spec = parse_split(text)
    counts = split_counts(total, spec)
    assert sum(counts.values()) == total
    for name, share in spec.shares:
        # largest remainder: each count is its quota rounded down or up
        assert math.floor(total * share) <= counts[name] <= math.ceil(total * share)


def test_largest_remainder_gives_leftovers_to_the_largest_fractions() -> None:
    spec = parse_split("train=0.8,validation=0.1,test=0.1")
    assert split_counts(10, spec) == {"train": 8, "validation": 1, "test": 1}
    assert split_counts(15, spec) == {"train": 12, "validation": 2, "test": 1}  # .5 tie: first
    assert split_counts(7, parse_split("train=0.5,test=0.5")) == {"train": 4, "test": 3}


def test_assignment_is_disjoint_complete_and_matches_the_counts() -> None:
    spec = parse_split("train=0.8,validation=0.1,test=0.1")
    assignment = assign_patients(PATIENTS + PATIENTS[:5], spec, seed=7)  # repeats are one
    assert set(assignment) == set(PATIENTS)
    sizes = {name: sum(1 for s in assignment.values() if s == name) for name in spec.names}
    assert sizes == split_counts(len(PATIENTS), spec)


def test_same_seed_same_split_other_seed_other_split() -> None:
    spec = parse_split("train=0.6,validation=0.2,test=0.2")
    first = assign_patients(PATIENTS, spec, seed=7)
    assert assign_patients(list(reversed(PATIENTS)), spec, seed=7) == first  # order-free
    others = [assign_patients(PATIENTS, spec, seed=s) for s in (8, 9, 10)]
    assert any(o != first for o in others)


def test_a_split_left_without_patients_is_refused() -> None:
    spec = parse_split("train=0.8,validation=0.1,test=0.1")
    with pytest.raises(ConfigError, match=r"'validation' would get no patients \(3 patients"):
        assign_patients(PATIENTS[:3], spec, seed=7)


def test_single_split_takes_everyone() -> None:
    assert set(assign_patients(PATIENTS, SplitSpec.single(), 1).values()) == {"train"}
