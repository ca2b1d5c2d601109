"""A lower bound on the optimizer's objective by column generation (set partitioning).

Pure numeric (numpy, scipy, ortools; never geopandas). The CP-SAT objective of
``regionopt.solve.build_model`` is additive per region: with the model's integer-scaled
coefficients,

    objective * scale = W - c_split * G + c_move * K + sum over regions R of c(R),
    c(R) = - internal(R) + sum_{i in R} km(i, root_R) + c_split * |multi-school gemeenten in R|
           - c_move * |members of R in the reference region R is matched to|,

where ``W`` is the weight of every edge, ``G`` the number of gemeenten with at least two
schools and ``K`` the number of schools in the reference plan (if any; each reference region
is matched to at most one region). A plan is a choice of ``p`` columns (root, members,
match) covering every school once. For any duals ``pi`` on the cover rows (and ``sigma <= 0``
on the "matched at most once" rows, ``tau >= 0`` on the kept row of ``max_moves``),
Lagrangian duality gives the valid bound

    LB = sum(pi) + sum(sigma) + tau * min_kept + p * min over columns R of reduced cost,

and the minimum is taken over *every* feasible column, which needs the maximum of the pricing
problem ``max_R pi(R) + sigma(R) + tau * kept(R) - c(R)`` per root, or an upper bound on it.
Two such upper bounds:

* ``closure``: drop contiguity, the vmbo, size and mbo rules (keep the root, the candidate
  members, close-school groups and gemeente charges). What is left maximises a supermodular
  function (non-negative edge rewards), a maximum-weight closure problem solved exactly by one
  minimum cut (OR-Tools max flow) per possible match;
* ``cpsat``: the exact pricing problem (all the model's rules, Hess contiguity) with CP-SAT,
  whose proven ``best_objective_bound`` stays valid when it stops on its time limit. It only
  searches above a floor that cannot change the bound (the ``hi``-th best value among the
  master's columns).

The restricted master LP (GLOP, warm-started from its last basis) gives the duals; Wentges
smoothing towards the duals of the best bound so far, inside a box around them, stabilises
them. Every solution CP-SAT meets becomes a column, a root's last proven pricing bound
shifted by its duals' rise sometimes spares a call, and pricing is streamed to forked
worker processes. Before each IP, the columns one school away from the LP's support join the
master. Every few seconds the set-partitioning IP over the columns gives a plan (price and
branch), so column generation can stop once a plan is proven within a target gap. The bound
is for the model CP-SAT solves (the same candidate pairs and Hess contiguity).
"""

from __future__ import annotations

import collections
import itertools
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import max_flow
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix

from regionopt.plan import match_labels
from regionopt.solve import (
    Candidates,
    SolverConfig,
    SolverInput,
    _adjacency,
    _together_groups,
    candidates,
)

# Max-flow capacities stay far below int64's limit (sums of them must not overflow).
_CAPACITY_SAFE = 2**52
# Pricing works in 1/_FINE of the model's integer unit: duals are rounded up to integers
# there (keeping bounds valid), and in the model's own unit that rounding cost the national
# bound about 3 objective units, a fifth of the 0.1% it has to prove.
_FINE = 32
# An objective domain's open end for CP-SAT (far beyond any pricing value, within int64).
_INT64_SAFE = 2**50


@dataclass(frozen=True)
class Column:
    """One region of the model: its root school and members (school ids), and its cost."""

    root: int
    members: tuple[int, ...]
    cost: int
    """Scaled cost c(R) (see the module docstring) in the instance that produced the column
    (a window's, or 0 for a plan's region); ``best_partition`` recomputes it."""


@dataclass(frozen=True)
class BoundStep:
    """One round of column generation."""

    elapsed_s: float
    bound: float
    """Best valid lower bound so far (objective units)."""
    raw: float
    """This round's Lagrangian bound (objective units, may be negative)."""
    master: float
    """Restricted master LP value (objective units; not a bound until pricing is exact)."""
    columns: int
    added: int
    pricing_s: float
    exact_roots: int
    """Roots priced with CP-SAT this round."""
    incumbent: float | None = None
    """Best plan so far from the IP over the columns (objective units), if any."""


@dataclass(frozen=True)
class BoundResult:
    """What ``column_generation_bound`` returns."""

    bound: float
    """A valid lower bound on the model's objective (objective units), at least 0."""
    method: str
    master: float
    rounds: int
    columns: int
    wall_time_s: float
    converged: bool
    """True when the bound reached the master LP (within ``tolerance``)."""
    history: tuple[BoundStep, ...] = field(default_factory=tuple)
    pool: tuple[Column, ...] = ()
    """Every column of the master: valid regions of the model, for ``best_partition``."""
    incumbent: tuple[np.ndarray, tuple[int, ...]] | None = None
    """The best plan (labels, roots) of the IPs over the columns, when ``incumbent_every_s``
    asked for them and one beat the seed plans."""
    incumbent_objective: float | None = None
    """Its objective in the model's units (or the best seed plan's)."""


@dataclass
class _Root:
    """The pricing data of one candidate root (local indices into ``members``)."""

    root: int
    members: np.ndarray
    km: np.ndarray
    """Scaled compactness cost of each member (to this root)."""
    edges: np.ndarray
    """Internal candidate edges (local u, local v), shape (e, 2)."""
    edge_cost: np.ndarray
    gemeente: np.ndarray
    """Local gemeente item per member (-1 for a single-school gemeente)."""
    n_gemeente: int
    tie: list[tuple[int, int]]
    """Local pairs that must be in together (close schools, locks)."""
    refs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Reference regions a region of this root may be matched to (those of its members)."""
    ref_local: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per member, its reference region as an index into ``refs`` (-1: none or no reference)."""
    dual_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Where the duals this root's pricing reads sit in the dual vector: the members' cover
    duals, then the ``refs``' match duals (at ``n + reference region``), then (with
    ``max_moves``) the kept row's dual once per member that could be kept."""
    last_duals: np.ndarray | None = None
    """The rounded-up duals (``dual_index``) of the last exact pricing, and its proven bound."""
    last_bound: float = math.inf
    net: _ClosureNet | None = None
    """The closure network, built on first use."""

    def rounded_duals(self, pi: np.ndarray) -> np.ndarray:
        """The duals this root reads (``dual_index``) in pricing units (``_FINE``), rounded
        up: bounds stay bounds.

        LP duals carry float noise (around 1e-9), so a dual a hair above a whole number of
        units counts as that number rather than one more.
        """
        return np.ceil(pi[self.dual_index] * _FINE - 1e-6).astype(np.int64)

    def shifted_bound(self, pi: np.ndarray) -> float:
        """An upper bound on the pricing value at ``pi`` from the last proven one, without solving.

        The pricing value is a maximum over member sets (and matches) of functions that grow
        by at most the rise of each dual they read, so the last proven bound plus every rise
        bounds it (``inf`` before the first exact pricing).
        """
        if self.last_duals is None:
            return math.inf
        rise = self.rounded_duals(pi) - self.last_duals
        return self.last_bound + float(np.clip(rise, 0, None).sum()) / _FINE


class _Costs:
    """The model's integer-scaled cost c(R) of any region (see the module docstring)."""

    def __init__(self, inp: SolverInput, config: SolverConfig) -> None:
        w, scale = config.weights, config.objective_scale
        self.inp, self.scale, self.compactness = inp, scale, w.compactness_km
        edge_cost = np.array(
            [round(scale * w.cut_pupils * wt) for wt in inp.edge_weight.tolist()], dtype=np.int64
        ).reshape(-1)
        positive = edge_cost > 0
        self.edges = inp.edges[positive]
        self.edge_cost = edge_cost[positive]
        self.c_split = round(scale * w.gemeente_split)
        counts = np.bincount(inp.gemeente, minlength=int(inp.gemeente.max(initial=-1)) + 1)
        self.multi = counts >= 2 if self.c_split > 0 else np.zeros_like(counts, dtype=bool)
        self.constant = int(self.edge_cost.sum()) - self.c_split * int(self.multi.sum())
        # Reference moves: every reference school moved, less c_move per school kept in the
        # reference region its region is matched to (as in the CP-SAT model).
        self.reference = inp.reference if len(inp.reference_ids) else None
        self.c_move = round(scale * w.reference_move) if self.reference is not None else 0
        if self.reference is not None:
            self.constant += self.c_move * int((self.reference >= 0).sum())
        self._km: dict[int, np.ndarray] = {}

    def km(self, root: int) -> np.ndarray:
        """Scaled compactness cost of every school joining ``root``."""
        if root not in self._km:
            d = np.sqrt(((self.inp.xy - self.inp.xy[root]) ** 2).sum(axis=1)) / 1000.0
            self._km[root] = np.array(
                [round(self.scale * self.compactness * float(v)) for v in d.tolist()],
                dtype=np.int64,
            )
        return self._km[root]

    def cost(self, members: Sequence[int], root: int, ref: int = -1) -> int:
        """Scaled cost c(R) of the region ``members`` rooted at ``root`` (and matched to
        reference region ``ref``, -1 for none)."""
        ids = np.fromiter(members, dtype=np.int64)
        inside = np.zeros(self.inp.n, dtype=bool)
        inside[ids] = True
        internal = int(self.edge_cost[inside[self.edges[:, 0]] & inside[self.edges[:, 1]]].sum())
        gms = np.unique(self.inp.gemeente[ids])
        km = int(self.km(root)[ids].sum())
        return -internal + km + self.c_split * int(self.multi[gms].sum()) - self.saved(ids, ref)

    def kept(self, members: np.ndarray, ref: int) -> int:
        """Members that stay in reference region ``ref`` when their region is matched to it."""
        if ref < 0 or self.reference is None:
            return 0
        return int((self.reference[members] == ref).sum())

    def saved(self, members: np.ndarray, ref: int) -> int:
        """What matching ``members`` to reference region ``ref`` saves: c_move per kept school."""
        return self.c_move * self.kept(members, ref)

    def match_options(self, members: np.ndarray) -> list[int]:
        """The matches a region may have: none (-1), or a reference region of a member."""
        if self.reference is None:
            return [-1]
        return [-1, *sorted({int(r) for r in self.reference[members].tolist() if r >= 0})]


class _Problem:
    """Scaled cost data of the set-partitioning view of the model."""

    def __init__(self, inp: SolverInput, config: SolverConfig, cand: Candidates) -> None:
        ref_ids = set(inp.reference_ids)
        if any(label in ref_ids for label, _ in inp.locks):
            raise ValueError("column generation does not model locks that name a reference region")
        self.inp, self.config, self.cand = inp, config, cand
        costs = _Costs(inp, config)
        self.costs = costs
        self.scale = costs.scale
        self.edges, self.edge_cost = costs.edges, costs.edge_cost
        self.c_split, self.multi, self.constant = costs.c_split, costs.multi, costs.constant
        self.c_move = costs.c_move
        self.n_ref = len(inp.reference_ids) if costs.reference is not None else 0
        """Match rows of the master: each reference region matched to at most one region."""
        in_ref = int((costs.reference >= 0).sum()) if costs.reference is not None else 0
        capped = self.n_ref and config.max_moves is not None
        self.min_kept = in_ref - config.max_moves if capped else None
        """With ``max_moves``: the master's row "at least this many schools kept"."""
        if self.min_kept is not None and self.min_kept <= 0:
            self.min_kept = None
        n_dual = inp.n + self.n_ref + (self.min_kept is not None)
        self.tau = n_dual - 1 if self.min_kept is not None else None
        """Where the kept row's dual sits in the dual vector (after cover and match duals)."""
        self.rhs = np.ones(n_dual)
        if self.tau is not None:
            self.rhs[self.tau] = self.min_kept
        self.km = {int(j): costs.km(int(j)) for j in cand.roots.tolist()}
        groups = [g for g in _together_groups(inp) if len(g) > 1]
        self.group_of = np.full(inp.n, -1, dtype=np.int64)
        for k, g in enumerate(groups):
            self.group_of[g] = k
        self.groups = groups
        self.lo, self.hi = config.region_range
        self.roots: list[_Root] = []
        for r, j in enumerate(cand.roots.tolist()):
            members = np.array(sorted(int(i) for i in cand.members[r]), dtype=np.int64)
            inside = set(members.tolist())
            # A close-school group is all in or all out: drop members of partial groups.
            keep = [
                i
                for i in members.tolist()
                if self.group_of[i] < 0 or set(groups[self.group_of[i]]) <= inside
            ]
            if j not in keep:
                continue
            members = np.array(keep, dtype=np.int64)
            local = {i: k for k, i in enumerate(members.tolist())}
            e_in = [
                (local[u], local[v], c)
                for (u, v), c in zip(self.edges.tolist(), self.edge_cost.tolist(), strict=True)
                if u in local and v in local
            ]
            gm = inp.gemeente[members]
            items: dict[int, int] = {}
            gem = np.full(len(members), -1, dtype=np.int64)
            for k, g in enumerate(gm.tolist()):
                if self.multi[g]:
                    gem[k] = items.setdefault(g, len(items))
            tie = []
            for g in {int(self.group_of[i]) for i in members.tolist() if self.group_of[i] >= 0}:
                ids = [local[i] for i in groups[g]]
                tie += list(itertools.pairwise(ids))
            cap_dual = np.zeros(0, dtype=np.int64)
            if self.n_ref:
                ref_of = np.asarray(inp.reference)[members]
                refs = np.unique(ref_of[ref_of >= 0])
                ref_local = np.array(
                    [int(np.searchsorted(refs, r)) if r >= 0 else -1 for r in ref_of.tolist()],
                    dtype=np.int64,
                )
                if self.tau is not None:
                    # The kept row's dual, once per member that could be kept.
                    cap_dual = np.full(int((ref_local >= 0).sum()), self.tau, dtype=np.int64)
            else:
                refs = np.zeros(0, dtype=np.int64)
                ref_local = np.full(len(members), -1, dtype=np.int64)
            self.roots.append(
                _Root(
                    root=j,
                    members=members,
                    km=self.km[j][members],
                    edges=np.array([(a, b) for a, b, _ in e_in], dtype=np.int64).reshape(-1, 2),
                    edge_cost=np.array([c for *_, c in e_in], dtype=np.int64),
                    gemeente=gem,
                    n_gemeente=len(items),
                    tie=tie,
                    refs=refs,
                    ref_local=ref_local,
                    dual_index=np.r_[members, inp.n + refs, cap_dual].astype(np.int64),
                )
            )

    def cost(self, members: Sequence[int], root: int, ref: int = -1) -> int:
        """Scaled cost c(R) of a column (matched to reference region ``ref``, -1 for none)."""
        return self.costs.cost(members, root, ref)

    def gain(self, members: np.ndarray, ref: int, pi: np.ndarray) -> float:
        """What matching ``members`` to reference region ``ref`` adds to pi(R) - c(R): the
        moves saved, the match dual and the kept row's dual per kept school."""
        if ref < 0:
            return 0.0
        kept = self.costs.kept(members, ref)
        tau = float(pi[self.tau]) if self.tau is not None else 0.0
        return self.c_move * kept + float(pi[self.inp.n + ref]) + tau * kept

    def best_match(self, members: np.ndarray, pi: np.ndarray) -> int:
        """The reference region (or -1) that ``members`` gain most from at duals ``pi``."""
        if not self.n_ref:
            return -1
        refs = np.unique(np.asarray(self.inp.reference)[members])
        best, most = -1, 0.0
        for ref in refs[refs >= 0].tolist():
            gain = self.gain(members, ref, pi)
            if gain > most + 1e-9:
                best, most = ref, gain
        return best

    def value(self, members: Sequence[int], root: int, pi: np.ndarray) -> float:
        """pi(R) - c(R) with the best match: minus the reduced cost without the count dual.

        ``pi`` holds the cover duals, then (with a reference plan) the match duals and (with
        ``max_moves``) the kept row's dual.
        """
        ids = np.fromiter(members, dtype=np.int64)
        ref = self.best_match(ids, pi)
        return float(pi[ids].sum()) - self.cost(ids, root) + self.gain(ids, ref, pi)

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


# --------------------------------------------------------------------------------------------
# Pricing


class _ClosureNet:
    """One root's maximum-weight closure network (OR-Tools max flow): arcs fixed, capacities
    follow the duals.

    Built once per root, so each pricing call only sets capacities. OR-Tools' max flow with
    its source-side min cut took 0.09 ms a closure on national duals, against 0.41 ms for
    scipy's ``maximum_flow`` plus a residual search (the same values and sets).
    """

    def __init__(self, root: _Root) -> None:
        nm, ne, ng = len(root.members), len(root.edges), root.n_gemeente
        node = 2 + np.arange(nm)
        item = 2 + nm + np.arange(ne)
        gitem = 2 + nm + ne + np.arange(ng)
        has = root.gemeente >= 0
        tie = np.array(
            sorted(
                {(a, b) for a, b in root.tie if a != b} | {(b, a) for a, b in root.tie if a != b}
            ),
            dtype=np.int64,
        ).reshape(-1, 2)
        src = np.r_[
            np.zeros(nm), node, np.zeros(ne), item, item, gitem, node[has], node[tie[:, 0]]
        ].astype(np.int64)
        dst = np.r_[
            node,
            np.ones(nm),
            item,
            node[root.edges[:, 0]] if ne else [],
            node[root.edges[:, 1]] if ne else [],
            np.ones(ng),
            gitem[root.gemeente[has]],
            node[tie[:, 1]],
        ].astype(np.int64)
        self.size = 2 + nm + ne + ng
        self.node = node
        self.n_inf_items = 2 * ne
        self.n_inf_rest = int(has.sum()) + len(tie)
        self.flow = max_flow.SimpleMaxFlow()
        self.arcs = self.flow.add_arcs_with_capacity(src, dst, np.zeros(len(src), dtype=np.int64))

    def min_cut(self, cap: np.ndarray) -> tuple[int, np.ndarray] | None:
        """(flow value, source side as a node mask) with capacities ``cap`` (in arc order, see
        ``_closure``), or None when OR-Tools cannot solve it (capacities near overflow)."""
        self.flow.set_arcs_capacity(self.arcs, cap)
        if self.flow.solve(0, 1) != self.flow.OPTIMAL:
            return None
        side = np.zeros(self.size, dtype=bool)
        side[self.flow.get_source_side_min_cut()] = True
        return int(self.flow.optimal_flow()), side


def _closure(
    root: _Root, pi: np.ndarray, c_split: int, c_move: int = 0
) -> tuple[float, np.ndarray]:
    """Upper bound on root's pricing value and the maximising member set (global ids).

    Maximum-weight closure: nodes with profit ceil(pi_i) - km_i, edge items with profit
    c_e requiring both ends, gemeente items with profit -c_split required by their schools.
    Rounding the duals up keeps the value an upper bound. With a reference plan, one
    closure per match (none, or each reference region among the members, whose schools then
    earn ``c_move`` each and whose match dual is added): the best of them.
    """
    duals = root.rounded_duals(pi)
    nm, nr = len(root.members), len(root.refs)
    base = duals[:nm] - _FINE * root.km
    # A kept member earns back its move, plus the kept row's dual (when there is one).
    bonus = np.full(nm, _FINE * c_move, dtype=np.int64)
    if len(duals) > nm + nr:
        bonus[root.ref_local >= 0] += duals[nm + nr :]
    best = (-math.inf, root.members[:0])
    for option in range(-1, nr):
        profit = base.copy()
        if option >= 0:
            keep = root.ref_local == option
            profit[keep] += bonus[keep]
        value, chosen = _closure_of(root, profit, c_split)
        value += (duals[nm + option] / _FINE) if option >= 0 else 0.0
        if value > best[0]:
            best = (value, chosen)
    return best


def _closure_of(root: _Root, profit_nodes: np.ndarray, c_split: int) -> tuple[float, np.ndarray]:
    """The maximum-weight closure with these member profits (pricing units), the root forced
    in: (value in the model's units, member set)."""
    edge_cost = _FINE * root.edge_cost
    positive = int(np.clip(profit_nodes, 0, None).sum() + edge_cost.sum())
    if root.net is None:
        root.net = _ClosureNet(root)
    net = root.net
    big = positive + 1
    root_local = int(np.flatnonzero(root.members == root.root)[0])
    profit_nodes[root_local] += big
    inf = 2 * big + 1
    cap = np.r_[
        np.clip(profit_nodes, 0, None),
        np.clip(-profit_nodes, 0, None),
        edge_cost,
        np.full(net.n_inf_items, inf),
        np.full(root.n_gemeente, _FINE * c_split),
        np.full(net.n_inf_rest, inf),
    ].astype(np.int64)
    cut = net.min_cut(cap) if inf < _CAPACITY_SAFE else None
    if cut is None:
        # Extreme duals: fall back on the trivially valid sum of positive profits.
        profit_nodes[root_local] -= big
        return positive / _FINE, root.members[profit_nodes > 0]
    flow_value, side = cut
    chosen = root.members[side[net.node]]
    total_positive = int(np.clip(profit_nodes, 0, None).sum()) + int(edge_cost.sum())
    value = total_positive - flow_value - big
    return value / _FINE, chosen


class _ExactPricer:
    """CP-SAT model of one root's exact pricing problem, built once, objective per call."""

    def __init__(self, prob: _Problem, root: _Root, adj: list[list[int]], r: int) -> None:
        inp, rules = prob.inp, prob.inp.rules
        self.root = root
        m = cp_model.CpModel()
        self.model = m
        mem = root.members.tolist()
        self.x = [m.new_bool_var(f"x{i}") for i in mem]
        local = {i: k for k, i in enumerate(mem)}
        m.add(self.x[local[root.root]] == 1)
        row = prob.cand.graph_km[r]
        if rules.contiguous and prob.config.contiguity == "hess":
            for k, i in enumerate(mem):
                if i == root.root:
                    continue
                closer = [self.x[local[q]] for q in adj[i] if q in local and row[q] < row[i]]
                if closer:
                    m.add_bool_or(closer).only_enforce_if(self.x[k])
                else:
                    m.add(self.x[k] == 0)
        vm = [self.x[k] for k, i in enumerate(mem) if inp.is_vmbo[i]]
        m.add(sum(vm) >= rules.min_vmbo)
        tech = sum(int(inp.technical[i]) * self.x[k] for k, i in enumerate(mem))
        m.add(tech >= rules.min_technical_pupils)
        if rules.max_technical_pupils is not None:
            m.add(tech <= rules.max_technical_pupils)
        if not inp.has_mbo[root.root]:
            m.add(sum(self.x[k] for k, i in enumerate(mem) if inp.has_mbo[i]) >= 1)
        for a, b in root.tie:
            m.add(self.x[a] == self.x[b])
        self.s = []
        for (a, b), c in zip(root.edges.tolist(), root.edge_cost.tolist(), strict=True):
            s = m.new_bool_var("")
            m.add_implication(s, self.x[a])
            m.add_implication(s, self.x[b])
            self.s.append((c, s))
        self.z = [m.new_bool_var("") for _ in range(root.n_gemeente)]
        for k, g in enumerate(root.gemeente.tolist()):
            if g >= 0:
                m.add_implication(self.x[k], self.z[g])
        # With a reference plan: match the region to at most one reference region; a member
        # of that region is kept (earns back its move) only if it is in.
        match = [m.new_bool_var("") for _ in root.refs.tolist()]
        if match:
            m.add_at_most_one(match)
        kept = []
        for k, option in enumerate(root.ref_local.tolist()):
            if option >= 0:
                keep = m.new_bool_var("")
                m.add_implication(keep, self.x[k])
                m.add_implication(keep, match[option])
                kept.append(keep)
        self.objective_vars = [v.index for v in self.x] + [v.index for _, v in self.s]
        self.objective_vars += [v.index for v in self.z] + [v.index for v in match]
        self.objective_vars += [v.index for v in kept]
        self.fixed_profit = _FINE * np.array(
            [c for c, _ in self.s] + [-prob.c_split] * len(self.z), dtype=np.int64
        )
        self.kept_profit = np.full(len(kept), _FINE * prob.c_move, dtype=np.int64)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        # The full LP relaxation: measured on Zuid-Holland it raises the bound after 60 s of
        # column generation from 4,213 to 6,913 (pricing calls prove optimality in time).
        solver.parameters.linearization_level = 2
        # Small models solved thousands of times: on 300 national pricing calls, no cuts,
        # probing, inprocessing, symmetry or repeated presolve cut the time by 40% (2.96 s
        # to 1.75 s) with the same proven bounds; branching on the LP (and presolve without
        # repeats) by 52% more on 400 calls at late duals (2.91 s to 1.41 s).
        solver.parameters.cut_level = 0
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.use_sat_inprocessing = False
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 0
        solver.parameters.search_branching = cp_model.LP_SEARCH
        # Thousands of calls: leave Ctrl-C to Python (CP-SAT's handler would outlive them).
        solver.parameters.catch_sigint_signal = False
        self.solver = solver

    def price(
        self, pi: np.ndarray, time_limit_s: float, floor: float = -math.inf
    ) -> tuple[float, list[np.ndarray], str]:
        """(proven upper bound on the pricing value, member sets found best last, status).

        Every improving solution CP-SAT meets is returned: more columns per call means fewer
        rounds of column generation. With a ``floor``, only values above it are searched for
        and a value at most the floor is reported as the floor: proving that no region beats
        it took 3.1 ms a call on late national duals, against 4.3 ms for the exact optimum.
        """
        root = self.root
        # Integer profits rounded up: the proven bound stays an upper bound for the real pi.
        duals = root.rounded_duals(pi)
        nm, nr = len(root.members), len(root.refs)
        prof = duals[:nm] - _FINE * root.km
        # Kept members earn back their move, plus the kept row's dual (when there is one).
        kept = self.kept_profit + duals[nm + nr :] if len(duals) > nm + nr else self.kept_profit
        # Only the objective's coefficients change between calls: write them straight into
        # the model (CP-SAT minimises, so a maximisation is stored negated, scaling -1).
        # Rebuilding the expression took 15% of a call. No hint from the last solution: on
        # 400 calls at late duals it cost 40-60% more time.
        self.model.clear_objective()
        objective = self.model.model_proto.objective
        objective.vars.extend(self.objective_vars)
        objective.coeffs.extend(
            (-np.r_[prof, self.fixed_profit, duals[nm : nm + nr], kept]).tolist()
        )
        objective.scaling_factor = -1.0
        # In pricing units: values at most ``cut`` are not searched for (-value <= -cut - 1).
        cut = math.floor(floor * _FINE) if floor > -math.inf else None
        if cut is not None:
            objective.domain.extend([-_INT64_SAFE, -cut - 1])
        solver = self.solver
        solver.parameters.max_time_in_seconds = time_limit_s
        found = _Solutions(self.x)
        status = solver.solve(self.model, found)
        if status == cp_model.INFEASIBLE:
            return (-math.inf if cut is None else cut / _FINE), [], "INFEASIBLE"
        bound = float(solver.best_objective_bound) / _FINE
        if cut is not None:
            bound = max(bound, cut / _FINE)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or not found.sets:
            return bound, [], solver.status_name(status)
        return bound, [root.members[chosen] for chosen in found.sets], solver.status_name(status)


class _Solutions(cp_model.CpSolverSolutionCallback):
    """Every solution CP-SAT reports, as membership masks (best last)."""

    def __init__(self, x: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.x = x
        self.sets: list[np.ndarray] = []

    def on_solution_callback(self) -> None:
        self.sets.append(np.array([self.boolean_value(v) for v in self.x], dtype=bool))


def _price_root(
    pricers: dict[int, _ExactPricer],
    prob: _Problem,
    adj: list[list[int]],
    rpos: dict[int, int],
    k: int,
    pi: np.ndarray,
    time_limit_s: float,
    floor: float = -math.inf,
) -> tuple[int, float, list[np.ndarray]]:
    """Exact pricing of root ``k``, building (and keeping) its CP-SAT model on first use."""
    pricer = pricers.get(k)
    if pricer is None:
        root = prob.roots[k]
        pricer = pricers[k] = _ExactPricer(prob, root, adj, rpos[root.root])
    bound, found, _ = pricer.price(pi, time_limit_s, floor)
    return k, bound, found


def _worker_loop(
    conn: multiprocessing.connection.Connection,
    prob: _Problem,
    adj: list[list[int]],
    rpos: dict[int, int],
) -> None:
    """A pricing process: answer ("price", k, pi, t, floor) and ("closures", ks, pi) until None.

    Ctrl-C is the main process's to handle (it ends the workers), so workers ignore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pricers: dict[int, _ExactPricer] = {}
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the main process has gone
            return
        if task is None:
            return
        try:
            if task[0] == "price":
                _, k, pi, time_limit_s, floor = task
                conn.send(_price_root(pricers, prob, adj, rpos, k, pi, time_limit_s, floor))
            else:
                _, ks, pi = task
                conn.send([_closure(prob.roots[k], pi, prob.c_split, prob.c_move) for k in ks])
        except Exception as exc:  # handed to the main process, which raises it
            conn.send(exc)


class _Pricing:
    """Pricing of roots (closure bounds, exact CP-SAT), in this process or in worker processes.

    Each process builds a root's model once and keeps it (only the objective changes).
    Workers are forked, so they share the problem data without copying it. Pricing is
    single-threaded CP-SAT, and CP-SAT threads in one process do not run side by side (two
    threads measured no faster), hence processes. Exact pricing is streamed: ``submit`` a
    root, take any finished ``result``, so a slow call never holds the other worker idle.
    Workers talk over plain pipes: ``multiprocessing.Pool``'s handler threads cost 0.6 ms
    a call (400 calls took 0.96-1.04 s on two workers through a Pool, 0.87 s over pipes
    and 1.48 s in one process).
    """

    def __init__(
        self, prob: _Problem, adj: list[list[int]], rpos: dict[int, int], workers: int
    ) -> None:
        self.prob, self.adj, self.rpos = prob, adj, rpos
        self.pricers: dict[int, _ExactPricer] = {}
        self._queued: collections.deque[tuple[int, np.ndarray, float, float]] = collections.deque()
        self._conns: list[multiprocessing.connection.Connection] = []
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._busy: list[int] = []
        self.in_flight = 0
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            for _ in range(workers):
                here, there = context.Pipe()
                proc = context.Process(
                    target=_worker_loop, args=(there, prob, adj, rpos), daemon=True
                )
                proc.start()
                there.close()
                self._conns.append(here)
                self._procs.append(proc)
                self._busy.append(0)

    @property
    def workers(self) -> int:
        """Worker processes running (0: pricing runs in this process)."""
        return len(self._conns)

    @property
    def slots(self) -> int:
        """How many calls may be in flight at once.

        Two per worker process, so a worker never waits for the next call: 400 calls took
        1.29 s with one per worker and 1.10 s with two (through a Pool).
        """
        return 2 * len(self._conns) if self._conns else 1

    def submit(self, k: int, pi: np.ndarray, time_limit_s: float, floor: float = -math.inf) -> None:
        """Start exact pricing of root ``k`` (its result comes back from ``result``).

        A value at most ``floor`` is reported as ``floor`` (see ``_ExactPricer.price``).
        """
        self.in_flight += 1
        if not self._conns:
            self._queued.append((k, pi, time_limit_s, floor))
            return
        w = int(np.argmin(self._busy))
        self._busy[w] += 1
        self._conns[w].send(("price", k, pi, time_limit_s, floor))

    def _receive(self, w: int) -> object:
        self._busy[w] -= 1
        out = self._conns[w].recv()
        if isinstance(out, BaseException):
            raise out
        return out

    def result(self) -> tuple[int, float, list[np.ndarray]]:
        """(root index, proven bound, member sets found) of a submitted call, the first done."""
        if self.in_flight == 0:
            raise RuntimeError("no pricing call in flight")
        self.in_flight -= 1
        if not self._conns:
            k, pi, t, floor = self._queued.popleft()
            return _price_root(self.pricers, self.prob, self.adj, self.rpos, k, pi, t, floor)
        waiting = [c for c, b in zip(self._conns, self._busy, strict=True) if b]
        ready = multiprocessing.connection.wait(waiting)
        return self._receive(self._conns.index(ready[0]))  # type: ignore[arg-type, return-value]

    def price(
        self, ks: Sequence[int], pi: np.ndarray, time_limit_s: float
    ) -> list[tuple[int, float, list[np.ndarray]]]:
        """(root index, proven bound, member sets found) for each root in ``ks``, in order."""
        for k in ks:
            self.submit(k, pi, time_limit_s)
        done = {}
        for _ in ks:
            k, bound, found = self.result()
            done[k] = (k, bound, found)
        return [done[k] for k in ks]

    def closures(self, pi: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """The closure bound and member set of every root (``_closure``), split over workers."""
        roots = self.prob.roots
        if not self._conns or self.in_flight:
            found = [_closure(root, pi, self.prob.c_split, self.prob.c_move) for root in roots]
        else:
            n = len(self._conns)
            for w, conn in enumerate(self._conns):
                self._busy[w] += 1
                conn.send(("closures", range(w, len(roots), n), pi))
            found = [None] * len(roots)  # type: ignore[list-item]
            for w in range(n):
                found[w::n] = self._receive(w)  # type: ignore[assignment]
        return np.array([v for v, _ in found], dtype=float), [c for _, c in found]

    def close(self) -> None:
        """End the worker processes (at once: a call in flight is not waited for)."""
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.join()
        for conn in self._conns:
            conn.close()
        self._conns, self._procs, self._busy = [], [], []


# --------------------------------------------------------------------------------------------
# Column generation


def _feasible(prob: _Problem, root: _Root, adj: list[list[int]], r: int, ids: np.ndarray) -> bool:
    """True when a member set is a column of the model (every rule, Hess contiguity)."""
    inp, rules = prob.inp, prob.inp.rules
    if root.root not in set(ids.tolist()):
        return False
    tech = int(inp.technical[ids].sum())
    if tech < rules.min_technical_pupils:
        return False
    if rules.max_technical_pupils is not None and tech > rules.max_technical_pupils:
        return False
    if int(inp.is_vmbo[ids].sum()) < rules.min_vmbo or not inp.has_mbo[ids].any():
        return False
    inside = set(ids.tolist())
    for g in {int(prob.group_of[i]) for i in inside if prob.group_of[i] >= 0}:
        if not set(prob.groups[g]) <= inside:
            return False
    if rules.contiguous and prob.config.contiguity == "hess":
        row = prob.cand.graph_km[r]
        for i in inside:
            if i != root.root and not any(q in inside and row[q] < row[i] for q in adj[i]):
                return False
    return True


def _hess_repair(
    prob: _Problem, root: _Root, adj: list[list[int]], r: int, ids: np.ndarray
) -> np.ndarray | None:
    """The part of a member set that the root reaches by the Hess ordering, if it is a column."""
    row = prob.cand.graph_km[r]
    inside = set(ids.tolist())
    kept: set[int] = set()
    for i in sorted(inside, key=lambda q: row[q]):
        if i == root.root or any(q in kept and row[q] < row[i] for q in adj[i]):
            kept.add(i)
    # Close-school groups: drop partial groups (and what hangs on them) until stable.
    while True:
        bad = {
            i
            for i in kept
            if prob.group_of[i] >= 0 and not set(prob.groups[prob.group_of[i]]) <= kept
        }
        if not bad:
            break
        kept -= bad
        again: set[int] = set()
        for i in sorted(kept, key=lambda q: row[q]):
            if i == root.root or any(q in again and row[q] < row[i] for q in adj[i]):
                again.add(i)
        kept = again
    out = np.array(sorted(kept), dtype=np.int64)
    return out if len(out) and _feasible(prob, root, adj, r, out) else None


def _neighbour_columns(
    prob: _Problem, root: _Root, adj: list[list[int]], r: int, ids: np.ndarray
) -> list[np.ndarray]:
    """The columns one school away from a column: a member dropped or a neighbour added.

    Fractional LP solutions mix such near-copies of a region; with them in the pool the IP
    over the columns can settle where a boundary runs.
    """
    inside = set(ids.tolist())
    allowed = set(root.members.tolist())
    out = []
    for i in ids.tolist():
        if i != root.root and any(q not in inside for q in adj[i]):
            smaller = ids[ids != i]
            if _feasible(prob, root, adj, r, smaller):
                out.append(smaller)
    for q in sorted({q for i in inside for q in adj[i]} - inside):
        if q in allowed:
            larger = np.sort(np.r_[ids, q])
            if _feasible(prob, root, adj, r, larger):
                out.append(larger)
    return out


def _tighten(
    prob: _Problem,
    pricing: _Pricing,
    pi: np.ndarray,
    ub: np.ndarray,
    sets: list[np.ndarray],
    feasible: np.ndarray,
    exact_time_s: float,
    budget_s: float,
    extra: list[tuple[int, np.ndarray]],
    known: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Lower the largest per-root upper bounds with exact CP-SAT pricing, largest first.

    A root whose closure optimum is itself a column is exact already, and a root's last
    proven bound, shifted by how far its duals rose, can rule it out without a call.
    ``known`` holds lower bounds on the pricing values (the master's columns): its
    ``hi``-th largest is at most the ``hi``-th largest final bound, so a call only has to
    search above it (a root below it does not count in the Lagrangian bound).
    Stops when the roots with the ``hi`` largest bounds are settled (exact, or priced once
    with CP-SAT) or the budget is spent. Returns the tightened bounds (still valid) and how
    many CP-SAT calls ran. A set CP-SAT found replaces the root's entry of ``sets`` (and
    marks it in ``feasible``); the other solutions CP-SAT met go to ``extra`` as (root
    index, member set).
    """
    started = time.perf_counter()
    ub = np.minimum(ub, [root.shifted_bound(pi) for root in prob.roots])
    settled = feasible.copy()
    calls = 0
    top = prob.hi
    floor = -math.inf
    if known is not None and len(known) >= top:
        floor = float(np.sort(known)[-top])
    while len(ub):
        # Keep every worker busy with the open root of largest bound; a call in flight
        # counts as settled for choosing the next one.
        while pricing.in_flight < pricing.slots and time.perf_counter() - started < budget_s:
            order = np.argsort(-ub, kind="stable")[:top]
            open_ = [int(k) for k in order if not settled[k]]
            if not open_:
                break
            settled[open_[0]] = True
            pricing.submit(open_[0], pi, exact_time_s, floor)
        if pricing.in_flight == 0:
            break
        k, bound_k, found = pricing.result()
        calls += 1
        root = prob.roots[k]
        root.last_duals = root.rounded_duals(pi)
        root.last_bound = bound_k
        ub[k] = min(ub[k], bound_k)
        if found:
            sets[k], feasible[k] = found[-1], True
            extra += [(k, chosen) for chosen in found[:-1]]
    return ub, calls


class _Master:
    """Restricted master LP: cover every school once with lo..hi columns (and, with a
    reference plan, match each reference region to at most one column).

    Kept in one GLOP model that grows by the new columns each round, so every solve starts
    from the last basis: on the national instance 0.5 s for 48 solves, against 2.4 s when
    HiGHS (scipy) rebuilt the LP each round.
    """

    def __init__(self, prob: _Problem) -> None:
        self.prob = prob
        self.cols: list[tuple[np.ndarray, int, int]] = []
        self.refs: list[int] = []
        """Per column, the reference region it is matched to (-1: none)."""
        self.kept: list[int] = []
        """Per column, its schools kept in that reference region."""
        self.seen: set[tuple[int, frozenset[int], int]] = set()
        self.support = np.zeros(0, dtype=np.int64)
        """Columns with a positive value in the last LP solution."""
        lp = pywraplp.Solver.CreateSolver("GLOP")
        if lp is None:
            raise RuntimeError("OR-Tools has no GLOP linear solver")
        self.lp = lp
        self.cover = [lp.RowConstraint(1.0, 1.0, "") for _ in range(prob.inp.n)]
        self.count = lp.RowConstraint(float(prob.lo), float(prob.hi), "")
        self.once = [lp.RowConstraint(-lp.infinity(), 1.0, "") for _ in range(prob.n_ref)]
        self.keep = None
        if prob.min_kept is not None:
            self.keep = lp.RowConstraint(float(prob.min_kept), lp.infinity(), "")
            # A seed plan may move too many schools (a warm start ignores the cap): a costly
            # shortfall keeps the LP feasible until columns that keep enough come in. Its
            # cost caps the row's dual; any dual >= 0 gives a valid bound.
            short = lp.NumVar(0.0, lp.infinity(), "")
            self.keep.SetCoefficient(short, 1.0)
            lp.Objective().SetCoefficient(short, 10.0 * max(prob.c_move, prob.scale))
        # Box-step stabilisation (see ``solve``): an under-cover slack and an over-cover
        # surplus per school.
        self.under = [lp.NumVar(0.0, lp.infinity(), "") for _ in self.cover]
        self.over = [lp.NumVar(0.0, lp.infinity(), "") for _ in self.cover]
        for row, under, over in zip(self.cover, self.under, self.over, strict=True):
            row.SetCoefficient(under, 1.0)
            row.SetCoefficient(over, -1.0)
        self.x: list[pywraplp.Variable] = []
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        # The columns as flat arrays (member, column), for ``best_values``.
        self._indexed = 0
        self._members = np.zeros(0, dtype=np.int64)
        self._column = np.zeros(0, dtype=np.int64)
        self._root = np.zeros(0, dtype=np.int64)
        self._cost = np.zeros(0, dtype=float)
        self._ref = np.zeros(0, dtype=np.int64)

    def add(self, members: np.ndarray, root: int, ref: int = -1) -> bool:
        """Add a column (matched to reference region ``ref``); False when already there."""
        key = (int(root), frozenset(int(i) for i in members), int(ref))
        if key in self.seen:
            return False
        self.seen.add(key)
        ids = np.array(sorted(key[1]), dtype=np.int64)
        self.cols.append((ids, int(root), self.prob.cost(ids, root, ref)))
        self.refs.append(int(ref))
        self.kept.append(self.prob.costs.kept(ids, ref))
        return True

    def best_values(self, pi: np.ndarray) -> np.ndarray:
        """max pi(R) - c(R) (plus its match terms) over the master's columns of each root
        (-inf for none).

        Every column is a region of its root, so these are lower bounds on the pricing values.
        """
        if self._indexed < len(self.cols):
            index = {root.root: k for k, root in enumerate(self.prob.roots)}
            new = self.cols[self._indexed :]
            self._members = np.r_[self._members, *(ids for ids, _, _ in new)].astype(np.int64)
            self._column = np.r_[
                self._column,
                *(np.full(len(ids), self._indexed + c) for c, (ids, _, _) in enumerate(new)),
            ].astype(np.int64)
            self._root = np.r_[self._root, [index.get(j, -1) for _, j, _ in new]].astype(np.int64)
            self._cost = np.r_[self._cost, [cost for _, _, cost in new]].astype(float)
            self._ref = np.r_[self._ref, self.refs[self._indexed :]].astype(np.int64)
            self._indexed = len(self.cols)
        value = np.bincount(self._column, pi[self._members], minlength=self._indexed) - self._cost
        if self.prob.n_ref:
            matched = self._ref >= 0
            value[matched] += pi[self.prob.inp.n + self._ref[matched]]
        if self.prob.tau is not None:
            value += pi[self.prob.tau] * np.asarray(self.kept, dtype=float)
        best = np.full(len(self.prob.roots), -math.inf)
        known = self._root >= 0
        np.maximum.at(best, self._root[known], value[known])
        return best

    def solve(self, center: np.ndarray, delta: float) -> tuple[float, np.ndarray, float, bool]:
        """(LP value scaled, duals pi, count dual mu, box binding).

        ``pi`` holds the cover duals, then (with a reference plan) the match duals, at most 0,
        then (with ``max_moves``) the kept row's dual, at least 0.

        Box-step stabilisation: an under-cover slack of cost center + delta and an over-cover
        surplus of cost delta - center per school keep every dual within delta of the
        center (and the LP always feasible). The bound stays valid for any duals.
        """
        lp = self.lp
        for (ids, _, cost), ref in zip(
            self.cols[len(self.x) :], self.refs[len(self.x) :], strict=True
        ):
            var = lp.NumVar(0.0, lp.infinity(), "")
            for i in ids.tolist():
                self.cover[i].SetCoefficient(var, 1.0)
            self.count.SetCoefficient(var, 1.0)
            if ref >= 0:
                self.once[ref].SetCoefficient(var, 1.0)
            if self.keep is not None and self.kept[len(self.x)]:
                self.keep.SetCoefficient(var, float(self.kept[len(self.x)]))
            self.objective.SetCoefficient(var, float(cost))
            self.x.append(var)
        for under, over, c in zip(self.under, self.over, center.tolist(), strict=True):
            self.objective.SetCoefficient(under, c + delta)
            self.objective.SetCoefficient(over, delta - c)
        status = lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP failed (GLOP status {status})")
        pi = np.array([row.dual_value() for row in self.cover], dtype=float)
        # A "<= 1" row of a minimisation has a dual <= 0 (clipped: float noise).
        match = np.array([min(row.dual_value(), 0.0) for row in self.once], dtype=float)
        # A ">=" row of a minimisation has a dual >= 0.
        kept = [max(self.keep.dual_value(), 0.0)] if self.keep is not None else []
        pi = np.r_[pi, match, kept]
        slack = sum(var.solution_value() for var in [*self.under, *self.over])
        values = np.array([var.solution_value() for var in self.x], dtype=float)
        self.support = np.flatnonzero(values > 1e-6)
        return float(self.objective.Value()), pi, float(self.count.dual_value()), slack > 1e-7


def _matched_refs(prob: _Problem, labels: np.ndarray, k: int) -> list[int]:
    """Per region of a plan, the reference region it is matched to (-1: none), matching one
    to one so as to keep the most schools in place (as ``score_labels`` does)."""
    matched = [-1] * k
    ref = prob.costs.reference
    if ref is None:
        return matched
    in_ref = ref >= 0
    rows, cols, overlap = match_labels(labels[in_ref], ref[in_ref], k, prob.n_ref)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if overlap[r, c] > 0:
            matched[r] = c
    return matched


def column_generation_bound(
    inp: SolverInput,
    config: SolverConfig,
    cand: Candidates | None = None,
    *,
    plans: Sequence[tuple[np.ndarray, Sequence[int]]] = (),
    columns: Sequence[Column] = (),
    pricing: str = "closure",
    time_limit_s: float = 60.0,
    exact_time_s: float = 1.0,
    round_budget_s: float = 10.0,
    smoothing: float = 0.5,
    box_width: float = 20.0,
    tolerance: float = 1e-4,
    workers: int = 1,
    incumbent_every_s: float | None = None,
    target_gap: float = 0.0,
    progress: Callable[[BoundStep], None] | None = None,
) -> BoundResult:
    """A valid lower bound on the objective of ``solve``'s model by column generation.

    Parameters
    ----------
    inp, config : SolverInput, SolverConfig
        As for ``solve`` (no reference plan).
    cand : Candidates, optional
        The candidate pairs of the model (``candidates(inp, config)`` by default).
    plans : sequence of (labels, roots)
        Valid plans whose regions seed the master (e.g. a ``solve`` result).
    columns : sequence of Column
        More regions to seed the master with (e.g. an earlier run's ``pool``).
    pricing : {"closure", "exact"}
        ``closure``: the relaxed pricing (fast, exact by minimum cut); ``exact``: CP-SAT on
        the roots whose closure bound could still lower the bound (``exact_time_s`` each).
    time_limit_s : float
        Stop after this many seconds (the bound so far stays valid).
    smoothing : float
        Wentges smoothing factor in [0, 1) towards the best duals (0 = master duals). Measured
        on the national instance: the bound after 120 s is 26,342 with 0.5, 26,166 with 0 and
        25,829 with 0.8.
    box_width : float
        Box-step stabilisation: duals stay within this many objective units of the box
        centre (the plan regions' costs shared by their schools, later the best duals).
    tolerance : float
        Stop when (master - bound) / |master| is at most this.
    workers : int
        Processes for exact pricing (forked; 1 prices in this process).
    incumbent_every_s : float, optional
        Every this many seconds (and at the end), solve the set-partitioning IP over the
        columns (``best_partition``, price and branch) for a plan; None = never. Once the
        master LP is within ``target_gap`` of the bound, every quarter of that.
    target_gap : float
        Stop when the best plan (the seed plans' or an IP's) is within this relative gap of
        the bound.

    Returns
    -------
    BoundResult
        ``bound`` in objective units (the model's scaled integers divided by the scale).
    """
    start = time.perf_counter()
    cand = cand if cand is not None else candidates(inp, config)
    prob = _Problem(inp, config, cand)
    adj = _adjacency(inp)
    scale = prob.scale
    master = _Master(prob)
    if not plans and not columns:
        raise ValueError("column generation starts from a plan or columns; none given")
    upper, incumbent = math.inf, None
    for labels, roots in plans:
        matched = _matched_refs(prob, np.asarray(labels), len(roots))
        cost = 0
        for lab, j in enumerate(roots):
            members = np.flatnonzero(np.asarray(labels) == lab)
            for ref in prob.costs.match_options(members):
                master.add(members, int(j), ref)
            cost += prob.cost(members, int(j), matched[lab])
        upper = min(upper, float(cost))
    for col in columns:
        members = np.asarray(col.members, dtype=np.int64)
        for ref in prob.costs.match_options(members):
            master.add(members, col.root, ref)
    rpos = {int(j): r for r, j in enumerate(cand.roots.tolist())}
    history: list[BoundStep] = []
    # Box centre: minus half the weight of each school's edges. Then pi(R) - c(R) is minus
    # half R's boundary weight minus its km and split costs, never positive: the first bound
    # is "p regions, each with at least its cheapest boundary", already valid.
    box = np.zeros(inp.n)
    np.add.at(box, prob.edges[:, 0], -0.5 * prob.edge_cost)
    np.add.at(box, prob.edges[:, 1], -0.5 * prob.edge_cost)
    delta = box_width * scale
    best, best_pi = -math.inf, np.r_[box, np.zeros(len(prob.rhs) - inp.n)]
    lp = math.inf
    rounds = 0
    converged = False
    smooth = False  # price at the smoothed duals (after a round that found no column: not)
    exact = False  # phase 1: closure pricing with cheap columns only; phase 2: CP-SAT too
    last_ip = time.perf_counter()
    ip_columns = -1
    rose_at = 0  # the last round that lifted the bound by 0.5% or more

    def cover() -> None:
        """Price and branch: the IP over the columns so far, kept when it beats the best plan."""
        nonlocal upper, incumbent, last_ip, ip_columns
        last_ip = time.perf_counter()
        if ip_columns == len(master.cols):
            return
        for c in master.support.tolist():
            ids, j, _ = master.cols[c]
            root = root_of.get(j)
            if root is not None:
                for near in _neighbour_columns(prob, root, adj, rpos[j], ids):
                    master.add(near, j, master.refs[c])
        ip_columns = len(master.cols)
        pool = [Column(root, tuple(ids.tolist()), cost) for ids, root, cost in master.cols]
        found = best_partition(inp, config, pool, time_limit_s=10.0)
        if found is not None and found[2] < upper:
            upper, incumbent = float(found[2]), (found[0], found[1])

    def objective(scaled: float) -> float:
        return (scaled + prob.constant) / scale

    def gap_to_upper() -> float:
        return (upper - best) / max(abs(objective(upper)) * scale, 1e-9)

    root_of = {root.root: root for root in prob.roots}
    pricer = _Pricing(prob, adj, rpos, workers)
    try:
        while True:
            rounds += 1
            lp, pi, mu, binding = master.solve(box, delta)
            t_price = time.perf_counter()
            alpha = smoothing if smooth and best > -math.inf else 0.0
            sep = alpha * best_pi + (1.0 - alpha) * pi
            ub, sets = pricer.closures(sep)
            feasible = np.array(
                [
                    _feasible(prob, root, adj, rpos[root.root], sets[k])
                    for k, root in enumerate(prob.roots)
                ],
                dtype=bool,
            )
            n_exact = 0
            extra: list[tuple[int, np.ndarray]] = []
            if exact:
                ub, n_exact = _tighten(
                    prob,
                    pricer,
                    sep,
                    ub,
                    sets,
                    feasible,
                    exact_time_s,
                    round_budget_s,
                    extra,
                    known=master.best_values(sep),
                )
            lb = prob.lagrangian(sep, ub)
            if lb > best + 0.005 * abs(best):
                rose_at = rounds
            if lb > best:
                best, best_pi = lb, sep.copy()
            added = 0
            # CP-SAT's solutions are columns; closure sets may need repair.
            found = [(k, c, bool(feasible[k])) for k, c in enumerate(sets)]
            for k, chosen, ok in [*found, *((k, c, True) for k, c in extra)]:
                root = prob.roots[k]
                if not ok:
                    chosen = _hess_repair(prob, root, adj, rpos[root.root], chosen)
                    if chosen is None:
                        continue
                ref = prob.best_match(chosen, pi)
                rc = -prob.value(chosen, root.root, pi) - mu
                if rc < -1e-6 and master.add(chosen, root.root, ref):
                    added += 1
            elapsed = time.perf_counter() - start
            step = BoundStep(
                elapsed_s=elapsed,
                bound=max((best + prob.constant) / scale, 0.0),
                raw=(lb + prob.constant) / scale,
                master=(lp + prob.constant) / scale,
                columns=len(master.cols),
                added=added,
                pricing_s=time.perf_counter() - t_price,
                exact_roots=n_exact,
                incumbent=objective(upper) if upper < math.inf else None,
            )
            history.append(step)
            if progress is not None:
                progress(step)
            gap = (lp - best) / max(abs(lp + prob.constant), 1e-9)
            if gap <= tolerance and not binding:
                converged = True
                break
            if elapsed > time_limit_s:
                break
            if incumbent_every_s is not None:
                since = time.perf_counter() - last_ip
                # Once the master is within the target gap of the bound, a better plan could
                # end the run: try the IP sooner (but not every round).
                near = gap <= target_gap and (upper == math.inf or gap_to_upper() > target_gap)
                if since >= incumbent_every_s or (near and since >= incumbent_every_s / 4):
                    cover()
            if upper < math.inf and gap_to_upper() <= target_gap:
                break
            if added == 0 and alpha > 0:
                # Mispricing: the smoothed duals found nothing, so price the master's own
                # duals once (no column there proves the master LP optimal).
                smooth = False
                continue
            smooth = True
            if added == 0 and not binding and (exact or pricing == "closure"):
                break
            if pricing == "exact" and not exact and (added == 0 or rounds - rose_at >= 3):
                # Closure pricing has stalled (its columns no longer lift the bound).
                exact = True
            elif binding and added == 0:
                # Converged inside the box: recentre on the best duals and widen the box.
                # (Widening any earlier, e.g. within 10x the tolerance, threw the duals off
                # for 15 s of a 45 s run.)
                box = best_pi[: inp.n].copy()
                delta *= 2.0
            elif added and lb >= best:
                # Follow the best duals every round (every 5th round: 68 s against 56 s).
                box = best_pi[: inp.n].copy()
    finally:
        pricer.close()
    if incumbent_every_s is not None:
        cover()
    converged = converged or (lp - best) <= tolerance * max(abs(lp + prob.constant), 1.0)
    return BoundResult(
        bound=max((best + prob.constant) / scale, 0.0),
        method=f"column generation ({pricing} pricing)",
        master=(lp + prob.constant) / scale,
        rounds=rounds,
        columns=len(master.cols),
        wall_time_s=time.perf_counter() - start,
        converged=converged,
        history=tuple(history),
        pool=tuple(Column(root, tuple(ids.tolist()), cost) for ids, root, cost in master.cols),
        incumbent=incumbent,
        incumbent_objective=objective(upper) if upper < math.inf else None,
    )


def best_partition(
    inp: SolverInput,
    config: SolverConfig,
    pool: Sequence[Column],
    *,
    time_limit_s: float = 10.0,
) -> tuple[np.ndarray, tuple[int, ...], int] | None:
    """The cheapest plan made of columns from a pool: the set-partitioning IP (HiGHS).

    Every column is a valid region of the model, so any cover of every school by exactly
    ``lo..hi`` columns is a valid plan ("price and branch": the pool comes from column
    generation). Costs are recomputed for this instance, so columns from windows
    (``regionopt.improve``) combine across the whole country. Columns holding schools
    locked to two different labels are left out, so the plan keeps every lock.

    With a reference plan in ``inp``, the IP also matches regions to reference regions
    one-to-one, so moves are charged as the CP-SAT model charges them (and
    ``config.max_moves`` caps them).

    Returns
    -------
    (labels, roots, cost) or None
        ``labels[i]`` indexes ``roots``; ``cost`` is the sum of the chosen columns' costs
        (less the moves they save, with a reference plan). None when the pool covers no plan
        in time.
    """
    costs = _Costs(inp, config)
    # Recompute every cost here: a column from a window was costed in the window's terms.
    cols = [
        Column(root, members, costs.cost(members, root))
        for root, members in dict.fromkeys((c.root, c.members) for c in pool)
    ]
    # A region holding schools of two lock labels would merge them: never a column to use.
    lock_of = np.full(inp.n, -1, dtype=np.int64)
    for k, (_, ids) in enumerate(inp.locks):
        lock_of[list(ids)] = k
    cols = [c for c in cols if len(set(lock_of[list(c.members)].tolist()) - {-1}) <= 1]
    if not cols:
        return None
    # Each choice is a column, matched to a reference region or to none (-1).
    choices, cost = _reference_choices(inp, costs, cols, lock_of)
    n = inp.n
    rows = np.concatenate([np.asarray(cols[c].members, dtype=np.int64) for c, _ in choices])
    idx = np.concatenate([np.full(len(cols[c].members), k) for k, (c, _) in enumerate(choices)])
    m = len(choices)
    lo, hi = config.region_range
    constraints = [
        LinearConstraint(csc_matrix((np.ones(len(rows)), (rows, idx)), shape=(n, m)), 1, 1),
        LinearConstraint(np.ones((1, m)), lo, hi),
    ]
    matched = [(rr, k) for k, (_, rr) in enumerate(choices) if rr >= 0]
    if matched:
        n_ref = len(inp.reference_ids)
        rr_of, ks = np.array(matched, dtype=np.int64).T
        once = csc_matrix((np.ones(len(ks)), (rr_of, ks)), shape=(n_ref, m))
        constraints.append(LinearConstraint(once, -np.inf, 1))
        if config.max_moves is not None and inp.reference is not None:
            in_ref = int((inp.reference >= 0).sum())
            kept = np.array(
                [costs.kept(np.asarray(cols[c].members), rr) for c, rr in choices], dtype=float
            )
            constraints.append(LinearConstraint(kept[None, :], in_ref - config.max_moves, np.inf))
    res = milp(
        np.asarray(cost, dtype=float),
        constraints=constraints,
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit_s, 0.1), "disp": False},
    )
    if res.x is None:
        return None
    picked = np.flatnonzero(res.x > 0.5)
    chosen = [cols[choices[k][0]] for k in picked]
    labels = np.full(n, -1, dtype=np.int64)
    for r, c in enumerate(chosen):
        labels[list(c.members)] = r
    if (labels < 0).any():
        return None
    return labels, tuple(c.root for c in chosen), int(sum(cost[k] for k in picked))


def _reference_choices(
    inp: SolverInput, costs: _Costs, cols: list[Column], lock_of: np.ndarray
) -> tuple[list[tuple[int, int]], list[int]]:
    """(column, reference region or -1) choices for ``best_partition`` and their costs.

    Without a reference plan each column is one choice at its cost. With one, a column may
    also be matched to any reference region it overlaps, each kept school earning back a
    move, as in the CP-SAT model (costs without its constant of every reference school
    moved). A lock whose label names a reference region matches its region to that one.
    """
    if costs.reference is None:
        return [(c, -1) for c in range(len(cols))], [col.cost for col in cols]
    ref_pos = {rid: k for k, rid in enumerate(inp.reference_ids)}
    lock_ref = [ref_pos.get(label, -1) for label, _ in inp.locks]
    choices: list[tuple[int, int]] = []
    cost: list[int] = []
    for c, col in enumerate(cols):
        members = np.asarray(col.members, dtype=np.int64)
        locks = set(lock_of[members].tolist()) - {-1}
        forced = sorted({lock_ref[k] for k in locks} - {-1})
        for rr in forced or costs.match_options(members):
            choices.append((c, rr))
            cost.append(col.cost - costs.saved(members, rr))
    return choices, cost


__all__ = ["BoundResult", "BoundStep", "Column", "best_partition", "column_generation_bound"]
