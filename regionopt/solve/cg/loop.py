"""Column generation: a valid lower bound on the model's objective, and plans on the way.

For any duals the Lagrangian bound of ``PricingProblem.lagrangian`` is valid, so every round
gives a bound: the restricted master LP (``Master``) gives duals, Wentges smoothing towards
the best duals so far (inside a box around them) stabilises them, every root is priced by its
closure (``closure``) and, once that stalls, the roots that matter by exact CP-SAT pricing
(``tighten``). Every region pricing meets becomes a column. Every few seconds the
set-partitioning IP over the columns (``best_partition``) gives a plan, so the run can stop once
a plan is proven within a target gap ("price and branch").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.objective import Objective
from regionopt.solve.cg.cuts import violated_subset_rows
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.master import Master, MasterSolution
from regionopt.solve.cg.pricing_problem import (
    Column,
    Decision,
    PricingProblem,
    SubsetRow,
    rounded_up,
)
from regionopt.solve.cg.tighten import tighten
from regionopt.solve.cg.workers import PricingPool
from regionopt.solve.clock import CLOSURE_MEMBER_S, LP_ITERATION_S, Clock
from regionopt.solve.heuristic import Labelled

MAX_BOX_UNITS = 1e9
"""Objective units beyond which the stabilisation box is not widened any more: only a
branch-and-price node with no plan at all gets there."""


@dataclass(frozen=True)
class CgSettings:
    """How column generation searches (defaults: ``SearchConfig``)."""

    pricing: str = "closure"
    """``closure``: the relaxed pricing only (fast); ``exact``: CP-SAT too, once it stalls."""
    time_limit_s: float = 60.0
    exact_time_s: float = 1.0
    """CP-SAT seconds per exact pricing call."""
    round_budget_s: float = 10.0
    """Seconds of exact pricing per round at most."""
    smoothing: float = 0.5
    """Wentges smoothing factor in [0, 1) towards the best duals (0 = master duals)."""
    box_width: float = 20.0
    """Box-step stabilisation: cover duals stay within this many objective units of the box
    centre (half of each school's edge weight, later the best duals)."""
    tolerance: float = 1e-4
    """Stop when (master - bound) / |master| is at most this."""
    workers: int = 1
    """Processes for pricing (forked; 1 prices in this process)."""
    ip_every_s: float | None = None
    """Solve the IP over the columns this often (and at the end); None = never. Once the
    master is within ``target_gap`` of the bound, four times as often."""
    ip_time_s: float = 10.0
    target_gap: float = 0.0
    """Stop when the best plan is within this relative gap of the bound."""
    stall_rounds: int = 3
    """The closure-only phase ends after this many rounds without a 0.5% rise."""
    cutoff: float | None = None
    """Stop once the bound reaches this (objective units): a branch-and-price node that
    cannot beat the best plan."""
    cut_rounds: int = 0
    """Times the converged master may be tightened by the subset-row cuts it breaks (each
    followed by more column generation); 0 = never."""
    cuts_per_round: int = 50
    """Subset-row cuts added at most per tightening, most violated first."""


@dataclass(frozen=True)
class CgStep:
    """One round of column generation (objective units)."""

    elapsed_s: float
    bound: float
    """Best valid lower bound so far."""
    raw: float
    """This round's Lagrangian bound (may be negative)."""
    master: float
    """Restricted master LP value (not a bound until pricing is exact)."""
    columns: int
    added: int
    pricing_s: float
    exact_roots: int
    incumbent: float | None = None
    """Best plan so far (the seed plans' or an IP's), if any."""


@dataclass(frozen=True)
class CgResult:
    """What ``column_generation`` returns."""

    bound: float
    """A valid lower bound on the model's objective (objective units), at least 0."""
    master: float
    rounds: int
    columns: int
    wall_time_s: float
    converged: bool
    """True when the bound reached the master LP (within the tolerance)."""
    history: tuple[CgStep, ...] = field(default_factory=tuple)
    pool: tuple[Column, ...] = ()
    """Every column of the master: valid regions of the model."""
    incumbent: Labelled | None = None
    """The best plan of the IPs over the columns, when one beat the seed plans."""
    incumbent_objective: float | None = None
    """Its objective (or the best seed plan's)."""
    duals: np.ndarray | None = None
    """The duals of the best bound (master rows, as ``PricingProblem`` lays them out): any
    wider model's pricing at them gives a bound of that model too."""
    solution: tuple[tuple[Column, float], ...] = ()
    """The last master LP solution: its columns with a positive value, and their values (the
    stabilised LP: its slacks, a shortfall of kept schools and a stand-in region are left out,
    so these may cover the schools other than once each)."""
    cuts: tuple[SubsetRow, ...] = ()
    """The subset-row cuts of the master (their duals end ``duals``)."""


def column_generation(
    objective: Objective,
    cand: Candidates,
    restriction: Restriction,
    settings: CgSettings,
    *,
    plans: Sequence[Labelled] = (),
    columns: Sequence[Column] = (),
    progress: Callable[[CgStep], None] | None = None,
    clock: Clock | None = None,
    decisions: Sequence[Decision] = (),
    start_duals: np.ndarray | None = None,
    cuts: Sequence[SubsetRow] = (),
) -> CgResult:
    """A valid lower bound on the objective over the model's regions, by column generation.

    Parameters
    ----------
    objective : Objective
    cand, restriction : Candidates, Restriction
        The model's candidate pairs and the restriction they follow.
    settings : CgSettings
    plans : sequence of (labels, roots)
        Valid plans whose regions seed the master.
    columns : sequence of Column
        More regions to seed the master with (e.g. an earlier run's pool); those that are not
        regions of this model are left out.
    progress : callable, optional
        Called with a ``CgStep`` after every round.
    clock : Clock, optional
        What the time limits are measured on, charged with every solve's work (default: the
        wall clock from now).
    decisions : sequence of Decision
        Branching decisions: only regions that keep them are columns (the bound then holds for
        the plans that keep them).
    start_duals : ndarray, optional
        Duals to start from (a parent node's best): the box is centred on them and exact
        pricing starts at once (the closure is weak near converged duals).
    cuts : sequence of SubsetRow
        Subset-row cuts to start with (``start_duals`` ends with theirs); with
        ``settings.cut_rounds`` more are added where the converged master breaks them.
    """
    if not plans and not columns and not decisions:
        raise ValueError("column generation starts from a plan or columns; none given")
    prob = PricingProblem(objective, cand, restriction, decisions, cuts)
    run = _Run(prob, settings, progress, clock or Clock())
    if start_duals is not None:
        run.start_from(start_duals)
    run.seed(plans, columns)
    run.pool = PricingPool(run.prob, settings.workers, deterministic=run.clock.deterministic)
    try:
        for tightening in range(settings.cut_rounds + 1):
            while run.round():
                pass
            if tightening == settings.cut_rounds or not run.tightenable():
                break
            new = violated_subset_rows(run.master.solution(), limit=settings.cuts_per_round)
            if not new:
                break
            run.pool.close()
            run.add_cuts(new)
            run.pool = PricingPool(
                run.prob, settings.workers, deterministic=run.clock.deterministic
            )
    finally:
        run.pool.close()
    if settings.ip_every_s is not None:
        run.ip()
    return run.result()


class _Run:
    """The state of one column-generation run; ``round`` does one round."""

    def __init__(
        self,
        prob: PricingProblem,
        settings: CgSettings,
        progress: Callable[[CgStep], None] | None,
        clock: Clock,
    ) -> None:
        self.prob, self.settings, self.progress, self.clock = prob, settings, progress, clock
        self.start = clock.now()
        self.wall_start = time.perf_counter()
        # Work of one closure pricing round (each root visits its candidate members).
        self.closure_work = CLOSURE_MEMBER_S * sum(len(r.members) for r in prob.roots)
        self.master = Master(prob)
        self.pool: PricingPool
        n = prob.problem.n
        # Box centre: minus half the weight of each school's edges. Then pi(R) - c(R) is minus
        # half R's boundary weight minus its other costs, never positive: the first bound is
        # "p regions, each with at least its cheapest boundary", already valid.
        self.box = np.zeros(n)
        edges, cost = prob.objective.edges, prob.objective.edge_cost
        np.add.at(self.box, edges[:, 0], -0.5 * cost)
        np.add.at(self.box, edges[:, 1], -0.5 * cost)
        self.delta = settings.box_width * prob.scale
        self.best, self.best_pi = -math.inf, np.r_[self.box, np.zeros(len(prob.rhs) - n)]
        self.lp = math.inf
        self.binding = True
        """True while the last master LP used its box slacks: its value is then below the
        restricted master's LP, and the bound reaching it proves nothing."""
        self.upper: float = math.inf
        self.incumbent: Labelled | None = None
        self.rounds = self.rose_at = 0
        self.converged = False
        self.smooth = False  # price at the smoothed duals (not after a round that found none)
        self.exact = False  # phase 1: closure pricing; phase 2: exact pricing too
        self.last_ip = self.start
        self.ip_columns = -1
        self.history: list[CgStep] = []

    def start_from(self, duals: np.ndarray) -> None:
        """Centre the box on known duals and price exactly from the first round."""
        n = self.prob.problem.n
        self.box = duals[:n].copy()
        # Duals from a master without some of the cuts: theirs start at 0.
        self.best_pi = np.r_[duals, np.zeros(len(self.prob.rhs) - len(duals))]
        self.exact = self.settings.pricing == "exact"

    def tightenable(self) -> bool:
        """True when the master has converged to the bound, time is left and no plan is
        proven yet: cuts could then raise the bound."""
        return self._lp_reached() and not self._proven() and not self._out_of_bounds()

    def add_cuts(self, cuts: Sequence[SubsetRow]) -> None:
        """Add subset-row cuts to the master and the pricing (the bound so far stays valid:
        every plan keeps them). Their duals start at 0, so the best duals stay the best."""
        old = self.prob
        self.prob = PricingProblem(
            old.objective, old.cand, old.restriction, old.decisions, (*old.cuts, *cuts)
        )
        self.master = self.master.rebuilt(self.prob)
        self.best_pi = np.r_[self.best_pi, np.zeros(len(self.prob.rhs) - len(self.best_pi))]
        self.converged = self.smooth = False
        self.rose_at = self.rounds

    def seed(self, plans: Sequence[Labelled], columns: Sequence[Column]) -> None:
        """Put the seed plans' regions (each with every match) and columns in the master."""
        objective = self.prob.objective
        keeps = self.prob.keeps_decisions
        for labels, roots in plans:
            labels = np.asarray(labels)
            if not all(keeps(np.flatnonzero(labels == lab)) for lab in range(len(roots))):
                continue  # a plan that breaks a branching decision is not one of this node
            matched = objective.matched_references(labels, len(roots))
            cost = 0
            for lab, j in enumerate(roots):
                members = np.flatnonzero(labels == lab)
                self.master.add_with_every_match(members, int(j))
                cost += self.prob.cost(members, int(j), matched[lab])
            self.upper = min(self.upper, float(cost))
        for col in columns:
            if not keeps(col.members) or not self.prob.admits(col):
                continue
            self.master.add_with_every_match(np.asarray(col.members, dtype=np.int64), col.root)

    def round(self) -> bool:
        """One round: solve the master, price, add columns; False when the run is over."""
        self.rounds += 1
        sol = self.master.solve(self.box, self.delta)
        self.clock.charge("lp", self.master.iterations * LP_ITERATION_S)
        self.lp, self.binding = sol.value, sol.binding
        t_price = time.perf_counter()
        alpha = self.settings.smoothing if self.smooth and self.best > -math.inf else 0.0
        sep = alpha * self.best_pi + (1.0 - alpha) * sol.pi
        lb, n_exact, found = self._price(sep)
        if lb > self.best + 0.005 * abs(self.best):
            self.rose_at = self.rounds
        if lb > self.best:
            self.best, self.best_pi = lb, sep.copy()
        added = self._add(found, sol)
        self._record(lb, added, time.perf_counter() - t_price, n_exact)
        return self._next(sol, added, alpha, lb)

    def _price(self, sep: np.ndarray) -> tuple[float, int, list[tuple[int, np.ndarray, bool]]]:
        """Price every root at ``sep``: (Lagrangian bound, exact calls, (root, set, is column))."""
        prob = self.prob
        ub, sets = self.pool.closures(sep)
        self.clock.charge("closure", self.closure_work / self.pool.parallelism)
        feasible = np.array(
            [prob.is_column(root, sets[k]) for k, root in enumerate(prob.roots)], dtype=bool
        )
        # A root is priced exactly when its closure optimum is a column worth its closure value
        # (a relaxed cost, e.g. the size cost's line, can make the closure value higher).
        rounded = rounded_up(sep)
        settled = feasible & np.array(
            [
                ok and prob.value(sets[k], root.root, rounded) >= ub[k] - 1e-6
                for k, (root, ok) in enumerate(zip(prob.roots, feasible, strict=True))
            ],
            dtype=bool,
        )
        n_exact = 0
        extra: list[tuple[int, np.ndarray]] = []
        if self.exact:
            ub, n_exact = tighten(
                prob,
                self.pool,
                sep,
                ub,
                sets,
                settled,
                exact_time_s=self.settings.exact_time_s,
                budget_s=self.settings.round_budget_s,
                extra=extra,
                known=self.master.best_values(sep),
                clock=self.clock,
            )
        found = [(k, c, bool(feasible[k])) for k, c in enumerate(sets)]
        found += [(k, c, True) for k, c in extra]
        return prob.lagrangian(sep, ub), n_exact, found

    def _add(self, found: list[tuple[int, np.ndarray, bool]], sol: MasterSolution) -> int:
        """Add every priced set with a negative reduced cost (closure sets repaired first)."""
        prob = self.prob
        added = 0
        for k, chosen, ok in found:
            root = prob.roots[k]
            column = chosen if ok else prob.repair(root, chosen)
            if column is None:
                continue
            ref = prob.best_match(column, sol.pi)
            reduced = -prob.value(column, root.root, sol.pi) - sol.mu
            if reduced < -1e-6 and self.master.add(column, root.root, ref):
                added += 1
        return added

    def _record(self, lb: float, added: int, pricing_s: float, n_exact: int) -> None:
        prob = self.prob
        step = CgStep(
            elapsed_s=time.perf_counter() - self.wall_start,
            bound=max(prob.to_units(self.best), 0.0),
            raw=prob.to_units(lb),
            master=prob.to_units(self.lp),
            columns=len(self.master.cols),
            added=added,
            pricing_s=pricing_s,
            exact_roots=n_exact,
            incumbent=prob.to_units(self.upper) if self.upper < math.inf else None,
        )
        self.history.append(step)
        if self.progress is not None:
            self.progress(step)

    def _gap_to_upper(self) -> float:
        return (self.upper - self.best) / max(
            abs(self.prob.to_units(self.upper)) * self.prob.scale, 1e-9
        )

    def _master_gap(self) -> float:
        """How far the bound lies below the master LP, relative to the LP (with the
        constant; at least one scaled unit, so a zero objective is not divided by)."""
        return (self.lp - self.best) / max(abs(self.lp + self.prob.constant), 1.0)

    def _lp_reached(self) -> bool:
        """True when the bound has reached the master LP (within the tolerance) and that LP
        did not lean on the stabilisation box."""
        near = self._master_gap() <= self.settings.tolerance
        return self.converged or (near and not self.binding)

    def _proven(self) -> bool:
        """True when the best plan is within the target gap of the bound."""
        return self.upper < math.inf and self._gap_to_upper() <= self.settings.target_gap

    def _out_of_bounds(self) -> bool:
        """True when time is up, the bound reached the cutoff, or the box went too wide."""
        s, prob = self.settings, self.prob
        if self.clock.now() - self.start > s.time_limit_s:
            return True
        if s.cutoff is not None and prob.to_units(self.best) >= s.cutoff:
            return True
        # The box kept widening and the bound kept rising with it: no plan keeps the branching
        # decisions (the bound so far says so, and still holds).
        return self.delta > MAX_BOX_UNITS * prob.scale

    def _next(self, sol: MasterSolution, added: int, alpha: float, lb: float) -> bool:
        """Decide whether to go on, and move the box; False when the run is over."""
        s, prob = self.settings, self.prob
        gap = self._master_gap()
        if self._lp_reached():
            self.converged = True
            return False
        if self._out_of_bounds():
            return False
        if s.ip_every_s is not None:
            since = self.clock.now() - self.last_ip
            # Once the master is within the target gap of the bound, a better plan could end
            # the run: try the IP sooner (but not every round).
            near = gap <= s.target_gap and (
                self.upper == math.inf or self._gap_to_upper() > s.target_gap
            )
            if since >= s.ip_every_s or (near and since >= s.ip_every_s / 4):
                self.ip()
        if self._proven():
            return False
        if added == 0 and alpha > 0:
            # Mispricing: the smoothed duals found nothing, so price the master's own duals
            # once (no column there proves the master LP optimal).
            self.smooth = False
            return True
        self.smooth = True
        if added == 0 and not sol.binding and (self.exact or s.pricing == "closure"):
            return False
        n = prob.problem.n
        stalled = added == 0 or self.rounds - self.rose_at >= s.stall_rounds
        if s.pricing == "exact" and not self.exact and stalled:
            self.exact = True
        elif sol.binding and added == 0:
            # Converged inside the box: recentre on the best duals and widen the box.
            self.box = self.best_pi[:n].copy()
            self.delta *= 2.0
        elif added and lb >= self.best:
            # Follow the best duals every round the bound rises.
            self.box = self.best_pi[:n].copy()
        return True

    def ip(self) -> None:
        """Price and branch: the IP over the columns so far, kept when it beats the best plan.

        Before it, the columns one school away from the LP's support join the master, so the
        IP can settle where a boundary runs.
        """
        self.last_ip = self.clock.now()
        master, prob = self.master, self.prob
        if self.ip_columns == len(master.cols):
            return
        for c in master.support.tolist():
            ids, j, _ = master.cols[c]
            root = prob.root_of.get(j)
            if root is not None:
                for near in prob.neighbour_columns(root, ids):
                    master.add(near, j, master.refs[c])
        self.ip_columns = len(master.cols)
        found = best_partition(
            prob.objective, master.pool(), time_limit_s=self.settings.ip_time_s, clock=self.clock
        )
        if found is not None and found[1] < self.upper:
            self.upper, self.incumbent = float(found[1]), found[0]

    def result(self) -> CgResult:
        prob = self.prob
        converged = self._lp_reached()
        return CgResult(
            bound=max(prob.to_units(self.best), 0.0),
            master=prob.to_units(self.lp),
            rounds=self.rounds,
            columns=len(self.master.cols),
            wall_time_s=time.perf_counter() - self.wall_start,
            converged=converged,
            history=tuple(self.history),
            pool=tuple(self.master.pool()),
            incumbent=self.incumbent,
            incumbent_objective=prob.to_units(self.upper) if self.upper < math.inf else None,
            duals=self.best_pi.copy() if self.best > -math.inf else None,
            solution=tuple(self.master.solution()),
            cuts=prob.cuts,
        )


__all__ = ["CgResult", "CgSettings", "CgStep", "column_generation"]
