"""Exact pricing: one root's pricing problem with every rule of the model, in CP-SAT.

The model is built once per root; each call only writes the objective's coefficients (the
duals) and solves. CP-SAT's proven ``best_objective_bound`` stays a valid upper bound on the
pricing value when it stops on its time limit.

Contiguity: under the Hess restriction a member needs a same-region neighbour closer to the
root (one clause per member). Otherwise connectivity is added lazily: a solution whose members
fall apart gets, for every part C away from the root, the separator cuts
``x[a] <= sum(x[k] for k in N(C))`` (a member of C needs one of C's outside neighbours), and is
solved again. The cuts hold for every connected region, so they stay in the root's model for
every later call, and a bound proven with only some of them is still a valid upper bound.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from typing import Any, cast

import numpy as np
from ortools.sat.python import cp_model

from regionopt.model.objective import add_size_cost
from regionopt.model.rules import add_region_rules, components, is_connected
from regionopt.solve.cg.pricing_problem import FINE, PricingProblem, RootData
from regionopt.solve.clock import CP_SAT_CALL_S, CP_SAT_S, cp_sat_work, wall_guard_s

# An objective domain's open end for CP-SAT (far beyond any pricing value, within int64).
_INT64_SAFE = 2**50


class ExactPricer:
    """The CP-SAT model of one root's exact pricing problem."""

    def __init__(self, prob: PricingProblem, root: RootData) -> None:
        problem = prob.problem
        self.root = root
        m = cp_model.CpModel()
        self.model = m
        mem = root.members.tolist()
        self.x = [m.new_bool_var(f"x{i}") for i in mem]
        m.add(self.x[root.local_root] == 1)
        if problem.rules.connected and prob.restriction.contiguity == "hess":
            self._hess(prob, mem)
        add_region_rules(m, problem.rules, problem.facts, mem, self.x)
        for a, b in root.tie:
            m.add(self.x[a] == self.x[b])
        # Branching: schools kept apart are never both in.
        for a, b in root.apart:
            m.add_bool_or([self.x[a].Not(), self.x[b].Not()])
        edge_vars = []
        for a, b in root.edges.tolist():
            s = m.new_bool_var("")
            m.add_implication(s, self.x[a])
            m.add_implication(s, self.x[b])
            edge_vars.append(s)
        items = [m.new_bool_var("") for _ in root.item_cost.tolist()]
        for k, g in root.memberships.tolist():
            m.add_implication(self.x[k], items[g])
        sized = self._size_cost(prob, root)
        match, kept = self._reference(root)
        hit = self._subset_rows(root)
        fixed = (*edge_vars, *items, *sized)
        self.objective_vars = [v.index for v in (*self.x, *fixed, *match, *kept, *hit)]
        self.fixed_profit = FINE * np.r_[
            root.edge_cost, -root.item_cost, -np.ones(len(sized))
        ].astype(np.int64)
        self.kept_profit = np.full(len(kept), FINE * prob.move_cost, dtype=np.int64)
        self.solver = _pricing_solver()
        self.cut_rounds = 0
        """Re-solves because a solution fell apart (the cuts it added stay)."""
        self.work_s = 0.0
        """Work seconds the last ``price`` call took."""
        self._connected = problem.rules.connected and not prob.restriction.hess
        self._adjacency = prob.problem.adjacency
        self._local = {int(i): k for k, i in enumerate(mem)}

    def _hess(self, prob: PricingProblem, mem: list[int]) -> None:
        """Hess contiguity: a member joins through a neighbour strictly closer to the root."""
        local = {i: k for k, i in enumerate(mem)}
        row = prob.cand.graph_km[prob.rpos[self.root.root]]
        adj = prob.problem.adjacency
        for k, i in enumerate(mem):
            if i == self.root.root:
                continue
            closer = [self.x[local[q]] for q in adj[i] if q in local and row[q] < row[i]]
            if closer:
                self.model.add_bool_or(closer).only_enforce_if(self.x[k])
            else:
                self.model.add(self.x[k] == 0)

    def _subset_rows(self, root: RootData) -> list[cp_model.IntVar]:
        """Per subset-row cut the root can hit, true when the region holds two of its schools
        (one clause per pair; the cut's dual, at most 0, keeps it false otherwise)."""
        hit = []
        for among in root.cut_members:
            h = self.model.new_bool_var("")
            for a, b in itertools.combinations(among, 2):
                self.model.add_bool_or([self.x[a].Not(), self.x[b].Not(), h])
            hit.append(h)
        return hit

    def _size_cost(self, prob: PricingProblem, root: RootData) -> list[cp_model.IntVar]:
        """The region's size cost (at least; none without a size balance)."""
        if not prob.objective.size.active:
            return []
        return [add_size_cost(self.model, prob.objective.size, root.size.tolist(), self.x)]

    def _reference(self, root: RootData) -> tuple[list[cp_model.IntVar], list[cp_model.IntVar]]:
        """Match the region to at most one reference region; a member of that region is kept
        (earns back its move) only if it is in."""
        m = self.model
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
        return match, kept

    def price(
        self,
        pi: np.ndarray,
        time_limit_s: float,
        floor: float = -math.inf,
        *,
        deterministic: bool = False,
    ) -> tuple[float, list[np.ndarray], str]:
        """(proven upper bound on the pricing value, member sets found best last, status).

        Every improving solution CP-SAT meets is returned: more columns per call means fewer
        rounds. With a ``floor``, only values above it are searched for and a value at most the
        floor is reported as the floor (proving "nothing above" is quicker than the optimum).
        ``deterministic``: the time limit counts CP-SAT's deterministic time, not the wall
        clock. Either way the call's work (in work seconds) is left in ``work_s``.
        """
        root = self.root
        # Integer profits rounded up: the proven bound stays an upper bound for the real pi.
        duals = root.rounded_duals(pi)
        nm, nr = len(root.members), len(root.refs)
        prof = duals[:nm] - FINE * root.km
        kept = self.kept_profit + duals[nm + nr :] if len(duals) > nm + nr else self.kept_profit
        # Only the objective's coefficients change between calls: write them into the model
        # (CP-SAT minimises, so the maximisation is stored negated, scaling -1).
        clear_objective = cast(Callable[[], None], self.model.clear_objective)
        clear_objective()
        objective = self.model.proto.objective
        objective.vars.extend(self.objective_vars)
        # A cut's dual (at most 0) is what a region that hits it pays.
        cut_duals = root.rounded_cut_duals(pi)
        objective.coeffs.extend(
            (-np.r_[prof, self.fixed_profit, duals[nm : nm + nr], kept, cut_duals]).tolist()
        )
        objective.scaling_factor = -1.0
        # In pricing units: values at most ``cut`` are not searched for (-value <= -cut - 1).
        cut = math.floor(floor * FINE) if floor > -math.inf else None
        if cut is not None:
            objective.domain.extend([-_INT64_SAFE, -cut - 1])
        budget = _Budget(time_limit_s, deterministic)
        self.work_s = 0.0
        while True:
            budget.limit(self.solver.parameters)
            found = _Solutions(self.x)
            status = self.solver.solve(self.model, found)
            spent = cp_sat_work(float(self.solver.response_proto.deterministic_time))
            budget.spend(spent)
            self.work_s += spent
            if status == cp_model.INFEASIBLE:
                return (-math.inf if cut is None else cut / FINE), [], "INFEASIBLE"
            bound = float(self.solver.best_objective_bound) / FINE
            if cut is not None:
                bound = max(bound, cut / FINE)
            name = self.solver.status_name(status)
            sets = [root.members[chosen] for chosen in found.sets]
            if not self._connected or not sets:
                return bound, sets, name
            whole = [s for s in sets if is_connected(self._adjacency, s.tolist())]
            apart = [s for s in sets if len(s) and not is_connected(self._adjacency, s.tolist())]
            for members in apart:
                self._cut(members)
            best_apart = bool(apart) and apart[-1] is sets[-1]
            if not best_apart or budget.over():
                # The best solution is connected (exact), or time is up: the bound of this
                # solve holds for connected regions too.
                return bound, whole, name
            self.cut_rounds += 1

    def _cut(self, members: np.ndarray) -> None:
        """Separator cuts for every part of ``members`` that does not hold the root."""
        root = self.root.root
        for part in components(self._adjacency, members.tolist()):
            if root in part:
                continue
            inside = set(part)
            border = {q for a in part for q in self._adjacency[a]} - inside
            rhs = [self.x[self._local[q]] for q in sorted(border) if q in self._local]
            for a in part:
                self.model.add(self.x[self._local[a]] <= sum(rhs))


class _Budget:
    """One pricing call's time limit over its re-solves: wall seconds or work seconds."""

    def __init__(self, seconds: float, deterministic: bool) -> None:
        self.deterministic = deterministic
        self.deadline = time.perf_counter() + seconds
        self.left = seconds

    def limit(self, params: Any) -> None:
        """Set the next solve's limit to what is left (at least a hundredth of a second)."""
        if self.deterministic:
            left = max(self.left - CP_SAT_CALL_S, 0.01)
            params.max_deterministic_time = left / CP_SAT_S
            params.max_time_in_seconds = wall_guard_s(left, slack_s=1.0)
        else:
            params.max_time_in_seconds = max(self.deadline - time.perf_counter(), 0.01)

    def spend(self, work_s: float) -> None:
        self.left -= work_s

    def over(self) -> bool:
        if self.deterministic:
            return self.left <= 0
        return time.perf_counter() >= self.deadline


def _pricing_solver() -> cp_model.CpSolver:
    """A CP-SAT solver tuned for small models solved thousands of times."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    # The full LP relaxation: pricing calls prove their optimum in time far more often.
    p.linearization_level = 2
    # No cuts, probing, inprocessing, symmetry or repeated presolve; branch on the LP.
    p.cut_level = 0
    p.cp_model_probing_level = 0
    p.use_sat_inprocessing = False
    p.symmetry_level = 0
    p.max_presolve_iterations = 0
    p.search_branching = cp_model.LP_SEARCH
    # Thousands of calls: leave Ctrl-C to Python (CP-SAT's handler would outlive them).
    p.catch_sigint_signal = False
    return solver


class _Solutions(cp_model.CpSolverSolutionCallback):
    """Every solution CP-SAT reports, as membership masks (best last)."""

    def __init__(self, x: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.x = x
        self.sets: list[np.ndarray] = []

    def on_solution_callback(self) -> None:
        self.sets.append(np.array([self.boolean_value(v) for v in self.x], dtype=bool))


__all__ = ["ExactPricer"]
