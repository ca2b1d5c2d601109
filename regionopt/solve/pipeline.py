"""The whole optimisation behind ``regionopt propose``, as a straight pipeline of phases.

Pure numeric core (never geopandas). Phases, each with its budget in ``SearchConfig``:

1. pre-check: explain an infeasible setting before anything long runs;
2. warm start: a constructive rule-valid plan (the first valid plan);
3. CP-SAT: the national model, hinted with the warm start;
4. column generation: a valid lower bound on the model's optimum, and every few seconds the
   set-partitioning IP over its columns for a plan; it stops once a plan is proven within
   ``relative_gap``;
5. windows: re-solve windows of neighbouring regions while the gap is open;
6. branch-and-price (only when ``branch_s`` asks): column generation in a tree of pair
   decisions until the plan is proven within ``relative_gap``;
7. all regions (only when ``all_regions_s`` asks): a bound over every connected region, from
   column generation's duals, when the model is restricted.

Every phase reports in a typed record. A Ctrl-C after the first valid plan ends the run with
that plan and status ``INTERRUPTED``; before it, ``KeyboardInterrupt`` propagates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from regionopt.config import SearchConfig, WeightsConfig
from regionopt.errors import InfeasibleError
from regionopt.model.candidates import Candidates, Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.model.partition import Partition, canonical_order
from regionopt.model.problem import Problem
from regionopt.solve.cg.all_regions import AllRegionsBound, all_regions_bound
from regionopt.solve.cg.branch import BranchResult, BranchStep, branch_and_price
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.loop import CgResult, CgSettings, CgStep, column_generation
from regionopt.solve.cg.pricing_problem import Column, SubsetRow, plan_columns
from regionopt.solve.clock import Clock
from regionopt.solve.cpsat import CpSatProgress, CpSatRun, add_hint, build_model, solve_model
from regionopt.solve.decompose import AreaSolver, decomposed_start
from regionopt.solve.heuristic import Labelled, warm_start
from regionopt.solve.precheck import precheck
from regionopt.solve.windows import WindowSettings, WindowsResult, WindowStep, improve_by_windows

LABOUR_MARKET = "rpa"
"""The item family whose areas the area start plans one by one."""

NO_START_CP_SAT_S = 10.0
"""Seconds of CP-SAT when neither the warm start nor the area start found a plan."""


@dataclass(frozen=True)
class Progress:
    """The best plan and bound so far, for a live display."""

    phase: str
    elapsed_s: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class CpSatReport:
    """The CP-SAT phase."""

    status: str
    objective: float | None
    """CP-SAT's own plan's objective (None when it found none)."""
    bound: float
    wall_s: float
    branches: int
    conflicts: int
    model_size: dict[str, int]


@dataclass(frozen=True)
class BoundReport:
    """The column-generation phase."""

    bound: float
    rounds: int
    columns: int
    wall_s: float
    converged: bool
    ip_objective: float | None
    """The best plan of the IPs over the columns (None when none beat the plan)."""
    cuts: int = 0
    """Subset-row cuts that joined the master (``search.cut_rounds``)."""


@dataclass(frozen=True)
class WindowsReport:
    """The window phase."""

    windows: int
    improvements: int
    national_improvements: int
    local_optimum: bool
    wall_s: float


@dataclass(frozen=True)
class Optimised:
    """The final plan, what its bound proves, and every phase's report."""

    partition: Partition | None
    status: str
    """``OPTIMAL`` (proven within the gap), ``FEASIBLE`` (a plan, gap open), ``INTERRUPTED``
    (Ctrl-C after a plan existed) or ``UNKNOWN`` (no plan)."""
    bound: float
    gap: float | None
    bound_method: str
    scope: str
    """What the bound (and so ``OPTIMAL``) covers, in words."""
    scope_nl: str
    """The same in Dutch, for reports."""
    wall_time_s: float
    spent: dict[str, float]
    """The work the run's solvers reported per kind of solve, in work seconds (see
    ``regionopt.solve.clock``)."""
    time_to_first_valid_s: float | None
    warm_start_objective: float | None
    cp_sat: CpSatReport | None = None
    column_generation: BoundReport | None = None
    windows: WindowsReport | None = None
    branch: BranchResult | None = None
    """The branch-and-price phase (``search.branch_s``), when it ran."""
    all_regions: AllRegionsBound | None = None
    """The bound over every connected region (``search.all_regions_s``), when asked for and the
    model is restricted."""
    pool: tuple[Column, ...] = ()
    """The regions column generation met (this problem's school ids)."""

    @property
    def work_s(self) -> float:
        """All the work the solvers reported: what the budgets count when
        ``search.deterministic``."""
        return sum(self.spent.values())

    @property
    def found(self) -> bool:
        """True when a plan was found."""
        return self.partition is not None


def proven_gap(objective: float, bound: float) -> float:
    """Relative gap ``(objective - bound) / |objective|`` (0 when the bound meets it)."""
    return max(objective - bound, 0.0) / max(abs(objective), 1e-9)


def restriction_of(search: SearchConfig) -> Restriction:
    """The region model's restriction under a search configuration."""
    return Restriction(
        radius_km=search.radius_km, min_roots=search.min_roots, contiguity=search.contiguity
    )


def optimise(
    problem: Problem,
    weights: WeightsConfig,
    search: SearchConfig,
    *,
    cp_sat_s: float | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Optimised:
    """Propose a plan for ``problem`` under ``weights``: every phase of the pipeline.

    Parameters
    ----------
    problem : Problem
    weights : WeightsConfig
    search : SearchConfig
        Budgets and knobs of every phase.
    cp_sat_s : float, optional
        Seconds of the CP-SAT phase (default: ``search.cp_sat_s``; 0 skips it).
    progress : callable, optional
        Called with a ``Progress`` on every new plan or bound.

    Raises
    ------
    InfeasibleError
        When the pre-check or CP-SAT shows that no valid plan exists.
    """
    run = _Pipeline(problem, weights, search, progress)
    run.prepare()
    try:
        run.cp_sat(cp_sat_s)
        run.bound()
        run.improve()
        run.branch()
        run.all_regions()
    except KeyboardInterrupt:
        if run.best is None:
            raise
        run.interrupted = True
    return run.result()


class _Pipeline:
    """The state shared by the phases of one run."""

    def __init__(
        self,
        problem: Problem,
        weights: WeightsConfig,
        search: SearchConfig,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.problem, self.search, self.progress_cb = problem, search, progress
        self.objective = Objective.build(problem, weights, scale=search.objective_scale)
        self.restriction = restriction_of(search)
        self.clock = Clock(deterministic=search.deterministic)
        self.start = time.perf_counter()
        self.cand: Candidates
        self.best: Partition | None = None
        self.bound_value = 0.0
        self.bound_method = "none"
        self.first_valid: float | None = None
        self.warm_objective: float | None = None
        self.pool: tuple[Column, ...] = ()
        self.area_columns: tuple[Column, ...] = ()
        """The regions the area start's runs met: column generation starts with them."""
        self.duals: tuple[Objective, np.ndarray, tuple[SubsetRow, ...]] | None = None
        """Column generation's objective and its best duals."""
        self.interrupted = False
        self.reports: dict[str, object] = {}

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def report(
        self, phase: str, objective: float | None = None, bound: float | None = None
    ) -> None:
        if self.progress_cb is not None:
            self.progress_cb(Progress(phase, self.elapsed(), objective, bound))

    def over_cap(self, partition: Partition | None) -> bool:
        """True when a plan moves more schools than ``max_moves`` (only a warm start can)."""
        cap = self.problem.max_moves
        return (
            partition is not None and cap is not None and partition.components.reference_moves > cap
        )

    def take(self, plan: Labelled, phase: str) -> bool:
        """Keep a plan when it beats the current one (any plan within the cap beats one over).

        A plan that splits a group of schools that must share a region is never kept: every
        phase should respect the groups, and this keeps a phase that does not from ending in a
        broken plan."""
        if self.problem.splits_a_group(plan[0]):
            return False
        candidate = Partition.scored(self.objective, plan[0], plan[1])
        if self.over_cap(candidate):
            return False
        beaten = self.best is not None and not self.over_cap(self.best)
        if beaten and self.best is not None and candidate.objective >= self.best.objective - 1e-9:
            return False
        if self.best is None or self.over_cap(self.best):
            self.first_valid = self.elapsed()
        self.best = candidate
        self.report(phase, candidate.objective)
        return True

    def gap(self) -> float:
        if self.best is None:
            return 1.0
        return proven_gap(self.best.objective, self.bound_value)

    # -- phases ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """Pre-check, candidates and the warm start."""
        self.cand = candidates(self.problem, self.restriction)
        reasons = precheck(self.problem, self.cand, self.restriction)
        if reasons:
            raise InfeasibleError(reasons)
        plan = warm_start(self.objective, self.cand, seed=self.search.seed)
        if plan is not None and not self.problem.splits_a_group(plan[0]):
            self.cand = self.cand.with_plan(*plan)
            self.best = Partition.scored(self.objective, *plan)
            self.warm_objective = self.best.objective
            self.first_valid = None if self.over_cap(self.best) else self.elapsed()
            self.report("warm start", self.best.objective)
        self.area_start()

    def area_start(self) -> None:
        """A start plan made area by area, when regions pay for crossing an item family."""
        family = next(
            (
                f
                for f, cost in zip(self.problem.items, self.objective.item_cost, strict=True)
                if f.name == LABOUR_MARKET and cost > 0
            ),
            None,
        )
        search = self.search
        # With a reference plan too: the areas are planned without it (``restrict`` drops it),
        # and the start is then scored with the moves it makes.
        if family is None or search.area_start_s <= 0:
            return
        start = decomposed_start(
            self.objective,
            family,
            area_search(search),
            area_solver(self.objective.weights),
            time_limit_s=search.area_start_s,
            workers=search.workers,
            clock=self.clock,
            progress=self._relay_area_start,
        )
        self.area_columns = start.columns
        plan = start.plan
        if plan is not None and not self.problem.splits_a_group(plan[0]):
            self.cand = self.cand.with_plan(*plan)
            self.take(plan, "area start")

    def _relay_area_start(self, done: int, total: int, spent: float) -> None:
        """Progress of the area start: plans made, and on the deterministic clock the work
        spent of its budget (the area plans come in task order, largest areas first, so a
        long one holds the count while the others go on)."""
        budget = (
            f", {spent:.0f} of {self.search.area_start_s:.0f} work s"
            if self.clock.deterministic
            else ""
        )
        self.report(f"area start, {done} of {total} area plans{budget}")

    def cp_sat(self, seconds: float | None) -> None:
        """The national CP-SAT model, hinted with the warm start."""
        search = self.search
        if seconds is None:
            seconds = search.cp_sat_s
        if seconds <= 0 and self.best is None:
            # No start plan: CP-SAT is then the way to a first one.
            seconds = self.clock.now() + NO_START_CP_SAT_S
        if seconds <= 0:
            return
        built = build_model(self.objective, self.cand, self.restriction)
        if self.best is not None:
            add_hint(built, self.objective, (self.best.labels, list(self.best.roots)))
        started = self.elapsed()
        budget_start = self.clock.now()

        def relay(p: CpSatProgress) -> None:
            self.report("CP-SAT", p.objective, p.bound)

        run = solve_model(
            built,
            self.objective,
            time_limit_s=max(seconds - budget_start, 0.1),
            workers=search.workers,
            seed=search.seed,
            relative_gap=search.relative_gap,
            progress=relay,
            clock=self.clock,
        )
        if run.status == "INFEASIBLE":
            raise InfeasibleError([_infeasible_message(self.problem, self.restriction)])
        self._cp_sat_report(run, built.size)
        if run.plan is not None:
            if self.best is None and run.first_solution_s is not None:
                self.first_valid = started + run.first_solution_s
            self.take(run.plan, "CP-SAT")
        self.bound_value = max(self.bound_value, run.bound)
        self.bound_method = "cp-sat"

    def _cp_sat_report(self, run: CpSatRun, size: dict[str, int]) -> None:
        self.reports["cp_sat"] = CpSatReport(
            status=run.status,
            objective=run.objective,
            bound=run.bound,
            wall_s=run.wall_s,
            branches=run.branches,
            conflicts=run.conflicts,
            model_size=size,
        )

    def bound(self) -> None:
        """Column generation: the bound, and the IP's plans on the way."""
        search = self.search
        if search.bound_s <= 0 or self.best is None:
            return
        # A bound over all regions (``all_regions``) starts from column generation's duals.
        wants_duals = search.all_regions_s > 0 and not self.restriction.unrestricted
        if self.gap() <= search.relative_gap and not self.over_cap(self.best) and not wants_duals:
            return
        # Column generation models reference moves, but not locks that name a reference
        # region: then it runs without the moves (they only add, so its bound still holds).
        ref_locks = _reference_locks(self.problem)
        objective = self.objective
        if ref_locks:
            objective = Objective.build(
                self.problem.without_reference(), objective.weights, scale=objective.scale
            )
        result = column_generation(
            objective,
            self.cand,
            self.restriction,
            cg_settings(self.search),
            plans=[(self.best.labels, list(self.best.roots))],
            columns=self.area_columns,
            progress=self._relay_bound,
            clock=self.clock,
        )
        self._after_bound(result, objective, ref_locks)

    def _relay_bound(self, step: CgStep) -> None:
        self.report("column generation", step.incumbent, step.bound)

    def _after_bound(self, result: CgResult, objective: Objective, ref_locks: bool) -> None:
        if result.bound > self.bound_value:
            self.bound_value = result.bound
            cuts = f", {len(result.cuts)} subset-row cuts" if result.cuts else ""
            self.bound_method = (
                f"column generation ({result.wall_time_s:.0f} s, {result.rounds} rounds{cuts})"
            )
        ip_objective = None
        self.pool = result.pool
        if result.duals is not None:
            self.duals = (objective, result.duals, result.cuts)
        if result.incumbent is not None:
            ip_objective = Partition.scored(self.objective, *result.incumbent).objective
            self.take(result.incumbent, "column generation")
        if (ref_locks or self.over_cap(self.best)) and self.best is not None:
            # The regions met, recombined with moves charged as the objective charges them.
            found = best_partition(
                self.objective,
                [*self.pool, *plan_columns(self.best.labels, self.best.roots)],
                time_limit_s=10.0,
                clock=self.clock,
            )
            if found is not None:
                self.take(found[0], "column generation")
        self.reports["bound"] = BoundReport(
            bound=result.bound,
            rounds=result.rounds,
            columns=result.columns,
            wall_s=result.wall_time_s,
            converged=result.converged,
            ip_objective=ip_objective,
            cuts=len(result.cuts),
        )

    def improve(self) -> None:
        """Windows of neighbouring regions, while the gap is open (no reference plan)."""
        search = self.search
        if search.improve_s <= 0 or self.best is None:
            return
        if self.problem.has_reference or self.gap() <= search.relative_gap:
            return

        def relay(step: WindowStep) -> None:
            self.report("windows", step.objective)

        result: WindowsResult = improve_by_windows(
            self.objective,
            self.cand,
            self.restriction,
            (self.best.labels, list(self.best.roots)),
            WindowSettings(
                time_limit_s=search.improve_s,
                regions=search.window_regions,
                schools=search.window_schools,
                window_s=search.window_s,
                national_every=search.national_every,
            ),
            columns=self.pool,
            target_objective=self.bound_value / (1.0 - search.relative_gap),
            progress=relay,
            clock=self.clock,
        )
        self.take(result.plan, "windows")
        final = best_partition(
            self.objective, result.pool, time_limit_s=search.ip_time_s, clock=self.clock
        )
        if final is not None:
            self.take(final[0], "windows")
        self.reports["windows"] = WindowsReport(
            windows=result.windows,
            improvements=result.improvements,
            national_improvements=result.national_improvements,
            local_optimum=result.local_optimum,
            wall_s=result.wall_time_s,
        )

    def branch(self) -> None:
        """Branch-and-price, while the gap is open (``search.branch_s``)."""
        search, best = self.search, self.best
        if search.branch_s <= 0 or best is None or self.gap() <= search.relative_gap:
            return
        if self.over_cap(best) or _reference_locks(self.problem):
            return  # column generation's objective is not the plan's then

        def relay(step: BranchStep) -> None:
            self.report(f"branch-and-price, {step.nodes} nodes", step.incumbent, step.bound)

        result = branch_and_price(
            self.objective,
            self.cand,
            self.restriction,
            cg_settings(self.search),
            plans=[(best.labels, list(best.roots))],
            columns=self.pool,
            budget_s=search.branch_s,
            relative_gap=search.relative_gap,
            clock=self.clock,
            progress=relay,
            duals=None if self.duals is None else self.duals[1],
            cuts=() if self.duals is None else self.duals[2],
        )
        if result.incumbent is not None:
            self.take(result.incumbent, "branch-and-price")
        if result.bound > self.bound_value:
            self.bound_value = result.bound
            self.bound_method = f"branch-and-price ({result.nodes} nodes)"
        self.reports["branch"] = result

    def all_regions(self) -> None:
        """The bound over every connected region, at column generation's duals (when the model
        is restricted and ``search.all_regions_s`` asks for it)."""
        if self.search.all_regions_s <= 0 or self.duals is None or self.restriction.unrestricted:
            return
        objective, duals, cuts = self.duals

        def relay(bound: float) -> None:
            # Its own figure: the bound of the model (the live line's) stays what it was.
            self.report(f"all regions {bound:,.0f}")

        self.reports["all_regions"] = all_regions_bound(
            objective,
            duals,
            self.pool,
            budget_s=self.search.all_regions_s,
            workers=self.search.workers,
            clock=self.clock,
            progress=relay,
            cuts=cuts,
        )

    def reroot(self, partition: Partition) -> Partition:
        """The same regions, each measured from the admitted root nearest its members.

        A region's root is the one its column was priced for; another member the restriction
        also admits may be a closer centre, and the plan's value is that at its best roots.
        (Under the Hess order a root decides the joining order too, so the roots stay.)"""
        if self.cand.hess:
            return partition
        km = self.objective.km_costs
        roots = []
        for r, root in enumerate(partition.roots):
            members = partition.members(r)
            options = [int(j) for j in self.cand.admitting(members)] or [root]
            roots.append(min(options, key=lambda j: (int(km[j][members].sum()), j != root)))
        if tuple(roots) == partition.roots:
            return partition
        return Partition.scored(self.objective, partition.labels, roots)

    def result(self) -> Optimised:
        best = self.best
        if best is not None and self.over_cap(best):
            best = None  # only the warm start was found, and it moves too many schools
        if best is None:
            status, gap = "UNKNOWN", None
        else:
            best = canonical_order(self.reroot(best), self.problem.codes)
            gap = proven_gap(best.objective, self.bound_value)
            status = "OPTIMAL" if gap <= self.search.relative_gap + 1e-12 else "FEASIBLE"
            if self.interrupted and status != "OPTIMAL":
                status = "INTERRUPTED"
        cp_sat = self.reports.get("cp_sat")
        bound = self.reports.get("bound")
        windows = self.reports.get("windows")
        wide = self.reports.get("all_regions")
        tree = self.reports.get("branch")
        return Optimised(
            partition=best,
            status=status,
            bound=self.bound_value,
            gap=gap,
            bound_method=self.bound_method,
            scope=self.restriction.scope,
            scope_nl=self.restriction.scope_nl,
            wall_time_s=self.elapsed(),
            spent=dict(self.clock.spent),
            time_to_first_valid_s=self.first_valid if best is not None else None,
            warm_start_objective=self.warm_objective,
            cp_sat=cp_sat if isinstance(cp_sat, CpSatReport) else None,
            column_generation=bound if isinstance(bound, BoundReport) else None,
            windows=windows if isinstance(windows, WindowsReport) else None,
            branch=tree if isinstance(tree, BranchResult) else None,
            all_regions=wide if isinstance(wide, AllRegionsBound) else None,
            pool=self.pool,
        )


def _reference_locks(problem: Problem) -> bool:
    """True when a lock names a reference region (column generation does not model that)."""
    ref_ids = set(problem.reference_ids)
    return any(label in ref_ids for label, _ in problem.locks)


def _infeasible_message(problem: Problem, restriction: Restriction) -> str:
    lo, hi = problem.regions
    rules = problem.rules
    return (
        "CP-SAT proved that no plan meets every rule with these parameters "
        f"({lo}-{hi} regions, min_technical_pupils={rules.min_technical}, "
        f"together_km={rules.together_within_km:g}; {restriction.scope}): "
        "lower --regions or rules.min_technical_pupils, relax locks / --max-moves, or raise "
        "the radius"
    )


def cg_settings(search: SearchConfig) -> CgSettings:
    """Column generation's settings under ``search`` (each branch-and-price node's too)."""
    return CgSettings(
        pricing="exact",
        time_limit_s=search.bound_s,
        exact_time_s=search.exact_pricing_s,
        round_budget_s=search.round_budget_s,
        smoothing=search.smoothing,
        box_width=search.box_width,
        # The last hundredths of a percent of the LP take longest and the plan, not the
        # bound, then keeps the gap open: that is left to the windows.
        tolerance=search.relative_gap / 5,
        workers=search.workers,
        ip_every_s=search.ip_every_s,
        ip_time_s=search.ip_time_s,
        target_gap=search.relative_gap,
        cut_rounds=search.cut_rounds,
    )


def area_search(search: SearchConfig) -> SearchConfig:
    """The search each area of the area start is planned with: a short run of its own (no
    area start, CP-SAT, tree or wider bound inside it), in one process."""
    return search.model_copy(
        update={
            "area_start_s": 0.0,
            "cp_sat_s": 0.0,
            "bound_s": search.area_solve_s,
            "improve_s": search.area_solve_s / 2,
            "branch_s": 0.0,
            "all_regions_s": 0.0,
            "workers": 1,
        }
    )


def area_solver(weights: WeightsConfig) -> AreaSolver:
    """The area start's solver: ``optimise`` one area's problem under ``weights``, giving its
    plan, work seconds and the regions its column generation met."""

    def solve(
        sub: Problem, sub_config: SearchConfig
    ) -> tuple[Labelled | None, float, tuple[Column, ...]]:
        done = optimise(sub, weights, sub_config)
        part = done.partition
        plan = None if part is None else (np.asarray(part.labels), list(part.roots))
        return plan, done.work_s, done.pool

    return solve


__all__ = [
    "LABOUR_MARKET",
    "BoundReport",
    "CpSatReport",
    "Optimised",
    "Progress",
    "WindowsReport",
    "area_search",
    "area_solver",
    "cg_settings",
    "optimise",
    "proven_gap",
    "restriction_of",
]
