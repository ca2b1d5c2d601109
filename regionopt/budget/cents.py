"""Exact money arithmetic in whole euro cents: no float ever decides a cent.

Amounts are parameters in euros (``BudgetConfig``); every computed amount is an ``int`` of
cents, shares are rounded half up, and a total split over parts sums to the total exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENTS_PER_EUR = 100


def to_cents(euros: float) -> int:
    """Euros (a parameter, possibly a float like 0.1 * x) to whole cents, half up."""
    return int((Decimal(str(euros)) * CENTS_PER_EUR).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def share_of(cents: int, share: float) -> int:
    """``share`` of an amount in cents, rounded half up to a whole cent (exact decimals)."""
    return int(
        (Decimal(cents) * Decimal(str(share))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` (integer, e.g. cents) pro rata to integer ``weights``, summing exactly.

    Every part gets the floor of its exact quota; the units left over go one each to the parts
    with the largest remainders (ties: the earlier part). Exact integer arithmetic, no floats.

    Parameters
    ----------
    total : int
        The amount to split (>= 0).
    weights : sequence of int
        Non-negative weights; when they sum to 0, every part is 0 (nothing to split over).

    Returns
    -------
    list of int
        Parts with ``sum(parts) == total`` (or all zeros when the weights sum to 0).
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("largest_remainder needs a non-negative total and weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors
