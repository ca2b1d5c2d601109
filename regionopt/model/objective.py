"""The objective, defined once: integer-scaled costs that add up per region.

Every evaluation of a plan derives from ``Objective``: the CP-SAT model takes its coefficients,
column generation prices with ``region_cost``, and ``score`` judges any plan. With ``scale``
(100: cents of an objective unit) every cost is an integer, so the three agree exactly:

    scale * objective = constant + sum over regions R of region_cost(R),

    region_cost(R) = - internal(R) + sum_{i in R} km(i, root_R)
                     + sum_f item_cost_f * |items of family f among R's members|
                     + size_cost[technical pupils of R]
                     - move_cost * |members of R kept in the reference region R is matched to|

where ``internal(R)`` is the scaled weight of the edges inside R. The constant holds every
edge's weight (an edge inside a region is then not charged), minus every counted item once (an
item is charged per extra region it is split over) and plus ``move_cost`` per school in the
reference plan (a kept school earns it back). Each reference region is matched to at most one
region. Families: the gemeente (``weights.gemeente_split``) and any further ones the problem
carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linear_sum_assignment

from regionopt.config import WeightsConfig
from regionopt.model.problem import Problem

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

DEFAULT_SCALE = 100
"""Objective units are scaled by this and rounded: CP-SAT needs integers."""


@dataclass(frozen=True)
class ObjectiveComponents:
    """The objective's parts in their own units, and the objective itself."""

    cut_pupils: float
    """Modelled commuting pupils shared by schools in different regions."""
    compactness_km: float
    """Sum over schools of the km to their region's centre (root) school."""
    gemeente_splits: int
    """Sum over gemeenten of (regions it is split over - 1)."""
    reference_moves: int
    """Schools not in their matched reference region, 0 without a reference plan."""
    total: float
    """The objective (the scaled integer total divided by the scale)."""
    splits: Mapping[str, int] = field(default_factory=dict)
    """Splits per item family (the gemeente included)."""
    size_balance: float = 0.0
    """Sum over regions of the relative deviation from the mean size, |T - mean| / mean."""
    contributions: Mapping[str, float] = field(default_factory=dict)
    """What each part adds to ``total``, in objective units, in the order ``cut_pupils``,
    ``compactness_km``, the item families by name, ``size_balance``, ``reference_moves``: the
    objective's own scaled costs, so they add up to ``total`` exactly."""

    def values(self) -> dict[str, float]:
        """Each part's value in its own units (pupils, km, splits, ...), keyed as
        ``contributions``."""
        return {
            "cut_pupils": self.cut_pupils,
            "compactness_km": self.compactness_km,
            **{family: float(n) for family, n in self.splits.items()},
            "size_balance": self.size_balance,
            "reference_moves": float(self.reference_moves),
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "cut_pupils": round(self.cut_pupils, 3),
            "compactness_km": round(self.compactness_km, 3),
            "gemeente_splits": self.gemeente_splits,
            "splits": dict(self.splits),
            "reference_moves": self.reference_moves,
            "size_balance": round(self.size_balance, 4),
            "contributions": {k: round(v, 2) for k, v in self.contributions.items()},
            "total": round(self.total, 3),
        }


SIZE_FINE = 1024
"""The size cost's lines have integer coefficients in 1/SIZE_FINE of the scaled unit."""


@dataclass(frozen=True)
class SizeCost:
    """The size balance of a region with T technical pupils: ``weight * |T - mean| / mean``.

    The maximum of two lines (``lines``: integer (a, b), the cost at least
    ``(a + b * T) / SIZE_FINE``), rounded up to a whole scaled unit: ``table[T]``. Every model
    reads the same lines, so CP-SAT charges exactly the table, and any single line lies below
    it (what column generation's relaxations use). Charged linearly, an area whose schools
    add up to ``s`` times the mean is best served by ``round(s)`` regions of its own.
    """

    weight: float
    """Scaled weight (objective scale times ``weights.size_balance``)."""
    mean: float
    lines: tuple[tuple[int, int], ...]
    table: np.ndarray

    @classmethod
    def build(cls, problem: Problem, weight: float) -> SizeCost:
        """The size cost of ``problem``'s regions (all zero without a weight)."""
        total = int(problem.technical.sum())
        mean = problem.size_mean
        if weight <= 0:
            return cls(0.0, mean, (), np.zeros(total + 1, dtype=np.int64))
        slope = weight / mean
        lines = (
            (round(weight * SIZE_FINE), -round(slope * SIZE_FINE)),
            (-round(weight * SIZE_FINE), round(slope * SIZE_FINE)),
        )
        a = np.array([ln[0] for ln in lines], dtype=np.int64)[:, None]
        b = np.array([ln[1] for ln in lines], dtype=np.int64)[:, None]
        t = np.arange(total + 1, dtype=np.int64)[None, :]
        table = -((-(a + b * t).max(axis=0)) // SIZE_FINE)  # ceiling division
        return cls(weight, mean, lines, np.maximum(table, 0).astype(np.int64))

    @property
    def active(self) -> bool:
        """True when regions pay for their size at all."""
        return self.weight > 0

    def line_at(self, anchor: float) -> tuple[int, int]:
        """The line (a, b) that is the cost around ``anchor`` technical pupils."""
        values = [a + b * anchor for a, b in self.lines]
        return self.lines[int(np.argmax(values))]


@dataclass(frozen=True)
class Objective:
    """The scaled integer costs of one problem under one set of weights."""

    problem: Problem
    weights: WeightsConfig
    scale: int
    edges: np.ndarray
    """Edges with a positive cost, (m, 2)."""
    edge_cost: np.ndarray
    """Scaled cost of cutting each of ``edges``."""
    item_cost: tuple[int, ...]
    """Per item family, the scaled cost of each item a region touches."""
    counted: tuple[np.ndarray, ...]
    """Per item family, per item: True when it is charged (at least two schools, cost > 0)."""
    move_cost: int
    constant_parts: Mapping[str, int]
    """The constant's share of each part (see the module's docstring)."""
    size: SizeCost
    """The size balance (its ``table`` is what a region pays)."""

    @property
    def constant(self) -> int:
        """The scaled constant the regions' costs are added to."""
        return sum(self.constant_parts.values())

    @classmethod
    def build(
        cls,
        problem: Problem,
        weights: WeightsConfig,
        *,
        scale: int = DEFAULT_SCALE,
        item_weights: Mapping[str, float] | None = None,
    ) -> Objective:
        """The objective of ``problem`` under ``weights``.

        ``item_weights`` gives the weight of each item family by name; the gemeente's is
        ``weights.gemeente_split`` unless given there.
        """
        per_item = {
            "gemeente": weights.gemeente_split,
            "rpa": weights.labour_market_split,
            "bestuur": weights.bestuur_split,
            "mbo": weights.mbo_split,
            **(item_weights or {}),
        }
        edge_cost = np.array(
            [round(scale * weights.cut_pupils * w) for w in problem.edge_weight.tolist()],
            dtype=np.int64,
        ).reshape(-1)
        positive = edge_cost > 0
        item_cost, counted = [], []
        for family in problem.items:
            cost = round(scale * per_item.get(family.name, 0.0))
            sizes = np.bincount(family.index[family.index >= 0], minlength=len(family.codes))
            item_cost.append(cost)
            counted.append((sizes >= 2) & (cost > 0))
        move_cost = round(scale * weights.reference_move) if problem.has_reference else 0
        # In the order of a region's parts: commuting, km, item families, size, moves.
        constant_parts = {"cut_pupils": int(edge_cost[positive].sum()), "compactness_km": 0}
        for family, cost, count in zip(problem.items, item_cost, counted, strict=True):
            constant_parts[family.name] = -cost * int(count.sum())
        constant_parts["size_balance"] = 0
        constant_parts["reference_moves"] = 0
        if problem.reference is not None and problem.has_reference:
            constant_parts["reference_moves"] = move_cost * int((problem.reference >= 0).sum())
        return cls(
            problem=problem,
            weights=weights,
            scale=scale,
            edges=problem.edges[positive],
            edge_cost=edge_cost[positive],
            item_cost=tuple(item_cost),
            counted=tuple(counted),
            move_cost=move_cost,
            constant_parts=constant_parts,
            size=SizeCost.build(problem, scale * weights.size_balance),
        )

    @cached_property
    def km_costs(self) -> np.ndarray:
        """Scaled compactness cost of school ``i`` joining root ``j``: ``km_costs[j, i]``."""
        km = self.problem.euclid_km()
        factor = self.scale * self.weights.compactness_km
        return np.rint(factor * km).astype(np.int64).reshape(self.problem.n, self.problem.n)

    def to_units(self, scaled: float) -> float:
        """A scaled total (constant included) in objective units."""
        return scaled / self.scale

    def internal(self, inside: np.ndarray) -> int:
        """Scaled weight of the edges with both ends in the mask ``inside``."""
        both = inside[self.edges[:, 0]] & inside[self.edges[:, 1]]
        return int(self.edge_cost[both].sum())

    def item_charges(self, ids: np.ndarray) -> dict[str, int]:
        """Scaled charge per item family for the items the schools ``ids`` touch."""
        charges = {}
        for family, cost, counted in zip(
            self.problem.items, self.item_cost, self.counted, strict=True
        ):
            items = np.unique(family.index[ids]) if cost else np.empty(0, dtype=np.int64)
            items = items[items >= 0]
            charges[family.name] = cost * int(counted[items].sum())
        return charges

    def region_parts(
        self, members: Sequence[int] | np.ndarray, root: int, ref: int = -1
    ) -> dict[str, int]:
        """Scaled cost of the region ``members`` rooted at ``root``, matched to reference
        region ``ref`` (-1: none), per part of the objective."""
        ids = np.fromiter((int(i) for i in members), dtype=np.int64)
        inside = np.zeros(self.problem.n, dtype=bool)
        inside[ids] = True
        return {
            "cut_pupils": -self.internal(inside),
            "compactness_km": int(self.km_costs[root][ids].sum()),
            **self.item_charges(ids),
            "size_balance": int(self.size.table[int(self.problem.technical[ids].sum())]),
            "reference_moves": -self.saved(ids, ref),
        }

    def region_cost(self, members: Sequence[int] | np.ndarray, root: int, ref: int = -1) -> int:
        """Scaled cost of the region ``members`` rooted at ``root``, matched to reference
        region ``ref`` (-1: none): the sum of its ``region_parts``."""
        return sum(self.region_parts(members, root, ref).values())

    def kept(self, members: np.ndarray, ref: int) -> int:
        """Members that stay in reference region ``ref`` when their region is matched to it."""
        reference = self.problem.reference
        if ref < 0 or reference is None or not self.problem.has_reference:
            return 0
        return int((reference[np.asarray(members, dtype=np.int64)] == ref).sum())

    def saved(self, members: np.ndarray, ref: int) -> int:
        """What matching ``members`` to reference region ``ref`` saves: a move per kept school."""
        return self.move_cost * self.kept(members, ref)

    def match_options(self, members: np.ndarray) -> list[int]:
        """The matches a region may have: none (-1), or a reference region of a member."""
        reference = self.problem.reference
        if reference is None or not self.problem.has_reference:
            return [-1]
        refs = reference[np.asarray(members, dtype=np.int64)]
        return [-1, *sorted({int(r) for r in refs.tolist() if r >= 0})]

    def matched_references(self, labels: np.ndarray, k: int) -> list[int]:
        """Per region of a plan, its reference region (-1: none), matched one to one so as to
        keep the most schools; a lock whose label names a reference region fixes its match."""
        reference = self.problem.reference
        out = [-1] * k
        if reference is None or not self.problem.has_reference:
            return out
        labels = np.asarray(labels, dtype=np.int64)
        ref_pos = {rid: c for c, rid in enumerate(self.problem.reference_ids)}
        forced = {
            int(labels[ids[0]]): ref_pos[label]
            for label, ids in self.problem.locks
            if label in ref_pos and labels[ids[0]] >= 0
        }
        in_ref = (reference >= 0) & (labels >= 0)
        overlap = np.zeros((k, len(self.problem.reference_ids)), dtype=np.int64)
        np.add.at(overlap, (labels[in_ref], reference[in_ref]), 1)
        for r, c in forced.items():
            out[r] = c
        rows = np.array([r for r in range(k) if r not in forced], dtype=np.int64)
        cols = np.array(
            [c for c in range(overlap.shape[1]) if c not in set(forced.values())], dtype=np.int64
        )
        if len(rows) and len(cols):
            free = overlap[np.ix_(rows, cols)]
            rr, cc = linear_sum_assignment(free, maximize=True)
            for r, c in zip(rr.tolist(), cc.tolist(), strict=True):
                if free[r, c] > 0:
                    out[int(rows[r])] = int(cols[c])
        return out

    def scaled_parts(self, labels: np.ndarray, roots: Sequence[int]) -> dict[str, int]:
        """The scaled objective of a plan per part (``labels[i]`` indexes ``roots``): the
        constant's share plus every region's."""
        labels = np.asarray(labels, dtype=np.int64)
        refs = self.matched_references(labels, len(roots))
        parts = dict(self.constant_parts)
        for r, root in enumerate(roots):
            for part, cost in self.region_parts(
                np.flatnonzero(labels == r), int(root), refs[r]
            ).items():
                parts[part] = parts.get(part, 0) + cost
        return parts

    def scaled_total(self, labels: np.ndarray, roots: Sequence[int]) -> int:
        """The scaled objective of a plan (``labels[i]`` indexes ``roots``)."""
        return sum(self.scaled_parts(labels, roots).values())

    def score(self, labels: np.ndarray, roots: Sequence[int] | None = None) -> ObjectiveComponents:
        """The objective of any plan and its parts (the same yardstick for every method).

        ``roots`` are the regions' centres for compactness; without them each region takes
        its best centre (``best_roots``).
        """
        labels = np.asarray(labels, dtype=np.int64)
        if roots is None:
            roots = self.best_roots(labels)
        prob = self.problem
        a, b = prob.edges[:, 0], prob.edges[:, 1]
        cut = float(prob.edge_weight[labels[a] != labels[b]].sum()) if len(prob.edges) else 0.0
        km = prob.euclid_km()
        compact = sum(
            float(km[np.flatnonzero(labels == r), root].sum()) for r, root in enumerate(roots)
        )
        splits = {f.name: item_splits(f.index, labels) for f in prob.items}
        refs = self.matched_references(labels, len(roots))
        moves = 0
        if prob.reference is not None and prob.has_reference:
            kept = sum(self.kept(np.flatnonzero(labels == r), refs[r]) for r in range(len(roots)))
            moves = int((prob.reference >= 0).sum()) - kept
        tech = np.bincount(labels[labels >= 0], weights=prob.technical[labels >= 0].astype(float))
        mean = prob.size_mean
        balance = float((np.abs(tech - mean) / mean).sum())
        parts = self.scaled_parts(labels, roots)
        return ObjectiveComponents(
            cut_pupils=cut,
            compactness_km=compact,
            gemeente_splits=splits.get("gemeente", 0),
            reference_moves=moves,
            total=self.to_units(sum(parts.values())),
            splits=splits,
            size_balance=balance,
            contributions={part: self.to_units(cost) for part, cost in parts.items()},
        )

    def best_roots(self, labels: np.ndarray) -> list[int]:
        """Per region the member (with technical pupils, if any) nearest to the others."""
        labels = np.asarray(labels, dtype=np.int64)
        km = self.problem.euclid_km()
        out = []
        for r in range(int(labels.max(initial=-1)) + 1):
            members = np.flatnonzero(labels == r)
            leaders = members[self.problem.can_lead[members]]
            centres = leaders if len(leaders) else members
            out.append(int(centres[np.argmin(km[np.ix_(members, centres)].sum(axis=0))]))
        return out


def add_size_cost(
    model: cp_model.CpModel,
    size: SizeCost,
    pupils: Sequence[int],
    x: Sequence[cp_model.IntVar],
    active: cp_model.IntVar | None = None,
) -> cp_model.IntVar:
    """A CP-SAT variable at least the region's size cost (equal to it at an optimum).

    ``pupils[k]`` are the technical pupils of the school of ``x[k]``; with ``active`` the cost
    applies only when the region exists (else it may be 0).
    """
    t_max = int(sum(pupils))
    total = sum(int(t) * v for t, v in zip(pupils, x, strict=True) if t)
    cost = model.new_int_var(0, int(size.table[: t_max + 1].max(initial=0)), "size_cost")
    for a, b in size.lines:
        # The size cost is at least this line (in 1/SIZE_FINE units); its maximum is the cost.
        if a + b * t_max <= 0 and a <= 0:
            continue  # the line is below 0 on [0, t_max]: the domain already says so
        line = cost * SIZE_FINE >= a + b * total
        if active is None:
            model.add(line)
        else:
            model.add(line).only_enforce_if(active)
    return cost


def item_splits(index: np.ndarray, labels: np.ndarray) -> int:
    """Sum over items of (regions it is split over - 1)."""
    keep = (index >= 0) & (labels >= 0)
    pairs = {(int(g), int(r)) for g, r in zip(index[keep], labels[keep], strict=True)}
    return len(pairs) - len({g for g, _ in pairs})


__all__ = [
    "DEFAULT_SCALE",
    "SIZE_FINE",
    "Objective",
    "ObjectiveComponents",
    "SizeCost",
    "add_size_cost",
    "item_splits",
]
