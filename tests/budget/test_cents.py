"""Exact money arithmetic: the largest-remainder split sums to the total, by hand and always."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from regionopt.budget import largest_remainder


def test_largest_remainder_by_hand() -> None:
    # 100 over weights 1, 1, 1: quotas 33.33 each; the first gets the leftover unit.
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    # 10 over 1, 2: quotas 3.33 and 6.67 -> the larger remainder (6.67) gets the unit.
    assert largest_remainder(10, [1, 2]) == [3, 7]
    assert largest_remainder(5, [0, 0]) == [0, 0]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**5), min_size=1, max_size=30),
)
def test_largest_remainder_sums_exactly(total: int, weights: list[int]) -> None:
    parts = largest_remainder(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == total
    for p, w in zip(parts, weights, strict=True):
        exact = total * w / sum(weights)
        assert abs(p - exact) < 1.0 + 1e-9  # never more than one unit from the exact quota
