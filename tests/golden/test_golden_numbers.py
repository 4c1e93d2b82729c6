"""Behaviour is preserved across restructuring: every seeded preset and every shipped model gives the
numbers recorded in tests/golden/golden.json (see tests/golden/numbers.py)."""
from __future__ import annotations

import json

import pytest

from tests.golden import numbers


@pytest.mark.parametrize("section", sorted(numbers.SECTIONS))
def test_golden_numbers_reproduce(section):
    expected, *other_cpus = numbers.recordings(section)
    actual = json.loads(json.dumps(numbers.SECTIONS[section]()))  # as stored: tuples become lists
    if any(not numbers.differences(other, actual, section) for other in other_cpus):
        return  # this CPU's floats, recorded (numbers.py: "Other CPUs")
    assert not numbers.differences(expected, actual, section)


def test_a_changed_number_is_reported():
    assert numbers.differences({"a": {"x": 1.0}}, {"a": {"x": 1.001}}) == ["/a/x: 1.0 -> 1.001"]
    assert numbers.differences({"a": 1.0, "b": 2}, {"a": 1.0}) == ["/b: missing"]
