"""A bound over every connected region, from the duals of a restricted column generation.

The Lagrangian bound (``PricingProblem.lagrangian``) holds at any duals, for any model whose
pricing values it is given upper bounds of. Column generation under a restriction (a radius,
the Hess order) ends at duals where most roots' best region lies inside the restriction anyway;
pricing every root again at those duals without the restriction (exact CP-SAT over every school,
contiguity by separator cuts) gives a bound valid for every connected region that meets the
rules. The calls run in passes of growing time limits, open roots of largest bound first:
most roots are proven in a second, a few need tens. A root not yet proven keeps CP-SAT's
proven bound, or none (then the bound is 0 until it is priced).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.solve.cg.pricing_problem import Column, PricingProblem, SubsetRow, rounded_up
from regionopt.solve.cg.workers import PricingPool
from regionopt.solve.clock import Clock


@dataclass(frozen=True)
class AllRegionsBound:
    """A lower bound valid for every connected region that meets the rules."""

    bound: float
    """Objective units, at least 0."""
    roots: int
    """Possible penvoerders (each a root of the pricing)."""
    proven: int
    """Roots whose pricing value is proven (their optimum, or nothing that counts)."""
    calls: int
    """CP-SAT pricing calls made."""
    wall_s: float
    """Wall-clock seconds of the phase."""

    @property
    def complete(self) -> bool:
        """True when every root's pricing was proven (the bound is the duals' full bound)."""
        return self.proven == self.roots


def all_regions_bound(
    objective: Objective,
    duals: np.ndarray,
    columns: Sequence[Column] = (),
    *,
    budget_s: float,
    workers: int = 1,
    first_limit_s: float = 1.0,
    growth: float = 4.0,
    clock: Clock | None = None,
    progress: Callable[[float], None] | None = None,
    cuts: Sequence[SubsetRow] = (),
) -> AllRegionsBound:
    """The Lagrangian bound at ``duals`` with every root priced over every connected region.

    Parameters
    ----------
    objective : Objective
        The objective the duals belong to (the one column generation ran on).
    duals : numpy.ndarray
        Duals of the master's rows (``CgResult.duals``).
    columns : sequence of Column
        Regions known to be valid (e.g. the master's pool): their values at the duals are
        lower bounds on the pricing values, so a root need only be searched above the
        ``hi``-th largest of them.
    budget_s : float
        No call starts after this many seconds (on ``clock``); calls in flight finish.
    workers : int
        Pricing processes.
    first_limit_s, growth : float
        Each call's time limit in the first pass, and its factor from pass to pass.
    clock : Clock, optional
        What the budget counts, charged with the calls' work (default: the wall clock).
    progress : callable, optional
        Called with the bound (objective units) after every call.
    cuts : sequence of SubsetRow
        The subset-row cuts of that master (``duals`` ends with theirs).
    """
    clock = clock or Clock()
    started, wall_start = clock.now(), time.perf_counter()
    restriction = Restriction()
    prob = PricingProblem(
        objective, candidates(objective.problem, restriction), restriction, cuts=cuts
    )
    floor = _floor(prob, duals, columns)
    rounded = rounded_up(duals)
    upper = np.full(len(prob.roots), math.inf)
    proven = np.zeros(len(prob.roots), dtype=bool)
    calls = 0
    # A pass's queue is fixed when it starts, so a deep queue costs no choice; a root priced
    # again in a later pass finds its model and cuts in the same worker.
    pool = PricingPool(
        prob, workers, deterministic=clock.deterministic, depth=_DEPTH, affinity=True
    )
    limit = first_limit_s
    try:
        while not proven.all() and clock.now() - started < budget_s:
            queue = [int(k) for k in np.argsort(-upper, kind="stable") if not proven[k]]
            while queue or pool.in_flight:
                while queue and pool.in_flight < pool.slots and clock.now() - started < budget_s:
                    pool.submit(queue.pop(0), duals, limit, floor)
                if not pool.in_flight:
                    break
                k, bound_k, found, work_s = pool.result()
                clock.charge("pricing", work_s / pool.parallelism)
                calls += 1
                upper[k] = min(upper[k], bound_k)
                root = prob.roots[k]
                # Proven: nothing above the floor, or a region found worth the bound.
                proven[k] = bound_k <= floor + 1e-9 or (
                    bool(found) and prob.value(found[-1], root.root, rounded) >= bound_k - 1e-6
                )
                if progress is not None:
                    progress(_units(prob, duals, upper))
            limit *= growth
    finally:
        pool.close()
    return AllRegionsBound(
        bound=_units(prob, duals, upper),
        roots=len(prob.roots),
        proven=int(proven.sum()),
        calls=calls,
        wall_s=time.perf_counter() - wall_start,
    )


_DEPTH = 8
"""Calls in flight per worker."""


def _floor(prob: PricingProblem, duals: np.ndarray, columns: Sequence[Column]) -> float:
    """The ``hi``-th largest best known value per root (-inf with fewer such roots)."""
    best: dict[int, float] = {}
    for col in columns:
        if col.root in prob.root_of:
            value = prob.value(col.members, col.root, duals)
            best[col.root] = max(best.get(col.root, -math.inf), value)
    if len(best) < prob.hi:
        return -math.inf
    return float(np.sort(list(best.values()))[-prob.hi])


def _units(prob: PricingProblem, duals: np.ndarray, upper: np.ndarray) -> float:
    """The Lagrangian bound in objective units (0 while a root has no upper bound; a root
    proven to have no region at all, -inf, simply never counts)."""
    if np.isposinf(upper).any():
        return 0.0
    bound = prob.to_units(prob.lagrangian(duals, upper))
    return max(bound, 0.0) if math.isfinite(bound) else 0.0


__all__ = ["AllRegionsBound", "all_regions_bound"]
