"""Lower the closure bounds of the roots that matter with exact (CP-SAT) pricing."""

from __future__ import annotations

import math

import numpy as np

from regionopt.solve.cg.pricing_problem import PricingProblem
from regionopt.solve.cg.workers import PricingPool
from regionopt.solve.clock import Clock


def tighten(
    prob: PricingProblem,
    pool: PricingPool,
    pi: np.ndarray,
    ub: np.ndarray,
    sets: list[np.ndarray],
    settled: np.ndarray,
    *,
    exact_time_s: float,
    budget_s: float,
    extra: list[tuple[int, np.ndarray]],
    known: np.ndarray | None = None,
    clock: Clock | None = None,
) -> tuple[np.ndarray, int]:
    """Lower the largest per-root upper bounds with exact pricing, largest first.

    A root whose closure optimum is a column worth its closure value is exact already
    (``settled``), and a root's last
    proven bound, shifted by how far its duals rose, can rule it out without a call.
    ``known`` holds lower bounds on the pricing values (the master's columns): its ``hi``-th
    largest is at most the ``hi``-th largest final bound, so a call only has to search above
    it (a root below it does not count in the Lagrangian bound). Stops when the roots with the
    ``hi`` largest bounds are settled (exact, or priced once) or the budget is spent.

    Returns the tightened bounds (still valid) and how many CP-SAT calls ran. A set CP-SAT
    found replaces the root's entry of ``sets``; the other solutions it met go to ``extra`` as
    (root index, member set). Every call's work is charged to ``clock`` (shared by the
    workers running side by side).
    """
    clock = clock or Clock()
    started = clock.now()
    ub = np.minimum(ub, [root.shifted_bound(pi) for root in prob.roots])
    settled = settled.copy()
    calls = 0
    top = prob.hi
    floor = -math.inf
    if known is not None and len(known) >= top:
        floor = float(np.sort(known)[-top])
    while len(ub):
        # Keep every worker busy with the open root of largest bound; a call in flight counts
        # as settled for choosing the next one.
        while pool.in_flight < pool.slots and clock.now() - started < budget_s:
            order = np.argsort(-ub, kind="stable")[:top]
            open_ = [int(k) for k in order if not settled[k]]
            if not open_:
                break
            settled[open_[0]] = True
            pool.submit(open_[0], pi, exact_time_s, floor)
        if pool.in_flight == 0:
            break
        k, bound_k, found, work_s = pool.result()
        clock.charge("pricing", work_s / pool.parallelism)
        calls += 1
        root = prob.roots[k]
        root.last_duals = root.tracked_duals(pi)
        root.last_bound = bound_k
        ub[k] = min(ub[k], bound_k)
        if found:
            sets[k] = found[-1]
            extra += [(k, chosen) for chosen in found[:-1]]
    return ub, calls


__all__ = ["tighten"]
