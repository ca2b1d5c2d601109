"""Branch-and-price: close the gap column generation's LP leaves, so that a plan is proven.

Each node of the tree is a column-generation run (``column_generation``) under the branching
decisions of its path. A node whose LP solution is fractional is split on a pair of schools
(Ryan and Foster): in one child the two share a region, in the other they do not. Both
decisions are kept by the pricing (a pair together joins the close-school groups, a pair apart
is a constraint of the exact pricing and of the column test), so every column of a node keeps
them and the node's Lagrangian bound holds for every plan that does. Nodes are taken best
bound first; a node whose bound comes within the gap of the best plan is closed. The bound of
the whole tree is the least bound of its open and closed nodes, and the best plan's value when
every node was closed by it. A child's column generation starts from its parent's best duals.

Every plan found on the way (the IPs over a node's columns, an integral LP) is a valid plan of
the model, whichever node found it.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.objective import Objective
from regionopt.model.partition import Partition
from regionopt.solve.cg.loop import CgResult, CgSettings, column_generation
from regionopt.solve.cg.master import MasterLpError
from regionopt.solve.cg.pricing_problem import Column, Decision, SubsetRow, plan_columns
from regionopt.solve.clock import Clock
from regionopt.solve.heuristic import Labelled

_INTEGRAL = 1e-6
"""A pair's LP value within this of 0 or 1 counts as integral."""


@dataclass(frozen=True)
class BranchStep:
    """The tree after one node (objective units)."""

    nodes: int
    open_nodes: int
    bound: float
    incumbent: float | None


@dataclass(frozen=True)
class BranchResult:
    """What ``branch_and_price`` returns."""

    bound: float
    """A valid lower bound on the model's objective (objective units)."""
    incumbent: Labelled | None
    """The best plan the tree found, when it beat the plans it started from."""
    incumbent_objective: float | None
    """The best plan's objective (found or given)."""
    nodes: int
    """Nodes solved (the root node included)."""
    open_nodes: int
    """Nodes left when the budget ran out (0: the tree is closed)."""
    depth: int
    """The deepest node solved."""
    wall_s: float

    @property
    def closed(self) -> bool:
        """True when every node was solved or closed: the bound is the tree's proof."""
        return self.open_nodes == 0


@dataclass(frozen=True, order=True)
class _Node:
    bound: float
    depth_key: int
    """Minus the depth: among equal bounds the deeper node first (it is nearer a plan)."""
    seq: int
    decisions: tuple[Decision, ...]
    duals: np.ndarray | None = field(default=None, compare=False)
    """The parent's best duals: the node's column generation starts from them."""
    cuts: tuple[SubsetRow, ...] = field(default=(), compare=False)
    """The parent's subset-row cuts (``duals`` ends with theirs): valid in every node."""
    retried: bool = field(default=False, compare=False)
    """True once the node went back for more column generation (it goes back once)."""


def branch_and_price(
    objective: Objective,
    cand: Candidates,
    restriction: Restriction,
    settings: CgSettings,
    *,
    plans: Sequence[Labelled],
    columns: Sequence[Column] = (),
    budget_s: float,
    relative_gap: float = 0.0,
    clock: Clock | None = None,
    progress: Callable[[BranchStep], None] | None = None,
    duals: np.ndarray | None = None,
    cuts: Sequence[SubsetRow] = (),
) -> BranchResult:
    """The optimum of the model proven within ``relative_gap``, by branch-and-price.

    Parameters
    ----------
    objective : Objective
    cand, restriction : Candidates, Restriction
        The model's candidate pairs and the restriction they follow.
    settings : CgSettings
        How each node's column generation searches; its ``time_limit_s`` is each node's limit.
    plans : sequence of (labels, roots)
        Valid plans: the best is the first incumbent, and their regions seed the root node.
    columns : sequence of Column
        More regions of the model (e.g. an earlier column-generation run's pool).
    budget_s : float
        The whole tree's time on ``clock``: no node starts after it, and each gets at most
        what is left (its last pricing round and IP may run over).
    relative_gap : float
        A node whose bound is within this of the best plan is closed.
    clock : Clock, optional
        What the budget is measured on (default: the wall clock from now).
    progress : callable, optional
        Called with a ``BranchStep`` after every node.
    duals : ndarray, optional
        An earlier column-generation run's best duals: the root node starts from them.
    cuts : sequence of SubsetRow
        That run's subset-row cuts (``duals`` ends with theirs). Every node keeps its parent's
        cuts and, with ``settings.cut_rounds``, adds those its own LP breaks.
    """
    seeds = [(np.asarray(labels), list(roots)) for labels, roots in plans]
    tree = _Tree(objective, cand, restriction, settings, relative_gap, clock or Clock(), seeds)
    tree.heap[0] = replace(tree.heap[0], duals=duals, cuts=tuple(cuts))
    tree.pool.update(dict.fromkeys(_key(c) for c in columns))
    for labels, roots in seeds:
        tree.pool.update(dict.fromkeys(_key(c) for c in plan_columns(labels, roots)))
    started = tree.clock.now()
    while tree.heap and tree.clock.now() - started < budget_s:
        node = heapq.heappop(tree.heap)
        if tree.closes(node.bound):
            tree.closed_bound = min(tree.closed_bound, node.bound)
            continue
        left = budget_s - (tree.clock.now() - started)
        tree.solve(node, min(settings.time_limit_s, max(left, 0.0)))
        if progress is not None:
            progress(tree.step())
    return tree.result()


class _Tree:
    """The state of one branch-and-price run."""

    def __init__(
        self,
        objective: Objective,
        cand: Candidates,
        restriction: Restriction,
        settings: CgSettings,
        relative_gap: float,
        clock: Clock,
        seeds: list[Labelled],
    ) -> None:
        self.objective, self.cand, self.restriction = objective, cand, restriction
        self.settings, self.relative_gap, self.clock = settings, relative_gap, clock
        self.wall_start = time.perf_counter()
        self.pool: dict[tuple[int, tuple[int, ...]], None] = {}
        """Every region met so far (root, members), in the order met."""
        self.seeds = seeds
        """The plans given: they seed the root node."""
        self.upper = math.inf
        self.incumbent: Labelled | None = None
        self.given = math.inf
        for plan in seeds:
            self.offer(plan, given=True)
        self.closed_bound = math.inf
        """The least bound of the closed nodes: closed by the gap, or solved by their LP's
        plan up to column generation's tolerance (either may hide a plan that much better)."""
        self.seq = itertools.count()
        self.heap: list[_Node] = [_Node(-math.inf, 0, next(self.seq), ())]
        self.nodes = self.depth = 0

    def offer(self, plan: Labelled, *, given: bool = False) -> None:
        """Keep a plan when it beats the best so far (and keeps the groups and the cap on
        moves: an LP's plan may lean on the master's shortfall of kept schools)."""
        problem = self.objective.problem
        scored = Partition.scored(self.objective, plan[0], plan[1])
        moves = scored.components.reference_moves
        if problem.splits_a_group(plan[0]) or (
            problem.max_moves is not None and moves > problem.max_moves
        ):
            return
        value = scored.objective
        if given:
            self.given = min(self.given, value)
        if value < self.upper - 1e-9:
            self.upper = value
            self.incumbent = None if given else plan

    def closes(self, bound: float) -> bool:
        """True when a node of this bound cannot hold a plan better than the gap allows."""
        return bound >= self.upper - self.relative_gap * abs(self.upper) - 1e-9

    def solve(self, node: _Node, time_limit_s: float) -> None:
        """Column generation at a node, then close it, take its plan or split it."""
        self.nodes += 1
        self.depth = max(self.depth, -node.depth_key)
        # Every region met is a region of the model: column generation's seeding keeps those
        # that keep the node's decisions.
        columns = [Column(root, members, 0) for root, members in self.pool]
        plans = [] if node.decisions else self.seeds
        cutoff = self.upper - self.relative_gap * abs(self.upper) if self.upper < math.inf else None
        try:
            result = column_generation(
                self.objective,
                self.cand,
                self.restriction,
                replace(self.settings, time_limit_s=time_limit_s, cutoff=cutoff),
                plans=plans,
                columns=columns,
                clock=self.clock,
                decisions=node.decisions,
                start_duals=node.duals,
                cuts=node.cuts,
            )
        except MasterLpError:
            # The node keeps the bound it came with (valid) and is not searched further.
            self.closed_bound = min(self.closed_bound, node.bound)
            return
        self.pool.update(dict.fromkeys(_key(c) for c in result.pool))
        if result.incumbent is not None:
            self.offer(result.incumbent)
        bound = max(node.bound, result.bound)
        if self.closes(bound):
            self.closed_bound = min(self.closed_bound, bound)
            return
        pair = _branching_pair(result)
        if pair is None:
            self._integral(node, result, bound)
            return
        a, b = pair
        for together in (True, False):
            decisions = (*node.decisions, Decision(a, b, together))
            child = _Node(
                bound, node.depth_key - 1, next(self.seq), decisions, result.duals, result.cuts
            )
            heapq.heappush(self.heap, child)

    def _integral(self, node: _Node, result: CgResult, bound: float) -> None:
        """An LP solution with no fractional pair is a plan: take it. When column generation
        did not reach the LP, the node goes back with its better bound (once)."""
        plan = _plan_of(result, self.objective.problem.n, self.objective.problem.regions)
        if plan is not None:
            self.offer(plan)
        # Converged, the LP's plan is the node's optimum up to column generation's tolerance.
        # Otherwise the node goes back once for more column generation, then keeps its bound.
        if self.closes(bound) or (result.converged and plan is not None) or node.retried:
            self.closed_bound = min(self.closed_bound, bound)
        else:
            retry = replace(node, bound=bound, seq=next(self.seq), retried=True)
            heapq.heappush(self.heap, retry)

    def lower(self) -> float:
        """The tree's bound: its least open or closed node, or the best plan."""
        open_bound = min((node.bound for node in self.heap), default=math.inf)
        return min(open_bound, self.closed_bound, self.upper)

    def step(self) -> BranchStep:
        return BranchStep(
            nodes=self.nodes,
            open_nodes=len(self.heap),
            bound=max(self.lower(), 0.0),
            incumbent=self.upper if self.upper < math.inf else None,
        )

    def result(self) -> BranchResult:
        return BranchResult(
            bound=max(self.lower(), 0.0),
            incumbent=self.incumbent if self.upper < self.given else None,
            incumbent_objective=self.upper if self.upper < math.inf else None,
            nodes=self.nodes,
            open_nodes=len(self.heap),
            depth=self.depth,
            wall_s=time.perf_counter() - self.wall_start,
        )


def _key(column: Column) -> tuple[int, tuple[int, ...]]:
    return column.root, tuple(sorted(column.members))


def _branching_pair(result: CgResult) -> tuple[int, int] | None:
    """The pair of schools whose share of a region in the LP is most fractional (nearest a
    half; the smallest pair on ties), or None when every pair is integral.

    In an LP solution of regions that is not a plan, some pair of schools is together in part
    only (Ryan and Foster), and such a pair shares a column of the solution.
    """
    together: dict[tuple[int, int], float] = {}
    for column, value in result.solution:
        members = sorted(column.members)
        for a, b in itertools.combinations(members, 2):
            together[(a, b)] = together.get((a, b), 0.0) + value
    fractional = [
        (abs(value - 0.5), pair)
        for pair, value in together.items()
        if _INTEGRAL < value < 1.0 - _INTEGRAL
    ]
    return min(fractional)[1] if fractional else None


def _plan_of(result: CgResult, n: int, regions: tuple[int, int]) -> Labelled | None:
    """The plan of an LP solution whose pairs are all integral (None when it covers the
    schools other than once each, or with a number of regions out of range)."""
    labels = np.full(n, -1, dtype=np.int64)
    roots: list[int] = []
    seen: set[tuple[int, ...]] = set()
    # The heaviest copy of each member set (copies differ in root or match only).
    for column, _ in sorted(result.solution, key=lambda cv: (-cv[1], cv[0].root, cv[0].members)):
        members = tuple(sorted(column.members))
        if members in seen:
            continue
        if (labels[list(members)] >= 0).any():
            return None
        seen.add(members)
        labels[list(members)] = len(roots)
        roots.append(column.root)
    lo, hi = regions
    if (labels < 0).any() or not lo <= len(roots) <= hi:
        return None
    return labels, roots


__all__ = ["BranchResult", "BranchStep", "branch_and_price"]
