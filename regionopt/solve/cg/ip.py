"""The set-partitioning IP over a pool of columns (HiGHS): the cheapest plan they make.

Every column is a valid region of the model, so any cover of every school by ``lo..hi``
columns is a valid plan ("price and branch" when the pool comes from column generation).
Costs are recomputed by the objective, so columns from windows combine across the country.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix

from regionopt.model.objective import Objective
from regionopt.solve.cg.pricing_problem import Column
from regionopt.solve.clock import IP_CHOICE_S, IP_NODE_S, Clock, ip_node_limit, wall_guard_s
from regionopt.solve.heuristic import Labelled


def best_partition(
    objective: Objective,
    pool: Sequence[Column],
    *,
    time_limit_s: float = 10.0,
    clock: Clock | None = None,
) -> tuple[Labelled, int] | None:
    """The cheapest plan made of columns from a pool.

    Columns holding schools locked to two different labels are left out, so the plan keeps
    every lock. With a reference plan the IP also matches regions to reference regions one to
    one, so moves are charged as the objective charges them (and ``max_moves`` caps them).

    On a deterministic ``clock`` the IP stops on the branch-and-bound nodes its time limit
    buys instead of the time itself (and charges its work), so it gives the same plan every
    run.

    Returns
    -------
    ((labels, roots), scaled cost without the constant) or None
        None when the pool covers no plan in time.
    """
    problem = objective.problem
    # Recompute every cost here: a column from a window was costed in the window's terms.
    cols = [
        Column(root, members, objective.region_cost(members, root))
        for root, members in dict.fromkeys((c.root, c.members) for c in pool)
    ]
    lock_of = np.full(problem.n, -1, dtype=np.int64)
    for k, (_, ids) in enumerate(problem.locks):
        lock_of[list(ids)] = k
    # A region holding schools of two lock labels would merge them: never a column to use.
    cols = [c for c in cols if len(set(lock_of[list(c.members)].tolist()) - {-1}) <= 1]
    if not cols:
        return None
    choices, cost = _choices(objective, cols, lock_of)
    picked = _solve(objective, cols, choices, cost, time_limit_s, clock or Clock())
    if picked is None:
        return None
    labels = np.full(problem.n, -1, dtype=np.int64)
    chosen = [cols[choices[k][0]] for k in picked]
    for r, c in enumerate(chosen):
        labels[list(c.members)] = r
    if (labels < 0).any():
        return None
    return (labels, [c.root for c in chosen]), int(sum(cost[k] for k in picked))


def _solve(
    objective: Objective,
    cols: list[Column],
    choices: list[tuple[int, int]],
    cost: list[int],
    time_limit_s: float,
    clock: Clock,
) -> np.ndarray | None:
    """The chosen choices of the IP (indices into ``choices``), or None."""
    problem = objective.problem
    n, m = problem.n, len(choices)
    rows = np.concatenate([np.asarray(cols[c].members, dtype=np.int64) for c, _ in choices])
    idx = np.concatenate([np.full(len(cols[c].members), k) for k, (c, _) in enumerate(choices)])
    lo, hi = problem.regions
    constraints = [
        LinearConstraint(csc_matrix((np.ones(len(rows)), (rows, idx)), shape=(n, m)), 1, 1),
        LinearConstraint(np.ones((1, m)), lo, hi),
    ]
    matched = [(rr, k) for k, (_, rr) in enumerate(choices) if rr >= 0]
    if matched:
        rr_of, ks = np.array(matched, dtype=np.int64).T
        once = csc_matrix((np.ones(len(ks)), (rr_of, ks)), shape=(len(problem.reference_ids), m))
        constraints.append(LinearConstraint(once, -np.inf, 1))
        if problem.max_moves is not None and problem.reference is not None:
            in_ref = int((problem.reference >= 0).sum())
            kept = np.array(
                [objective.kept(np.asarray(cols[c].members), rr) for c, rr in choices], dtype=float
            )
            constraints.append(LinearConstraint(kept[None, :], in_ref - problem.max_moves, np.inf))
    options: dict[str, float | bool] = {"time_limit": max(time_limit_s, 0.1), "disp": False}
    if clock.deterministic:
        # Presolve and the root LP are not nodes: the guard has a floor.
        guard = wall_guard_s(time_limit_s, floor_s=60.0)
        options |= {"node_limit": ip_node_limit(time_limit_s), "time_limit": guard}
    with native_stdout_silenced():
        res = milp(
            np.asarray(cost, dtype=float),
            constraints=constraints,
            integrality=np.ones(m),
            bounds=Bounds(0, 1),
            options=options,
        )
    nodes = getattr(res, "mip_node_count", None) or 0
    clock.charge("ip", m * IP_CHOICE_S + int(nodes) * IP_NODE_S)
    if res.x is None:
        return None
    return np.flatnonzero(res.x > 0.5)


def _choices(
    objective: Objective, cols: list[Column], lock_of: np.ndarray
) -> tuple[list[tuple[int, int]], list[int]]:
    """(column, reference region or -1) choices and their costs.

    Without a reference plan each column is one choice at its cost. With one, a column may
    also be matched to any reference region it overlaps, each kept school earning back a
    move. A lock whose label names a reference region matches its region to that one.
    """
    problem = objective.problem
    if not problem.has_reference:
        return [(c, -1) for c in range(len(cols))], [col.cost for col in cols]
    ref_pos = {rid: k for k, rid in enumerate(problem.reference_ids)}
    lock_ref = [ref_pos.get(label, -1) for label, _ in problem.locks]
    choices: list[tuple[int, int]] = []
    cost: list[int] = []
    for c, col in enumerate(cols):
        members = np.asarray(col.members, dtype=np.int64)
        locks = set(lock_of[members].tolist()) - {-1}
        forced = sorted({lock_ref[k] for k in locks} - {-1})
        for rr in forced or objective.match_options(members):
            choices.append((c, rr))
            cost.append(col.cost - objective.saved(members, rr))
    return choices, cost


__all__ = ["best_partition"]


@contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Nothing written to file descriptor 1 from inside: some HiGHS builds print debug lines
    there with display off ("HighsMipSolverData::transformNewIntegerFeasibleSolution ...")."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
