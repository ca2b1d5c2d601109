"""The rules of a valid region, defined once (DESIGN.md section 2).

Every evaluator uses this module: the checker, the constructive heuristic, the pre-check,
the repair and the pricing of column generation evaluate a region in plain Python with
``RegionRules.broken``/``meets`` (vectorised over many regions with ``totals_by_label``), and
every CP-SAT model (the national model, pricing, repair) adds the same constraints with
``add_region_rules``. The thresholds are read from ``RulesConfig`` in ``RegionRules.from_config``
and nowhere else.

Rules of one region (the rule names are the checker's):

``min_vmbo``    at least ``min_vmbo`` vmbo vestigingen [004];
``penvoerder``  a member with technical-profile pupils, who can lead the region [004];
``mbo``         an mbo location within ``mbo_reach_km`` of a member school [004];
``size``        technical-profile pupils lj 3-4 within ``[min_technical, max_technical]`` [001].

Rules between regions: ``together`` (schools closer than ``together_km`` share a region) and
``contiguity`` (a region is connected in the school graph) [001].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from regionopt.config import RulesConfig

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from regionopt.instance import Instance

REGION_RULES: tuple[str, ...] = ("min_vmbo", "penvoerder", "mbo", "size")
"""The rules a single region meets or breaks, in the checker's order."""


@dataclass(frozen=True)
class RegionRules:
    """The thresholds of every rule, read once from the configuration."""

    min_vmbo_schools: int = 2
    min_technical: int = 100
    max_technical: int | None = None
    mbo_within_km: float = 25.0
    together_within_km: float = 0.5
    together_strict: bool = True
    connected: bool = True

    @classmethod
    def from_config(cls, rules: RulesConfig) -> RegionRules:
        """The rules of a ``RulesConfig`` (the only place its thresholds are read)."""
        return cls(
            min_vmbo_schools=rules.min_vmbo,
            min_technical=rules.min_technical_pupils,
            max_technical=rules.max_technical_pupils,
            mbo_within_km=rules.mbo_reach_km,
            together_within_km=rules.together_km,
            together_strict=rules.together_hard,
            connected=rules.contiguous,
        )

    def broken(self, totals: RegionTotals) -> list[str]:
        """The names of the rules a region with these totals breaks (``REGION_RULES`` order)."""
        out = []
        if totals.vmbo < self.min_vmbo_schools:
            out.append("min_vmbo")
        if totals.leaders < 1:
            out.append("penvoerder")
        if totals.mbo < 1:
            out.append("mbo")
        if not self.size_ok(totals.technical):
            out.append("size")
        return out

    def short_of(self, totals: RegionTotals) -> list[str]:
        """The rules a region with these totals misses by having too little (not too much)."""
        return [
            r for r in self.broken(totals) if r != "size" or totals.technical < self.min_technical
        ]

    def capacity(self, totals: RegionTotals) -> int:
        """The most regions these totals could make, each with a penvoerder, enough vmbo
        schools and enough technical pupils."""
        cap = [totals.leaders, totals.vmbo // max(self.min_vmbo_schools, 1)]
        if self.min_technical > 0:
            cap.append(totals.technical // self.min_technical)
        return min(cap)

    def meets(self, totals: RegionTotals) -> bool:
        """True when a region with these totals meets every single-region rule."""
        return not self.broken(totals)

    def size_ok(self, technical: int) -> bool:
        """True when ``technical`` pupils lie within the size rule's bounds."""
        return technical >= self.min_technical and (
            self.max_technical is None or technical <= self.max_technical
        )

    def meets_many(self, totals: RegionTotalsArray) -> np.ndarray:
        """``meets`` for many regions at once (boolean array)."""
        ok = (totals.vmbo >= self.min_vmbo_schools) & (totals.leaders >= 1) & (totals.mbo >= 1)
        ok &= totals.technical >= self.min_technical
        if self.max_technical is not None:
            ok &= totals.technical <= self.max_technical
        return np.asarray(ok, dtype=bool)

    @property
    def two_or_more_members(self) -> bool:
        """True when every region has at least two members (so each member has a neighbour
        in its own region, in a connected region)."""
        return self.min_vmbo_schools >= 2

    def too_big_many(self, technical: np.ndarray) -> np.ndarray:
        """``too_big`` for many regions at once (boolean array)."""
        if self.max_technical is None:
            return np.zeros(len(technical), dtype=bool)
        return np.asarray(technical > self.max_technical, dtype=bool)

    def too_big(self, technical: int) -> bool:
        """True when ``technical`` pupils exceed the maximum size (never, without one)."""
        return self.max_technical is not None and technical > self.max_technical

    def close_pairs(self, xy: np.ndarray) -> np.ndarray:
        """Pairs (a, b), a < b, of points closer than ``together_km``, shape (k, 2), sorted."""
        if self.together_within_km <= 0 or len(xy) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        pairs = cKDTree(np.asarray(xy, dtype=float)).query_pairs(
            r=self.together_within_km * 1000.0, output_type="ndarray"
        )
        pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
        return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]

    def mbo_reach(self, instance: Instance) -> list[tuple[int, ...]]:
        """Per school the ids of the mbo locations that count for the ``mbo`` rule."""
        return instance.mbo_within(self.mbo_within_km)


@dataclass(frozen=True)
class SchoolFacts:
    """What the single-region rules read of each school, as arrays indexed by school id."""

    technical: np.ndarray
    """Technical-profile pupils lj 3-4."""
    is_vmbo: np.ndarray
    has_mbo: np.ndarray
    """True when an mbo location lies within reach of the school."""

    @property
    def can_lead(self) -> np.ndarray:
        """Schools with technical pupils: possible penvoerders."""
        return np.asarray(self.technical > 0)

    @classmethod
    def of(cls, instance: Instance, rules: RegionRules) -> SchoolFacts:
        """The facts of an instance's schools under ``rules``."""
        return cls(
            technical=instance.technical_pupils.astype(np.int64),
            is_vmbo=instance.is_vmbo.astype(bool),
            has_mbo=np.array([bool(r) for r in rules.mbo_reach(instance)], dtype=bool),
        )


@dataclass(frozen=True)
class RegionTotals:
    """What the rules count in one region."""

    vmbo: int
    technical: int
    mbo: int
    """Members with an mbo location within reach."""
    leaders: int
    """Members with technical pupils."""


@dataclass(frozen=True)
class RegionTotalsArray:
    """``RegionTotals`` of many regions at once (arrays indexed by region)."""

    vmbo: np.ndarray
    technical: np.ndarray
    mbo: np.ndarray
    leaders: np.ndarray


def totals(facts: SchoolFacts, members: Sequence[int] | np.ndarray) -> RegionTotals:
    """The rule totals of a region given as school ids."""
    ids = np.asarray(members, dtype=np.int64)
    return RegionTotals(
        vmbo=int(facts.is_vmbo[ids].sum()),
        technical=int(facts.technical[ids].sum()),
        mbo=int(facts.has_mbo[ids].sum()),
        leaders=int(facts.can_lead[ids].sum()),
    )


def totals_by_label(facts: SchoolFacts, labels: np.ndarray, k: int) -> RegionTotalsArray:
    """The rule totals of every region of a labelling (``labels[i]`` in ``0..k-1``; -1 none)."""
    lab = np.asarray(labels, dtype=np.int64)
    keep = lab >= 0

    def count(values: np.ndarray) -> np.ndarray:
        return np.bincount(lab[keep], weights=values[keep].astype(float), minlength=k).astype(
            np.int64
        )

    return RegionTotalsArray(
        vmbo=count(facts.is_vmbo),
        technical=count(facts.technical),
        mbo=count(facts.has_mbo),
        leaders=count(facts.can_lead),
    )


def add_region_rules(
    model: cp_model.CpModel,
    rules: RegionRules,
    facts: SchoolFacts,
    members: Sequence[int],
    x: Sequence[cp_model.IntVar],
    active: cp_model.IntVar | int = 1,
    *,
    skip: Sequence[str] = (),
) -> None:
    """Add the single-region rules to a CP-SAT model.

    Parameters
    ----------
    model : cp_model.CpModel
    rules : RegionRules
    facts : SchoolFacts
    members : sequence of int
        The schools that may be in the region.
    x : sequence of BoolVar
        ``x[k]`` is true when ``members[k]`` is in the region.
    active : BoolVar or 1
        The region exists (a root opened, a region not dissolved); the rules hold only then.
    skip : sequence of str
        Rule names to leave out (the repair drops one at a time to explain an infeasibility).
    """
    ids = list(members)
    # Rule 2: at least min_vmbo vmbo vestigingen.
    if "min_vmbo" not in skip:
        vmbo = [v for i, v in zip(ids, x, strict=True) if facts.is_vmbo[i]]
        model.add(sum(vmbo) >= rules.min_vmbo_schools * active)
    # Rule 3: a penvoerder, i.e. a member with technical pupils.
    if "penvoerder" not in skip:
        model.add(sum(v for i, v in zip(ids, x, strict=True) if facts.can_lead[i]) >= active)
    # Rule 2: an mbo location within reach of a member.
    if "mbo" not in skip:
        model.add(sum(v for i, v in zip(ids, x, strict=True) if facts.has_mbo[i]) >= active)
    # Rule 5: technical pupils within [min, max].
    if "size" not in skip:
        tech = [(int(facts.technical[i]), v) for i, v in zip(ids, x, strict=True)]
        size = sum(c * v for c, v in tech if c > 0)
        model.add(size >= rules.min_technical * active)
        if rules.max_technical is not None:
            model.add(size <= rules.max_technical * active)


def together_groups(
    n: int, pairs: np.ndarray, locks: Sequence[Sequence[int]] = ()
) -> list[list[int]]:
    """Groups of schools that must share a region: close pairs (given) and lock groups.

    Parameters
    ----------
    n : int
        Number of schools.
    pairs : ndarray, shape (k, 2)
        Pairs of school ids that must be together (e.g. ``close_pairs`` when the rule is hard).
    locks : sequence of sequences of int
        Schools locked to the same label.

    Returns
    -------
    list of list of int
        Every school in exactly one group (most are singletons), each group sorted.
    """
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    links = [(int(a), int(b)) for a, b in np.asarray(pairs, dtype=np.int64).reshape(-1, 2)]
    for ids in locks:
        links += [(int(ids[0]), int(i)) for i in ids[1:]]
    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def is_connected(adjacency: Sequence[Sequence[int]], members: Sequence[int]) -> bool:
    """True when the members form one connected part of the graph (empty and single: True)."""
    inside = {int(i) for i in members}
    if len(inside) <= 1:
        return True
    start = next(iter(inside))
    seen, stack = {start}, [start]
    while stack:
        for q in adjacency[stack.pop()]:
            if q in inside and q not in seen:
                seen.add(q)
                stack.append(q)
    return len(seen) == len(inside)


def components(adjacency: Sequence[Sequence[int]], members: Sequence[int]) -> list[list[int]]:
    """The connected parts of the subgraph the members induce, largest first (ties: lowest id)."""
    inside = {int(i) for i in members}
    parts: list[list[int]] = []
    seen: set[int] = set()
    for start in sorted(inside):
        if start in seen:
            continue
        part, stack = [start], [start]
        seen.add(start)
        while stack:
            for q in adjacency[stack.pop()]:
                if q in inside and q not in seen:
                    seen.add(q)
                    part.append(q)
                    stack.append(q)
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


__all__ = [
    "REGION_RULES",
    "RegionRules",
    "RegionTotals",
    "RegionTotalsArray",
    "SchoolFacts",
    "add_region_rules",
    "components",
    "is_connected",
    "together_groups",
    "totals",
    "totals_by_label",
]
