"""Named-query parameters: documented ranges are parsed from the headers and enforced."""

from __future__ import annotations

import pytest

from dualalign.errors import ConfigError
from dualalign.graph import coerce_params, load_named_queries


@pytest.fixture(scope="module")
def queries():
    return load_named_queries()


def test_ranges_are_read_from_the_headers(queries):
    assert queries["likely_trajectories"].ranges == {"steps": (1, 6), "limit": (1, 1000)}
    assert queries["top_transitions"].ranges == {"limit": (1, 1000)}
    assert queries["note_type_mix"].ranges == {"from_period": (-100, 100), "to_period": (-100, 100)}
    assert queries["top_transitions"].required == ("symptom",)
    assert queries["likely_trajectories"].describe("steps") == "steps (1..6)"


def test_every_integer_parameter_documents_a_range(queries):
    for query in queries.values():
        for name, default in query.defaults.items():
            if isinstance(default, int) and not isinstance(default, bool):
                assert name in query.ranges, (query.name, name)


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("likely_trajectories", {"symptom": "a", "stage": "mci", "steps": "100"}, "1..6"),
        ("likely_trajectories", {"symptom": "a", "stage": "mci", "steps": "0"}, "1..6"),
        ("top_transitions", {"symptom": "a", "limit": "-5"}, "'limit' is -5, outside 1..1000"),
        ("note_type_mix", {"from_period": "-1000"}, "-100..100"),
    ],
)
def test_values_outside_the_range_are_refused(queries, name, given, expected):
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")) as info:
        coerce_params(queries[name], given)
    assert "--param" in str(info.value)


def test_values_inside_the_range_pass(queries):
    params = coerce_params(
        queries["likely_trajectories"], {"symptom": "a", "stage": "mci", "steps": "6"}
    )
    assert params == {"symptom": "a", "stage": "mci", "steps": 6, "limit": 10}
