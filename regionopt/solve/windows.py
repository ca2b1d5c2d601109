"""Improve a valid plan by re-solving windows of neighbouring regions almost exactly.

A window of a few neighbouring regions (40-70 schools) is small enough for column generation
to solve almost exactly in seconds, because the set-partitioning relaxation is tight there.
Re-solving window after window (a large neighbourhood search whose neighbourhoods are solved
by price and branch) lowers the national objective quickly.

A window keeps its number of regions and the schools outside it stay put, so the edges from
the window to the outside are cut whatever the window does: the window's objective is
exactly its share of the national one. Every region a window returns is a column of the
national model (the national candidate pairs and Hess ordering, every rule).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.loop import CgSettings, column_generation
from regionopt.solve.cg.pricing_problem import Column
from regionopt.solve.clock import Clock
from regionopt.solve.heuristic import Labelled

Pool = dict[tuple[int, tuple[int, ...]], Column]


@dataclass(frozen=True)
class WindowSettings:
    """How windows are chosen and solved (defaults: ``SearchConfig``)."""

    time_limit_s: float = 60.0
    regions: int = 6
    """A window holds at most this many regions ..."""
    schools: int = 60
    """... and this many schools."""
    window_s: float = 4.0
    """Column generation seconds per window (the IP gets half of it more)."""
    national_every: int = 5
    """After this many windows, the national IP over every region met so far."""
    national_ip_s: float = 5.0


@dataclass(frozen=True)
class WindowStep:
    """One window re-solved."""

    elapsed_s: float
    objective: float
    """National objective after this window."""
    regions: int
    schools: int
    improved: bool


@dataclass(frozen=True)
class WindowsResult:
    """What ``improve_by_windows`` returns."""

    plan: Labelled
    objective: float
    start_objective: float
    windows: int
    """Windows re-solved."""
    improvements: int
    """Windows whose new regions lowered the objective."""
    national_improvements: int
    """National IPs over the pool that lowered the objective."""
    local_optimum: bool
    """True when no window could improve the plan any more."""
    wall_time_s: float
    pool: tuple[Column, ...]
    """Every region the windows met (national school ids)."""


def locks_apart(problem: Problem, labels: np.ndarray) -> bool:
    """True when schools locked under different labels are in different regions."""
    heads = [int(labels[members[0]]) for _, members in problem.locks if members]
    return len(heads) == len(set(heads))


def region_links(problem: Problem, labels: np.ndarray, k: int) -> np.ndarray:
    """Commuting weight between every two regions, shape (k, k)."""
    a, b = labels[problem.edges[:, 0]], labels[problem.edges[:, 1]]
    links = np.zeros((k, k))
    cross = a != b
    np.add.at(links, (a[cross], b[cross]), problem.edge_weight[cross])
    return np.asarray(links + links.T)


def choose_window(
    links: np.ndarray, sizes: np.ndarray, seed: int, max_regions: int, max_schools: int
) -> list[int]:
    """The seed region and its most strongly linked neighbours, grown greedily."""
    chosen = [seed]
    schools = int(sizes[seed])
    while len(chosen) < max_regions:
        pull = links[chosen].sum(axis=0)
        pull[chosen] = 0.0
        order = np.argsort(-pull, kind="stable")
        nxt = next(
            (int(r) for r in order if pull[r] > 0 and schools + sizes[r] <= max_schools), None
        )
        if nxt is None:
            break
        chosen.append(nxt)
        schools += int(sizes[nxt])
    return chosen


def improve_by_windows(
    objective: Objective,
    cand: Candidates,
    restriction: Restriction,
    plan: Labelled,
    settings: WindowSettings,
    *,
    columns: Sequence[Column] = (),
    target_objective: float | None = None,
    progress: Callable[[WindowStep], None] | None = None,
    clock: Clock | None = None,
) -> WindowsResult:
    """Lower a valid plan's objective by re-solving windows of neighbouring regions.

    The plan is never made worse; ``target_objective`` stops the search once reached (e.g.
    within the wanted gap of a proven bound). ``columns`` are national regions known already
    (a bound's pool), for the national IPs. The time limits are measured on ``clock``
    (default: the wall clock from now).
    """
    search = _Windows(objective, cand, restriction, plan, settings, columns, clock or Clock())
    while not search.done(target_objective):
        tried_any = False
        for seed in search.seeds():
            if search.done(target_objective):
                break
            outcome = search.try_window(seed)
            if outcome is None:
                continue
            tried_any = True
            if progress is not None:
                progress(outcome)
            if outcome.improved:
                break  # the region links changed: rebuild the windows
        if not tried_any and not search.national():
            search.local_optimum = True
            break
    return search.result()


class _Windows:
    """The state of a window search."""

    def __init__(
        self,
        objective: Objective,
        cand: Candidates,
        restriction: Restriction,
        plan: Labelled,
        settings: WindowSettings,
        columns: Sequence[Column],
        clock: Clock,
    ) -> None:
        self.objective, self.cand, self.restriction, self.settings = (
            objective,
            cand,
            restriction,
            settings,
        )
        self.clock = clock
        self.start = clock.now()
        self.wall_start = time.perf_counter()
        self.labels = np.asarray(plan[0], dtype=np.int64).copy()
        self.roots = [int(j) for j in plan[1]]
        self.value = objective.score(self.labels, self.roots).total
        self.start_value = self.value
        self.pool: Pool = {(c.root, c.members): c for c in columns}
        self._add_plan()
        self.settled: set[frozenset[tuple[int, ...]]] = set()
        self.windows = self.improvements = self.national_improvements = 0
        self.local_optimum = False

    def done(self, target: float | None) -> bool:
        reached = target is not None and self.value <= target
        return reached or self.clock.now() - self.start >= self.settings.time_limit_s

    def seeds(self) -> list[int]:
        """Regions with the heaviest borders first: that is where a re-solve gains most."""
        k = len(self.roots)
        border = region_links(self.objective.problem, self.labels, k).sum(axis=1)
        return [int(r) for r in np.argsort(-border, kind="stable")]

    def _add_plan(self) -> None:
        """Add the current plan's regions to the pool (costs are recomputed where used)."""
        for r, j in enumerate(self.roots):
            members = tuple(np.flatnonzero(self.labels == r).tolist())
            self.pool.setdefault((int(j), members), Column(int(j), members, 0))

    def _key(self, regions: list[int]) -> frozenset[tuple[int, ...]]:
        return frozenset(tuple(np.flatnonzero(self.labels == r).tolist()) for r in regions)

    def try_window(self, seed: int) -> WindowStep | None:
        """Re-solve the window around region ``seed``; None when it was settled already."""
        problem, s = self.objective.problem, self.settings
        k = len(self.roots)
        links = region_links(problem, self.labels, k)
        sizes = np.bincount(self.labels, minlength=k)
        regions = choose_window(links, sizes, seed, s.regions, s.schools)
        if len(regions) < 2 or self._key(regions) in self.settled:
            return None
        ids = np.flatnonzero(np.isin(self.labels, regions))
        found = self._solve_window(ids, regions)
        self.windows += 1
        improved = found is not None and self._take_window(ids, regions, found)
        if improved:
            self._add_plan()
        self.settled.add(self._key(regions))
        if self.windows % s.national_every == 0 and self.national():
            improved = True
        return WindowStep(
            time.perf_counter() - self.wall_start, self.value, len(regions), len(ids), improved
        )

    def _solve_window(self, ids: np.ndarray, regions: list[int]) -> Labelled | None:
        """Column generation and the IP over its columns on the window's schools."""
        problem, s = self.objective.problem, self.settings
        sub = problem.restrict(ids).with_regions(len(regions))
        sub_objective = Objective.build(sub, self.objective.weights, scale=self.objective.scale)
        sub_cand = self.cand.restrict(ids, problem.n)
        local = {int(i): q for q, i in enumerate(ids.tolist())}
        sub_labels = np.array([regions.index(int(self.labels[i])) for i in ids], dtype=np.int64)
        sub_roots = [local[self.roots[r]] for r in regions]
        res = column_generation(
            sub_objective,
            sub_cand,
            self.restriction,
            CgSettings(
                pricing="exact",
                time_limit_s=s.window_s,
                exact_time_s=0.5,
                round_budget_s=s.window_s / 2,
            ),
            plans=[(sub_labels, sub_roots)],
            clock=self.clock,
        )
        for col in res.pool:
            members = tuple(int(ids[q]) for q in col.members)
            root = int(ids[col.root])
            self.pool.setdefault((root, members), replace(col, root=root, members=members))
        found = best_partition(
            sub_objective, res.pool, time_limit_s=s.window_s / 2, clock=self.clock
        )
        return None if found is None else found[0]

    def _take_window(self, ids: np.ndarray, regions: list[int], found: Labelled) -> bool:
        """Put the window's new regions in the plan when that lowers the objective."""
        part, part_roots = found
        labels = self.labels.copy()
        roots = list(self.roots)
        for q, i in enumerate(ids.tolist()):
            labels[i] = regions[int(part[q])]
        for r, j in zip(regions, part_roots, strict=True):
            roots[r] = int(ids[j])
        value = self.objective.score(labels, roots).total
        if value < self.value - 1e-6 and locks_apart(self.objective.problem, labels):
            self.labels, self.roots, self.value = labels, roots, value
            self.improvements += 1
            return True
        return False

    def national(self) -> bool:
        """The cheapest national cover of the pool, taken when it beats the plan.

        Regions met in different windows combine across the country, so this may move a
        region from one area to another, which no single window can.
        """
        found = best_partition(
            self.objective,
            list(self.pool.values()),
            time_limit_s=self.settings.national_ip_s,
            clock=self.clock,
        )
        if found is None:
            return False
        labels, roots = found[0]
        value = self.objective.score(labels, roots).total
        if value >= self.value - 1e-6 or not locks_apart(self.objective.problem, labels):
            return False
        self.labels, self.roots, self.value = np.asarray(labels), list(roots), value
        self.national_improvements += 1
        return True

    def result(self) -> WindowsResult:
        return WindowsResult(
            plan=(self.labels, self.roots),
            objective=self.value,
            start_objective=self.start_value,
            windows=self.windows,
            improvements=self.improvements,
            national_improvements=self.national_improvements,
            local_optimum=self.local_optimum,
            wall_time_s=time.perf_counter() - self.wall_start,
            pool=tuple(self.pool.values()),
        )


__all__ = [
    "WindowSettings",
    "WindowStep",
    "WindowsResult",
    "choose_window",
    "improve_by_windows",
    "locks_apart",
    "region_links",
]
