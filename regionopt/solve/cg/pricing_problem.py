"""The set-partitioning view of the model that column generation prices against.

A column is a region of the model: a root, its members and (with a reference plan) the
reference region it is matched to. For duals ``pi`` on the rows of the master (cover, match,
kept; see ``Master``), the value of a column is ``pi(R) - cost(R)`` (plus its match terms),
and the Lagrangian bound is

    LB = pi . rhs + sum over the best k roots of min(0, -value), lo <= k <= hi.

Subset-row cuts (Jepsen, Petersen, Spoorendonk and Pisinger 2008) may tighten the master: for
three schools, at most one region holds two or more of them. Every plan keeps them, so a bound
with them is a bound of the model; a column's value then also holds the (non-positive) dual
of every cut it hits.

``PricingProblem`` holds per root the data its pricing reads (``RootData``), the dual layout
and the plain-Python test of whether a member set is a column (every rule, the restriction).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.objective import Objective
from regionopt.model.rules import components, is_connected, together_groups, totals

if TYPE_CHECKING:
    from regionopt.solve.cg.closure import ClosureNet

FINE = 32
"""Pricing works in 1/FINE of the model's integer unit: duals are rounded up to integers
there, which keeps every bound a bound."""


def rounded_up(pi: np.ndarray) -> np.ndarray:
    """Duals rounded up to whole pricing units (``FINE``), in model units.

    LP duals carry float noise (around 1e-9), so a dual a hair above a whole number of units
    counts as that number rather than one more.
    """
    return np.ceil(pi * FINE - 1e-6) / FINE


@dataclass(frozen=True, order=True)
class Decision:
    """A branching decision (Ryan and Foster): schools ``a`` and ``b`` share a region or not."""

    a: int
    b: int
    together: bool


SubsetRow = tuple[int, int, int]
"""Three schools (sorted): at most one region of a plan holds two or more of them."""


@dataclass(frozen=True)
class Column:
    """One region of the model: its root school, members (school ids) and scaled cost."""

    root: int
    members: tuple[int, ...]
    cost: int
    """Scaled cost in the problem that produced the column (a window's, or 0 for a plan's
    region); the set-partitioning IP recomputes it."""


def plan_columns(labels: Sequence[int] | np.ndarray, roots: Sequence[int]) -> list[Column]:
    """The regions of a plan as columns (cost 0: costs are recomputed where they are used)."""
    labels = np.asarray(labels)
    return [
        Column(int(j), tuple(np.flatnonzero(labels == r).tolist()), 0) for r, j in enumerate(roots)
    ]


@dataclass
class RootData:
    """The pricing data of one candidate root (indices are local to ``members``)."""

    root: int
    members: np.ndarray
    km: np.ndarray
    """Scaled compactness cost of each member (to this root)."""
    edges: np.ndarray
    """Internal candidate edges (local u, local v), shape (e, 2)."""
    edge_cost: np.ndarray
    item_cost: np.ndarray
    """Scaled price of each item (of any family) among the members."""
    memberships: np.ndarray
    """(local member, local item) pairs: the member touches the item, shape (p, 2)."""
    tie: list[tuple[int, int]]
    """Local pairs that must be in together (close schools, locks, branching)."""
    apart: list[tuple[int, int]] = field(default_factory=list)
    """Local pairs that must not both be in (branching)."""
    size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Technical pupils of each member (the size balance reads their sum)."""
    size_anchor: float = 0.0
    """Where the closure last linearised the size cost (the size of its last optimum)."""
    refs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Reference regions a region of this root may be matched to (those of its members)."""
    ref_local: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per member, its reference region as an index into ``refs`` (-1: none)."""
    dual_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Where the duals this root reads sit in the dual vector: the members' cover duals, the
    ``refs``' match duals, then (with ``max_moves``) the kept row's dual once per member that
    could be kept."""
    cut_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Where the duals of the subset-row cuts this root can hit sit in the dual vector."""
    cut_members: list[list[int]] = field(default_factory=list)
    """Per cut of ``cut_index``, its schools among the members (local, two or three): a
    region hits the cut when it holds two of them."""
    last_duals: np.ndarray | None = None
    """The rounded-up duals of the last exact pricing (cuts' last), and its proven bound."""
    last_bound: float = math.inf
    net: ClosureNet | None = None
    """The closure network, built on first use."""

    @property
    def local_root(self) -> int:
        """The root's position in ``members``."""
        return int(np.flatnonzero(self.members == self.root)[0])

    def rounded_duals(self, pi: np.ndarray) -> np.ndarray:
        """The duals this root reads, in pricing units (``FINE``), rounded up.

        LP duals carry float noise (around 1e-9), so a dual a hair above a whole number of
        units counts as that number rather than one more.
        """
        duals: np.ndarray = pi[self.dual_index]
        return np.ceil(duals * FINE - 1e-6).astype(np.int64)

    def rounded_cut_duals(self, pi: np.ndarray) -> np.ndarray:
        """The duals of the cuts this root can hit, in pricing units, rounded up (each <= 0)."""
        duals: np.ndarray = pi[self.cut_index]
        return np.ceil(duals * FINE - 1e-6).astype(np.int64)

    def tracked_duals(self, pi: np.ndarray) -> np.ndarray:
        """Every dual this root's pricing value reads, rounded up (``shifted_bound``)."""
        tracked: np.ndarray = np.r_[self.rounded_duals(pi), self.rounded_cut_duals(pi)]
        return tracked

    def shifted_bound(self, pi: np.ndarray) -> float:
        """An upper bound on the pricing value at ``pi`` from the last proven one.

        The pricing value is a maximum over member sets of functions that grow by at most the
        rise of each dual they read, so the last proven bound plus every rise bounds it
        (``inf`` before the first exact pricing).
        """
        if self.last_duals is None:
            return math.inf
        rise = self.tracked_duals(pi) - self.last_duals
        return self.last_bound + float(np.clip(rise, 0, None).sum()) / FINE


class PricingProblem:
    """Scaled cost data of the set-partitioning view of the model, per root."""

    def __init__(
        self,
        objective: Objective,
        cand: Candidates,
        restriction: Restriction,
        decisions: Sequence[Decision] = (),
        cuts: Sequence[SubsetRow] = (),
    ) -> None:
        problem = objective.problem
        ref_ids = set(problem.reference_ids)
        if any(label in ref_ids for label, _ in problem.locks):
            raise ValueError("column generation does not model locks that name a reference region")
        self.objective, self.problem, self.cand = objective, problem, cand
        self.restriction = restriction
        self.scale, self.constant = objective.scale, objective.constant
        self.move_cost = objective.move_cost
        self.n_ref = len(problem.reference_ids) if problem.has_reference else 0
        """Match rows of the master: each reference region matched to at most one region."""
        self.min_kept = self._min_kept()
        """With ``max_moves``: the master's row "at least this many schools kept"."""
        base = problem.n + self.n_ref + (self.min_kept is not None)
        self.tau = base - 1 if self.min_kept is not None else None
        """Where the kept row's dual sits in the dual vector (after cover and match duals)."""
        self.cuts: tuple[SubsetRow, ...] = tuple(dict.fromkeys(cuts))
        """Subset-row cuts in the master, in the order given (later cuts' duals go last)."""
        self.cut_offset = base
        self._cut_schools = np.array(self.cuts, dtype=np.int64).reshape(-1, 3)
        n_dual = base + len(self.cuts)
        self.rhs = np.ones(n_dual)
        if self.tau is not None and self.min_kept is not None:
            self.rhs[self.tau] = self.min_kept
        self.decisions = tuple(sorted(set(decisions)))
        """Branching decisions in force: together pairs join the groups, apart pairs stay
        apart."""
        self.groups = _groups(problem.together_groups, self.decisions, problem.n)
        self.apart = [(d.a, d.b) for d in self.decisions if not d.together]
        self.group_of = np.full(problem.n, -1, dtype=np.int64)
        for k, g in enumerate(self.groups):
            self.group_of[g] = k
        self.lo, self.hi = problem.regions
        self.rpos = {int(j): r for r, j in enumerate(cand.roots.tolist())}
        self.roots: list[RootData] = []
        for r, j in enumerate(cand.roots.tolist()):
            data = self._root_data(r, j)
            if data is not None:
                self.roots.append(data)
        self.root_of = {data.root: data for data in self.roots}

    def _min_kept(self) -> int | None:
        problem = self.problem
        if not self.n_ref or problem.max_moves is None or problem.reference is None:
            return None
        kept = int((problem.reference >= 0).sum()) - problem.max_moves
        return kept if kept > 0 else None

    def _root_data(self, r: int, j: int) -> RootData | None:
        """The pricing data of root ``j`` (row ``r`` of the candidates)."""
        problem, objective = self.problem, self.objective
        inside = set(self.cand.members[r].tolist())
        # A close-school group is all in or all out: drop members of partial groups.
        keep = [
            i
            for i in sorted(inside)
            if self.group_of[i] < 0 or set(self.groups[self.group_of[i]]) <= inside
        ]
        if j not in keep:
            return None
        members = np.array(keep, dtype=np.int64)
        local = {i: k for k, i in enumerate(keep)}
        e_in = [
            (local[u], local[v], c)
            for (u, v), c in zip(
                objective.edges.tolist(), objective.edge_cost.tolist(), strict=True
            )
            if u in local and v in local
        ]
        item_cost, memberships = self._items(members)
        tie: list[tuple[int, int]] = []
        for g in sorted({int(self.group_of[i]) for i in keep if self.group_of[i] >= 0}):
            tie += list(itertools.pairwise(local[i] for i in self.groups[g]))
        refs, ref_local, cap_dual = self._reference_layout(members)
        apart = [(local[a], local[b]) for a, b in self.apart if a in local and b in local]
        cut_index, cut_members = [], []
        for c, cut in enumerate(self.cuts):
            among = [local[i] for i in cut if i in local]
            if len(among) >= 2:
                cut_index.append(self.cut_offset + c)
                cut_members.append(among)
        return RootData(
            root=j,
            members=members,
            km=objective.km_costs[j][members],
            edges=np.array([(a, b) for a, b, _ in e_in], dtype=np.int64).reshape(-1, 2),
            edge_cost=np.array([c for *_, c in e_in], dtype=np.int64),
            item_cost=item_cost,
            memberships=memberships,
            tie=tie,
            apart=apart,
            size=problem.technical[members].astype(np.int64),
            size_anchor=objective.size.mean,
            refs=refs,
            ref_local=ref_local,
            dual_index=np.r_[members, problem.n + refs, cap_dual].astype(np.int64),
            cut_index=np.array(cut_index, dtype=np.int64),
            cut_members=cut_members,
        )

    def _items(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Prices of the counted items among ``members`` and the (member, item) pairs."""
        objective = self.objective
        costs: list[int] = []
        pairs: list[tuple[int, int]] = []
        families = zip(self.problem.items, objective.item_cost, objective.counted, strict=True)
        for family, cost, counted in families:
            if cost <= 0:
                continue
            local_item: dict[int, int] = {}
            for k, g in enumerate(family.index[members].tolist()):
                if g >= 0 and counted[g]:
                    if g not in local_item:
                        local_item[g] = len(costs)
                        costs.append(cost)
                    pairs.append((k, local_item[g]))
        return np.array(costs, dtype=np.int64), np.array(pairs, dtype=np.int64).reshape(-1, 2)

    def _reference_layout(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The reference regions among ``members``, each member's one, the kept-row duals."""
        reference = self.problem.reference
        if not self.n_ref or reference is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, np.full(len(members), -1, dtype=np.int64), empty
        ref_of = reference[members]
        refs = np.unique(ref_of[ref_of >= 0])
        ref_local = np.array(
            [int(np.searchsorted(refs, r)) if r >= 0 else -1 for r in ref_of.tolist()],
            dtype=np.int64,
        )
        cap_dual = np.zeros(0, dtype=np.int64)
        if self.tau is not None:
            # The kept row's dual, once per member that could be kept.
            cap_dual = np.full(int((ref_local >= 0).sum()), self.tau, dtype=np.int64)
        return refs, ref_local, cap_dual

    # -- values ---------------------------------------------------------------------------

    def cost(self, members: Sequence[int] | np.ndarray, root: int, ref: int = -1) -> int:
        """Scaled cost of a column (matched to reference region ``ref``, -1 for none)."""
        return self.objective.region_cost(members, root, ref)

    def gain(self, members: np.ndarray, ref: int, pi: np.ndarray) -> float:
        """What matching ``members`` to reference region ``ref`` adds to pi(R) - c(R): the moves
        saved, the match dual and the kept row's dual per kept school."""
        if ref < 0:
            return 0.0
        kept = self.objective.kept(members, ref)
        tau = float(pi[self.tau]) if self.tau is not None else 0.0
        return self.move_cost * kept + float(pi[self.problem.n + ref]) + tau * kept

    def best_match(self, members: np.ndarray, pi: np.ndarray) -> int:
        """The reference region (or -1) that ``members`` gain most from at duals ``pi``."""
        if not self.n_ref or self.problem.reference is None:
            return -1
        refs = np.unique(self.problem.reference[members])
        best, most = -1, 0.0
        for ref in refs[refs >= 0].tolist():
            gain = self.gain(members, ref, pi)
            if gain > most + 1e-9:
                best, most = ref, gain
        return best

    def value(self, members: Sequence[int] | np.ndarray, root: int, pi: np.ndarray) -> float:
        """pi(R) - c(R) with the best match: minus the reduced cost without the count dual."""
        ids = np.fromiter((int(i) for i in members), dtype=np.int64)
        ref = self.best_match(ids, pi)
        value = float(pi[ids].sum()) - self.cost(ids, root) + self.gain(ids, ref, pi)
        return value + float(pi[self.cut_offset + self.cuts_hit(ids)].sum())

    def cuts_hit(self, members: Sequence[int] | np.ndarray) -> np.ndarray:
        """The subset-row cuts a region hits (indices into ``cuts``): it holds two of them."""
        inside = np.zeros(self.problem.n, dtype=bool)
        inside[np.asarray(members, dtype=np.int64)] = True
        hit: np.ndarray = np.flatnonzero(inside[self._cut_schools].sum(axis=1) >= 2)
        return hit

    def lagrangian(self, pi: np.ndarray, values: np.ndarray) -> float:
        """LB(pi) (scaled) given per-root upper bounds on max_R pi(R) - c(R).

        A root is in its own region and covered once, so a plan uses each root at most once:
        the bound takes the best ``k`` distinct roots (lo <= k <= hi), not k times the best.
        """
        order = np.sort(-np.asarray(values, dtype=float))  # reduced costs, most negative first
        if len(order) < self.lo:
            return math.inf
        best = math.inf
        for k in range(self.lo, min(self.hi, len(order)) + 1):
            best = min(best, float(order[:k].sum()))
        return float(pi @ self.rhs) + best

    def closure(self, root: RootData, pi: np.ndarray) -> tuple[float, np.ndarray]:
        """The closure bound of a root's pricing value and its member set (see ``closure``)."""
        from regionopt.solve.cg.closure import closure, size_closure

        if self.objective.size.active:
            return size_closure(root, pi, self.move_cost, self.objective.size.line_at)
        return closure(root, pi, self.move_cost)

    def to_units(self, scaled: float) -> float:
        """A scaled value without the constant, in objective units with it."""
        return (scaled + self.constant) / self.scale

    # -- columns --------------------------------------------------------------------------

    def keeps_decisions(self, ids: Sequence[int] | np.ndarray) -> bool:
        """True when a member set keeps every branching decision in force."""
        inside = {int(i) for i in ids}
        return all(
            ((d.a in inside) == (d.b in inside)) if d.together else not {d.a, d.b} <= inside
            for d in self.decisions
        )

    def is_column(self, root: RootData, ids: np.ndarray) -> bool:
        """True when a member set is a column of the model (every rule, the restriction)."""
        problem = self.problem
        inside = set(ids.tolist())
        if root.root not in inside or not problem.rules.meets(totals(problem.facts, ids)):
            return False
        for g in {int(self.group_of[i]) for i in inside if self.group_of[i] >= 0}:
            if not set(self.groups[g]) <= inside:
                return False
        if any(a in inside and b in inside for a, b in self.apart):
            return False
        if not problem.rules.connected:
            return True
        if not self.restriction.hess:
            return is_connected(problem.adjacency, ids.tolist())
        row = self.cand.graph_km[self.rpos[root.root]]
        adj = problem.adjacency
        return all(
            i == root.root or any(q in inside and row[q] < row[i] for q in adj[i]) for i in inside
        )

    def admits(self, column: Column) -> bool:
        """True when a region met elsewhere (e.g. in a smaller problem) is a column of this
        model: its root is a candidate root, its members are that root's candidates, and it
        meets every rule and the restriction."""
        root = self.root_of.get(column.root)
        if root is None:
            return False
        ids = np.asarray(column.members, dtype=np.int64)
        return bool(np.isin(ids, root.members).all()) and self.is_column(root, ids)

    def repair(self, root: RootData, ids: np.ndarray) -> np.ndarray | None:
        """The part of a member set that is a region of the root (its connected part, or what it
        reaches in Hess order), if that meets the rules; None otherwise."""
        if self.restriction.hess:
            return self.hess_repair(root, ids)
        kept = set(ids.tolist())
        adj = self.problem.adjacency
        while True:
            if root.root not in kept:
                return None
            part = next(p for p in components(adj, sorted(kept)) if root.root in p)
            kept = {
                i
                for i in part
                if self.group_of[i] < 0 or set(self.groups[self.group_of[i]]) <= set(part)
            }
            if kept == set(part):
                break
        out = np.array(sorted(kept), dtype=np.int64)
        return out if len(out) and self.is_column(root, out) else None

    def hess_repair(self, root: RootData, ids: np.ndarray) -> np.ndarray | None:
        """The part of a member set the root reaches in Hess order, if that is a column."""
        row = self.cand.graph_km[self.rpos[root.root]]
        adj = self.problem.adjacency

        def reached(pool: set[int]) -> set[int]:
            kept: set[int] = set()
            for i in sorted(pool, key=lambda q: row[q]):
                if i == root.root or any(q in kept and row[q] < row[i] for q in adj[i]):
                    kept.add(i)
            return kept

        kept = reached(set(ids.tolist()))
        # Close-school groups: drop partial groups (and what hangs on them) until stable.
        while True:
            bad = {
                i
                for i in kept
                if self.group_of[i] >= 0 and not set(self.groups[self.group_of[i]]) <= kept
            }
            if not bad:
                break
            kept = reached(kept - bad)
        out = np.array(sorted(kept), dtype=np.int64)
        return out if len(out) and self.is_column(root, out) else None

    def neighbour_columns(self, root: RootData, ids: np.ndarray) -> list[np.ndarray]:
        """The columns one school away from a column: a member dropped or a neighbour added.

        Fractional LP solutions mix such near-copies of a region; with them in the pool the
        IP over the columns can settle where a boundary runs.
        """
        adj = self.problem.adjacency
        inside = set(ids.tolist())
        allowed = set(root.members.tolist())
        out = []
        for i in ids.tolist():
            if i != root.root and any(q not in inside for q in adj[i]):
                smaller = ids[ids != i]
                if self.is_column(root, smaller):
                    out.append(smaller)
        for q in sorted({q for i in inside for q in adj[i]} - inside):
            if q in allowed:
                larger = np.sort(np.r_[ids, q])
                if self.is_column(root, larger):
                    out.append(larger)
        return out


def _groups(
    groups: Sequence[Sequence[int]], decisions: Sequence[Decision], n: int
) -> list[list[int]]:
    """The groups of schools that must share a region (two or more), merged by the together
    decisions."""
    together = [(d.a, d.b) for d in decisions if d.together]
    if not together:
        return [list(g) for g in groups if len(g) > 1]
    links = [(g[0], i) for g in groups for i in g[1:]] + together
    return [g for g in together_groups(n, np.array(links, dtype=np.int64)) if len(g) > 1]


__all__ = [
    "FINE",
    "Column",
    "Decision",
    "PricingProblem",
    "RootData",
    "SubsetRow",
    "plan_columns",
    "rounded_up",
]
