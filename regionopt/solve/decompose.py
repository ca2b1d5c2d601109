"""A start from the labour-market regions: solve each area on its own, then share the regions.

When the objective charges regions for spanning several items of a family (labour-market
regions), a good plan keeps most regions inside one item. So each item's schools (an *area*)
are planned on their own for every sensible number of regions, and a knapsack over the areas
picks the numbers that add up to the regions asked for at the least total cost. Every region
of the result lies inside one area, is connected and meets the rules: a valid plan, which the
national phases then improve (a region may still cross areas there when that pays).

Areas that cannot hold a valid region alone (too few technical pupils or vmbo schools), and
schools the family leaves out, join the neighbouring area they share most commuting pupils
with.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from regionopt.config import SearchConfig
from regionopt.errors import InfeasibleError
from regionopt.model.objective import Objective
from regionopt.model.problem import ItemFamily, Problem
from regionopt.model.rules import components, totals
from regionopt.solve.cg.pricing_problem import Column
from regionopt.solve.clock import Clock, wall_guard_s
from regionopt.solve.heuristic import Labelled

AreaSolver = Callable[[Problem, SearchConfig], tuple[Labelled | None, float, tuple[Column, ...]]]
"""Plans one area's problem (its ``regions`` set) under a search configuration: the plan
(None: none found), the work seconds it took and the regions its column generation met (the
area problem's school ids)."""


@dataclass(frozen=True)
class AreaPlan:
    """One area planned with a given number of regions."""

    regions: int
    cost: int
    """The sum of its regions' costs in the national objective (scaled)."""
    labels: np.ndarray
    """National school id -> region index within the area, for the area's schools."""
    schools: np.ndarray
    roots: tuple[int, ...]
    """National school ids of the regions' roots."""
    columns: tuple[Column, ...] = ()
    """The regions the area's column generation met (national school ids)."""


@dataclass(frozen=True)
class AreaStart:
    """What the area start gives the national phases."""

    plan: Labelled | None
    """The plan (None: none found in time, or the areas cannot add up to the regions)."""
    columns: tuple[Column, ...]
    """Every region the areas' column generation met, for every number of regions tried
    (national school ids; regions of the area problems, to be checked against the national
    model before use)."""


def areas(problem: Problem, family: ItemFamily) -> list[np.ndarray]:
    """The schools of each item, every area able to hold a valid region on its own."""
    link = _links(problem)
    group = family.index.copy()
    for i in np.flatnonzero(group < 0).tolist():
        known = [j for j in problem.adjacency[i] if group[j] >= 0]
        if known:
            group[i] = group[max(known, key=lambda j: link.get((i, j), 0.0))]
    group = _connected_parts(problem, group)
    group = _join_together_groups(problem, group)
    while True:
        small = [
            g for g in sorted(set(group.tolist())) if not _can_hold_a_region(problem, group, g)
        ]
        if not small:
            break
        merged = _merge_into_neighbour(problem, group, small[0], link)
        if not merged:
            break
    return [np.flatnonzero(group == g) for g in sorted(set(group.tolist()))]


def _connected_parts(problem: Problem, group: np.ndarray) -> np.ndarray:
    """Each connected part of an area as an area of its own: a region must be connected, so
    a school cut off from the rest of its area could join none of its regions."""
    parts = [
        members
        for g in set(group.tolist())
        for members in components(problem.adjacency, np.flatnonzero(group == g).tolist())
    ]
    part = np.empty(problem.n, dtype=np.int64)
    # Numbered by their smallest school, as the areas were.
    for k, members in enumerate(sorted(parts, key=lambda p: p[0])):
        part[members] = k
    return part


def _join_together_groups(problem: Problem, group: np.ndarray) -> np.ndarray:
    """One area for every group of schools that must share a region (close schools, locks):
    a group split over two areas could be in no region of the start."""
    group = group.copy()
    for members in problem.together_groups:
        held = set(group[members].tolist())
        if len(held) > 1:
            group[np.isin(group, list(held))] = min(held)
    return group


def _links(problem: Problem) -> dict[tuple[int, int], float]:
    out: dict[tuple[int, int], float] = {}
    for (u, v), w in zip(problem.edges.tolist(), problem.edge_weight.tolist(), strict=True):
        out[(u, v)] = out.get((u, v), 0.0) + w + 1e-6
        out[(v, u)] = out.get((v, u), 0.0) + w + 1e-6
    return out


def _can_hold_a_region(problem: Problem, group: np.ndarray, g: int) -> bool:
    return not problem.rules.short_of(totals(problem.facts, np.flatnonzero(group == g)))


def _merge_into_neighbour(
    problem: Problem, group: np.ndarray, g: int, link: dict[tuple[int, int], float]
) -> bool:
    """Give area ``g`` to the neighbouring area it shares most commuting pupils with."""
    shared: dict[int, float] = {}
    for i in np.flatnonzero(group == g).tolist():
        for j in problem.adjacency[i]:
            if group[j] != g:
                shared[int(group[j])] = shared.get(int(group[j]), 0.0) + link[(i, j)]
    if not shared:
        return False
    group[group == g] = max(shared, key=lambda k: (shared[k], -k))
    return True


def plan_area(
    objective: Objective,
    schools: np.ndarray,
    regions: int,
    search: SearchConfig,
    solve: AreaSolver,
) -> tuple[AreaPlan | None, float]:
    """One area's best plan with ``regions`` regions (None when there is none), and the work
    seconds it took."""
    sub = objective.problem.restrict(schools).with_regions(regions)
    try:
        found, work_s, met = solve(sub, search)
    except InfeasibleError:
        return None, 0.0
    if found is None:
        return None, work_s
    columns = tuple(
        Column(int(schools[c.root]), tuple(schools[list(c.members)].tolist()), 0) for c in met
    )
    labels, roots = found
    cost = sum(
        objective.region_cost(schools[np.flatnonzero(labels == r)], int(schools[j]))
        for r, j in enumerate(roots)
    )
    made = AreaPlan(
        regions,
        cost,
        np.asarray(labels),
        schools,
        tuple(int(schools[j]) for j in roots),
        columns,
    )
    return made, work_s


def region_counts(problem: Problem, schools: np.ndarray) -> range:
    """The numbers of regions worth trying for an area: around its share of the regions."""
    share = float(problem.technical[schools].sum()) / problem.size_mean
    most = problem.rules.capacity(totals(problem.facts, schools))
    return range(max(1, math.floor(share) - 1), min(most, math.ceil(share) + 2) + 1)


def share_regions(tables: list[dict[int, AreaPlan]], lo: int, hi: int) -> list[AreaPlan] | None:
    """One plan per area whose region counts add up to ``lo..hi``, at the least total cost
    (a knapsack over the areas)."""
    best: dict[int, tuple[int, list[AreaPlan]]] = {0: (0, [])}
    for table in tables:
        nxt: dict[int, tuple[int, list[AreaPlan]]] = {}
        for count, (cost, chosen) in best.items():
            for p, plan in table.items():
                total = count + p
                if total > hi:
                    continue
                if total not in nxt or nxt[total][0] > cost + plan.cost:
                    nxt[total] = (cost + plan.cost, [*chosen, plan])
        best = nxt
    feasible = [best[k] for k in range(lo, hi + 1) if k in best]
    return min(feasible, key=lambda c: c[0])[1] if feasible else None


def decomposed_start(
    objective: Objective,
    family: ItemFamily,
    search: SearchConfig,
    solve: AreaSolver,
    *,
    time_limit_s: float,
    workers: int = 1,
    clock: Clock | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> AreaStart:
    """A valid plan whose regions each lie inside one area of ``family``, and the regions the
    areas' runs met.

    The areas' plans are independent: with ``workers`` > 1 they are made in that many forked
    processes at once, largest areas first. On a deterministic ``clock`` the time limit
    counts the work the areas' plans report (taken in task order, shared by the workers),
    and that work is charged to the clock. ``progress`` is called with (area plans made,
    area plans to make, work seconds they have reported so far) after each one.
    """
    clock = clock or Clock()
    problem = objective.problem
    found_areas = areas(problem, family)
    tasks = [
        (a, p)
        for a, schools in sorted(enumerate(found_areas), key=lambda e: -len(e[1]))
        for p in region_counts(problem, schools)
    ]
    tables: list[dict[int, AreaPlan]] = [{} for _ in found_areas]

    def plan(task: tuple[int, int]) -> tuple[tuple[int, AreaPlan | None], float]:
        a, p = task
        made, work_s = plan_area(objective, found_areas[a], p, search, solve)
        return (a, made), work_s

    finished = _run_tasks(plan, tasks, time_limit_s, workers, clock, progress)
    if finished is None:
        return AreaStart(None, ())
    for a, made in finished:
        if made is not None:
            tables[a][made.regions] = made
    columns = tuple(
        dict.fromkeys(c for table in tables for made in table.values() for c in made.columns)
    )
    if not all(tables):
        return AreaStart(None, columns)
    chosen = share_regions(tables, *problem.regions)
    if chosen is None:
        return AreaStart(None, columns)
    labels = np.full(problem.n, -1, dtype=np.int64)
    roots: list[int] = []
    for area_plan in chosen:
        labels[area_plan.schools] = area_plan.labels + len(roots)
        roots += list(area_plan.roots)
    return AreaStart((labels, roots), columns)


T = TypeVar("T")
R = TypeVar("R")


def _run_tasks(
    work: Callable[[T], tuple[R, float]],
    tasks: list[T],
    time_limit_s: float,
    workers: int,
    clock: Clock,
    progress: Callable[[int, int, float], None] | None = None,
) -> list[R] | None:
    """Every task's result, in this process or ``workers`` forked ones (None: out of time).

    A task returns its result and its work seconds. On a deterministic clock the limit is on
    that work (divided among the workers), summed in task order; otherwise on the wall clock
    (and then, as a guard, on twenty times the limit). ``progress`` hears (done, total) after
    each task, with the work seconds the tasks have reported so far.
    """
    limit = time_limit_s if not clock.deterministic else wall_guard_s(time_limit_s, slack_s=1.0)
    deadline = time.perf_counter() + limit
    parallel = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    share = workers if parallel else 1
    budget = _TaskBudget(clock, time_limit_s, share)
    if not parallel:
        out = []
        for task in tasks:
            if time.perf_counter() > deadline or budget.over():
                return None
            result, work_s = work(task)
            budget.spend(work_s)
            out.append(result)
            if progress is not None:
                progress(len(out), len(tasks), budget.spent)
        return None if budget.over() else out
    global _WORK
    _WORK = work
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_ignore_ctrl_c) as pool:
        # In task order when deterministic: the work summed so far is then the same each run.
        run = pool.imap if clock.deterministic else pool.imap_unordered
        pending = run(_call_work, tasks)
        results = []
        for _ in tasks:
            left = deadline - time.perf_counter()
            try:
                result, work_s = pending.next(timeout=max(left, 0.0))
            except multiprocessing.TimeoutError:
                pool.terminate()
                return None
            budget.spend(work_s)
            if budget.over():
                pool.terminate()
                return None
            results.append(result)
            if progress is not None:
                progress(len(results), len(tasks), budget.spent)
        return results


class _TaskBudget:
    """The area start's work, charged to the run's clock; over the limit only when the clock
    is deterministic (the wall clock's deadline is checked apart)."""

    def __init__(self, clock: Clock, limit_s: float, share: int) -> None:
        self.clock, self.limit_s, self.share = clock, limit_s, share
        self.spent = 0.0

    def spend(self, work_s: float) -> None:
        self.spent += work_s / self.share
        self.clock.charge("area start", work_s / self.share)

    def over(self) -> bool:
        return self.clock.deterministic and self.spent > self.limit_s


_WORK: Callable[[Any], Any] | None = None
"""The task function forked pool workers call (set before the pool forks)."""


def _call_work(task: Any) -> Any:
    assert _WORK is not None
    return _WORK(task)


def _ignore_ctrl_c() -> None:
    """Pool workers leave Ctrl-C to the main process, which ends them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["AreaPlan", "areas", "decomposed_start", "plan_area", "region_counts", "share_regions"]
