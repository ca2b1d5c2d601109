"""Subset-row cuts violated by a master LP solution.

A subset-row cut on three schools says that at most one region of a plan holds two or more of
them (two such regions would share a school). Fractional LP solutions break it where regions
overlap in a triangle (three half regions, each holding two of the three schools, sum to 1.5),
which is how the LP spreads a split charge it would otherwise pay whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from regionopt.solve.cg.pricing_problem import Column, SubsetRow


def violated_subset_rows(
    solution: Sequence[tuple[Column, float]], *, limit: int, min_violation: float = 0.05
) -> list[SubsetRow]:
    """The subset-row cuts the LP solution breaks by more than ``min_violation``, worst first.

    Parameters
    ----------
    solution : sequence of (Column, float)
        The master LP's columns with a positive value, and their values.
    limit : int
        At most this many cuts.
    min_violation : float
        A cut counts when the regions holding two or more of its schools sum to more than
        1 + this.

    Returns
    -------
    list of SubsetRow
        Sorted triples of school ids, most violated first (ties by the triple).
    """
    fractional = [(col.members, v) for col, v in solution if 1e-6 < v < 1.0 - 1e-6]
    if len(fractional) < 2:
        return []
    schools = sorted({i for members, _ in fractional for i in members})
    where = {i: k for k, i in enumerate(schools)}
    holds = np.zeros((len(fractional), len(schools)), dtype=np.int64)
    for c, (members, _) in enumerate(fractional):
        holds[c, [where[i] for i in members]] = 1
    x = np.array([v for _, v in fractional])
    found = _triples(holds, x, min_violation)
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    # Triples hit by the same fractional regions are the same row on this solution: one each.
    chosen: dict[bytes, SubsetRow] = {}
    for (i, j, k), _ in ranked:
        hit = (holds[:, i] + holds[:, j] + holds[:, k] >= 2).tobytes()
        if hit not in chosen:
            chosen[hit] = (schools[i], schools[j], schools[k])
            if len(chosen) == limit:
                break
    return list(chosen.values())


def _triples(holds: np.ndarray, x: np.ndarray, min_violation: float) -> dict[SubsetRow, float]:
    """Violated cuts on three schools. Such a triple has two pairs that share a fractional
    region, so it is found from the school in both pairs."""
    shared = (holds.T * x) @ holds > 0
    found: dict[SubsetRow, float] = {}
    for centre in range(holds.shape[1]):
        near = np.flatnonzero(shared[centre])
        near = near[near != centre]
        if len(near) < 2:
            continue
        pairs = np.array(list(itertools.combinations(near.tolist(), 2)), dtype=np.int64)
        count = holds[:, [centre]] + holds[:, pairs[:, 0]] + holds[:, pairs[:, 1]]
        over = x @ (count >= 2) - 1.0
        for (a, b), violation in zip(pairs.tolist(), over.tolist(), strict=True):
            if violation > min_violation:
                i, j, k = sorted((centre, a, b))
                found[(i, j, k)] = violation
    return found


__all__ = ["violated_subset_rows"]
