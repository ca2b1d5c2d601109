"""The one plan type every phase of the optimizer returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from regionopt.model.objective import Objective, ObjectiveComponents
from regionopt.plan import Plan


@dataclass(frozen=True)
class Partition:
    """A plan as integer labels, with each region's root and the plan's objective.

    ``labels[i]`` is the region index (``0..k-1``) of school ``i``; ``roots[r]`` is the root
    school (centre, a possible penvoerder) of region ``r``.
    """

    labels: np.ndarray
    roots: tuple[int, ...]
    components: ObjectiveComponents

    @classmethod
    def scored(cls, objective: Objective, labels: np.ndarray, roots: Sequence[int]) -> Partition:
        """A partition with its objective computed by ``objective``."""
        lab = np.array(labels, dtype=np.int64)
        lab.setflags(write=False)
        the_roots = tuple(int(j) for j in roots)
        return cls(lab, the_roots, objective.score(lab, the_roots))

    @property
    def objective(self) -> float:
        """The objective (objective units)."""
        return self.components.total

    @property
    def k(self) -> int:
        """Number of regions."""
        return len(self.roots)

    def members(self, region: int) -> np.ndarray:
        """School ids of a region."""
        return np.flatnonzero(self.labels == region)

    def plan(
        self, codes: Sequence[str], region_ids: Sequence[str], *, name: str = "proposed"
    ) -> Plan:
        """The partition as a ``Plan`` with the given region ids."""
        rows = tuple(
            (c, region_ids[int(lab)])
            for c, lab in zip(codes, self.labels.tolist(), strict=True)
            if lab >= 0
        )
        return Plan(rows=rows, name=name)


def canonical_order(partition: Partition, codes: Sequence[str]) -> Partition:
    """The same partition with its regions numbered by their smallest member code, so equal
    partitions are numbered alike whatever the order and the roots a phase found them in."""
    first = {r: min(codes[i] for i in partition.members(r)) for r in range(partition.k)}
    order = sorted(range(partition.k), key=lambda r: first[r])
    new_label = np.empty(partition.k, dtype=np.int64)
    new_label[order] = np.arange(partition.k)
    labels = np.where(partition.labels >= 0, new_label[np.clip(partition.labels, 0, None)], -1)
    labels.setflags(write=False)
    roots = tuple(partition.roots[r] for r in order)
    return Partition(labels, roots, partition.components)


__all__ = ["Partition", "canonical_order"]
