"""The national CP-SAT model: a rooted p-median with contiguity, every rule a constraint.

Pure numeric (ortools, numpy; never geopandas). Variables ``x[i, j]``: school ``i`` is in the
region rooted at school ``j`` (a possible penvoerder), for the candidate pairs of the model's
restriction. Contiguity is Hess-style (``x[i, j]`` needs a graph neighbour of ``i`` strictly
closer to ``j`` in ``j``'s region) or, exactly, a parent tree with levels. The coefficients
come from ``Objective``, so CP-SAT's objective is the objective of ``Objective.score``.
"""

from __future__ import annotations

import itertools
import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.objective import Objective, add_size_cost
from regionopt.model.problem import Problem
from regionopt.model.rules import add_region_rules
from regionopt.solve.clock import CP_SAT_S, Clock, cp_sat_work, wall_guard_s
from regionopt.solve.heuristic import Labelled

Term = tuple[int, cp_model.IntVar]


@dataclass
class CpSatModel:
    """The built model and the variables needed to read and hint a plan."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    roots: np.ndarray
    size: dict[str, int]
    same: list[tuple[cp_model.IntVar, int, int, int]] = field(default_factory=list)
    """(s, u, v, j): edge (u, v) inside root j's region."""
    items: list[tuple[cp_model.IntVar, tuple[int, ...], int]] = field(default_factory=list)
    """(z, the item's school ids, j): the item has a school in root j's region."""
    match: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    keep: list[tuple[cp_model.IntVar, int, int, int]] = field(default_factory=list)
    """(k, i, j, reference region): school i stays in its matched reference region."""


@dataclass(frozen=True)
class CpSatProgress:
    """A new plan or bound while CP-SAT runs (objective units; elapsed from the phase start)."""

    elapsed_s: float
    objective: float | None
    bound: float | None


def build_model(objective: Objective, cand: Candidates, restriction: Restriction) -> CpSatModel:
    """The CP-SAT model of ``objective``'s problem over the candidate pairs ``cand``."""
    problem = objective.problem
    m = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    of_school: list[list[int]] = [[] for _ in range(problem.n)]
    for r, j in enumerate(cand.roots.tolist()):
        for i in cand.members[r].tolist():
            x[i, j] = m.new_bool_var(f"x_{i}_{j}")
            of_school[i].append(j)
    built = CpSatModel(m, x, cand.roots, {})
    terms: list[Term] = []
    # Rule 1: each school in exactly one region.
    for i in range(problem.n):
        m.add_exactly_one(x[i, j] for j in of_school[i])
    # The number of regions: one per open root.
    y = {int(j): x[int(j), int(j)] for j in cand.roots}
    m.add_linear_constraint(sum(y.values()), *problem.regions)
    n_hess = _region_constraints(built, objective, cand, restriction, y, terms)
    if problem.rules.connected and not restriction.hess:
        _exact_contiguity(m, problem, x, of_school, y)
    _together(m, problem, x, of_school)
    _locks_apart(m, problem, x, cand)
    constant = objective.constant
    n_cut = _cut_terms(built, objective, of_school, terms)
    n_items = _item_terms(built, objective, of_school, terms)
    n_ref = _reference_terms(built, objective, of_school, y, terms) if problem.has_reference else 0
    m.minimize(sum(c * v for c, v in terms) + constant)
    built.size = {
        "schools": problem.n,
        "roots": len(cand.roots),
        "pairs": len(x),
        "hess": n_hess,
        "cut_vars": n_cut,
        "split_vars": n_items,
        "reference_vars": n_ref,
    }
    return built


def _region_constraints(
    built: CpSatModel,
    objective: Objective,
    cand: Candidates,
    restriction: Restriction,
    y: dict[int, cp_model.IntVar],
    terms: list[Term],
) -> int:
    """Per root: the region rules, members need the root open, compactness, Hess contiguity."""
    problem, m, x = objective.problem, built.model, built.x
    adj = problem.adjacency
    n_hess = 0
    for r, j in enumerate(cand.roots.tolist()):
        members = cand.members[r].tolist()
        xs = [x[i, j] for i in members]
        add_region_rules(m, problem.rules, problem.facts, members, xs, y[j])
        _size_term(m, objective, members, xs, terms, y[j])
        km = objective.km_costs[j]
        for i, v in zip(members, xs, strict=True):
            # A member needs its root open (implied by contiguity, but tightens the LP).
            if i != j:
                m.add_implication(v, y[j])
            if km[i]:
                terms.append((int(km[i]), v))
        if not (problem.rules.connected and restriction.hess):
            continue
        row = cand.graph_km[r]
        for i in members:
            if i == j:
                continue
            # Hess contiguity: a member joins through a same-region neighbour closer to the root.
            closer = [x[k, j] for k in adj[i] if row[k] < row[i] and (k, j) in x]
            if closer:
                m.add_bool_or(closer).only_enforce_if(x[i, j])
            else:
                m.add(x[i, j] == 0)
            n_hess += 1
    return n_hess


def _size_term(
    m: cp_model.CpModel,
    objective: Objective,
    members: list[int],
    xs: list[cp_model.IntVar],
    terms: list[Term],
    open_root: cp_model.IntVar,
) -> None:
    """The region's size cost (at least; a closed root pays none)."""
    if not objective.size.active:
        return
    tech = objective.problem.technical[members].tolist()
    terms.append((1, add_size_cost(m, objective.size, tech, xs, open_root)))


def _exact_contiguity(
    m: cp_model.CpModel,
    problem: Problem,
    x: dict[tuple[int, int], cp_model.IntVar],
    of_school: list[list[int]],
    y: dict[int, cp_model.IntVar],
) -> None:
    """Exact connectivity: every non-root picks a parent in its region at a lower level."""
    n = problem.n
    region = [m.new_int_var(0, n, f"r_{i}") for i in range(n)]
    level = [m.new_int_var(0, n, f"t_{i}") for i in range(n)]
    for i in range(n):
        m.add(region[i] == sum(j * x[i, j] for j in of_school[i]))
        parents = []
        for k in problem.adjacency[i]:
            if not set(of_school[i]) & set(of_school[k]):
                continue
            p = m.new_bool_var(f"p_{i}_{k}")
            m.add(region[i] == region[k]).only_enforce_if(p)
            m.add(level[i] >= level[k] + 1).only_enforce_if(p)
            parents.append(p)
        if i in y:
            m.add(sum(parents) + y[i] == 1)
        else:
            m.add(sum(parents) == 1)


def _together(
    m: cp_model.CpModel,
    problem: Problem,
    x: dict[tuple[int, int], cp_model.IntVar],
    of_school: list[list[int]],
) -> None:
    """Rule 4 and locks: close schools (and a lock label's schools) share a region."""
    for group in problem.together_groups:
        for a, b in itertools.pairwise(group):
            for j in set(of_school[a]) | set(of_school[b]):
                if (a, j) in x and (b, j) in x:
                    m.add(x[a, j] == x[b, j])
                elif (a, j) in x:
                    m.add(x[a, j] == 0)
                else:
                    m.add(x[b, j] == 0)


def _locks_apart(
    m: cp_model.CpModel,
    problem: Problem,
    x: dict[tuple[int, int], cp_model.IntVar],
    cand: Candidates,
) -> None:
    """Locks with different labels: different regions."""
    if len(problem.locks) < 2:
        return
    for j in cand.roots.tolist():
        heads = [x[ids[0], j] for _, ids in problem.locks if (ids[0], j) in x]
        if len(heads) > 1:
            m.add_at_most_one(heads)


def _cut_terms(
    built: CpSatModel, objective: Objective, of_school: list[list[int]], terms: list[Term]
) -> int:
    """Cut commuting pupils: an edge inside root j's region (s[e, j]) earns its cost back."""
    m, x = built.model, built.x
    for (u, v), c in zip(objective.edges.tolist(), objective.edge_cost.tolist(), strict=True):
        for j in set(of_school[u]) & set(of_school[v]):
            s = m.new_bool_var(f"s_{u}_{v}_{j}")
            built.same.append((s, u, v, j))
            m.add_implication(s, x[u, j])
            m.add_implication(s, x[v, j])
            terms.append((-int(c), s))
    return len(built.same)


def _item_terms(
    built: CpSatModel, objective: Objective, of_school: list[list[int]], terms: list[Term]
) -> int:
    """Item splits: z[g, j] >= x[i, j] for the schools of item g; each z costs the item's price."""
    m, x = built.model, built.x
    families = zip(objective.problem.items, objective.item_cost, objective.counted, strict=True)
    for family, cost, counted in families:
        if cost <= 0:
            continue
        for g in np.flatnonzero(counted).tolist():
            ids = np.flatnonzero(family.index == g).tolist()
            for j in sorted({j for i in ids for j in of_school[i]}):
                z = m.new_bool_var(f"z_{family.name}_{g}_{j}")
                built.items.append((z, tuple(ids), j))
                for i in ids:
                    if (i, j) in x:
                        m.add_implication(x[i, j], z)
                terms.append((cost, z))
    return len(built.items)


def _reference_terms(
    built: CpSatModel,
    objective: Objective,
    of_school: list[list[int]],
    y: dict[int, cp_model.IntVar],
    terms: list[Term],
) -> int:
    """Reference moves: regions matched one-to-one to reference regions; kept schools earn."""
    _match_vars(built, objective.problem, y)
    _lock_matches(built, objective.problem, of_school)
    keeps = _keep_vars(built, objective, of_school, terms)
    problem = objective.problem
    if problem.max_moves is not None and problem.reference is not None:
        m = built.model
        m.add(sum(keeps) >= int((problem.reference >= 0).sum()) - problem.max_moves)
    return len(built.match) + len(keeps)


def _match_vars(built: CpSatModel, problem: Problem, y: dict[int, cp_model.IntVar]) -> None:
    """m[j, rr]: root j's region is matched to reference region rr (one each way at most)."""
    ref = problem.reference
    assert ref is not None
    m, x, match = built.model, built.x, built.match
    for j in y:
        for rr in sorted({int(ref[i]) for i in range(problem.n) if (i, j) in x and ref[i] >= 0}):
            match[j, rr] = m.new_bool_var(f"m_{j}_{rr}")
    for j in y:
        options = [v for (jj, _), v in match.items() if jj == j]
        if options:
            m.add(sum(options) <= y[j])
    for rr in range(len(problem.reference_ids)):
        m.add_at_most_one(v for (_, r2), v in match.items() if r2 == rr)


def _lock_matches(built: CpSatModel, problem: Problem, of_school: list[list[int]]) -> None:
    """A lock label that names a reference region ties the lock's region to it."""
    m, x, match = built.model, built.x, built.match
    ref_pos = {rid: k for k, rid in enumerate(problem.reference_ids)}
    for label, ids in problem.locks:
        if label not in ref_pos:
            continue
        for j in of_school[ids[0]]:
            if (j, ref_pos[label]) in match:
                m.add_implication(x[ids[0], j], match[j, ref_pos[label]])
            else:
                m.add(x[ids[0], j] == 0)


def _keep_vars(
    built: CpSatModel, objective: Objective, of_school: list[list[int]], terms: list[Term]
) -> list[cp_model.IntVar]:
    """k[i, j]: school i stays in its reference region (in root j's region, matched to it)."""
    ref = objective.problem.reference
    assert ref is not None
    m, x, match = built.model, built.x, built.match
    keeps = []
    for i in np.flatnonzero(ref >= 0).tolist():
        for j in of_school[i]:
            if (j, int(ref[i])) not in match:
                continue
            k = m.new_bool_var(f"k_{i}_{j}")
            built.keep.append((k, i, j, int(ref[i])))
            m.add_implication(k, x[i, j])
            m.add_implication(k, match[j, int(ref[i])])
            keeps.append(k)
            if objective.move_cost:
                terms.append((-objective.move_cost, k))
    return keeps


def add_hint(built: CpSatModel, objective: Objective, plan: Labelled) -> None:
    """Hint every variable, so CP-SAT can take a valid plan as its first solution."""
    labels, roots = plan
    root_of = [roots[int(lab)] for lab in labels]
    model = built.model
    for (i, j), v in built.x.items():
        model.add_hint(v, root_of[i] == j)
    for inside, u, w, j in built.same:
        model.add_hint(inside, root_of[u] == j and root_of[w] == j)
    for z, ids, j in built.items:
        model.add_hint(z, any(root_of[i] == j for i in ids))
    if built.match:
        refs = objective.matched_references(labels, len(roots))
        matched = {(roots[r], c) for r, c in enumerate(refs) if c >= 0}
        for key, v in built.match.items():
            model.add_hint(v, key in matched)
        for k, i, j, rr in built.keep:
            model.add_hint(k, root_of[i] == j and (j, rr) in matched)


@dataclass(frozen=True)
class CpSatRun:
    """What one CP-SAT solve gave."""

    status: str
    """CP-SAT's status name (OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, ...)."""
    plan: Labelled | None
    objective: float | None
    bound: float
    """CP-SAT's proven bound (objective units, at least 0)."""
    first_solution_s: float | None
    wall_s: float
    branches: int
    conflicts: int


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports every new plan and bound; remembers when the first plan came."""

    def __init__(
        self, objective: Objective, progress: Callable[[CpSatProgress], None] | None
    ) -> None:
        super().__init__()
        self.start = time.perf_counter()
        self.objective = objective
        self.progress = progress
        self.first: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        with self.lock:
            if self.first is None:
                self.first = now
        if self.progress is not None:
            self.progress(CpSatProgress(now, self.objective.to_units(self.objective_value), None))

    def on_bound(self, bound: float) -> None:
        if self.progress is not None:
            now = time.perf_counter() - self.start
            self.progress(CpSatProgress(now, None, max(self.objective.to_units(bound), 0.0)))


def solve_model(
    built: CpSatModel,
    objective: Objective,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    relative_gap: float,
    progress: Callable[[CpSatProgress], None] | None = None,
    clock: Clock | None = None,
) -> CpSatRun:
    """Solve a built model; Ctrl-C ends the search like the time limit.

    On a deterministic ``clock`` the limit is CP-SAT's deterministic time and the workers
    interleave their search in a fixed schedule, so the same model and seed give the same
    plan every run (at some cost in speed); the work is charged to the clock.
    """
    clock = clock or Clock()
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(time_limit_s, 0.1)
    if clock.deterministic:
        p.max_deterministic_time = max(time_limit_s, 0.1) / CP_SAT_S
        p.max_time_in_seconds = wall_guard_s(time_limit_s, floor_s=60.0)
        p.interleave_search = workers > 1
    p.num_workers = workers
    p.random_seed = seed
    p.relative_gap_limit = relative_gap
    p.linearization_level = 1
    # Probing at load time costs seconds before the first solution and buys nothing here.
    p.cp_model_probing_level = 0
    watcher = _Watcher(objective, progress)
    solver.best_bound_callback = watcher.on_bound
    status = solver.solve(built.model, watcher)
    _give_ctrl_c_back_to_python()
    clock.charge("cp-sat model", cp_sat_work(float(solver.response_proto.deterministic_time)))
    # The objective is integer: any plan's value is at least the bound rounded up.
    bound = max(objective.to_units(math.ceil(solver.best_objective_bound - 1e-6)), 0.0)
    plan = None
    value = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = _read_plan(built, solver, objective.problem)
        value = objective.to_units(round(solver.objective_value))
    return CpSatRun(
        status=solver.status_name(status),
        plan=plan,
        objective=value,
        bound=bound,
        first_solution_s=watcher.first,
        wall_s=solver.wall_time,
        branches=int(solver.num_branches),
        conflicts=int(solver.num_conflicts),
    )


def _read_plan(built: CpSatModel, solver: cp_model.CpSolver, problem: Problem) -> Labelled:
    """The solution as labels and roots (regions ordered north to south)."""
    root_of = np.full(problem.n, -1, dtype=np.int64)
    for (i, j), v in built.x.items():
        if solver.boolean_value(v):
            root_of[i] = j
    roots = sorted(set(root_of.tolist()), key=lambda j: (-problem.xy[j, 1], problem.xy[j, 0]))
    pos = {j: r for r, j in enumerate(roots)}
    return np.array([pos[int(j)] for j in root_of], dtype=np.int64), [int(j) for j in roots]


def _give_ctrl_c_back_to_python() -> None:
    """CP-SAT leaves the operating system's default SIGINT handler behind (Ctrl-C would then
    kill the process without a word), so re-install Python's: a later Ctrl-C raises
    KeyboardInterrupt again. Only the main thread may set signal handlers."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.getsignal(signal.SIGINT))


__all__ = ["CpSatModel", "CpSatProgress", "CpSatRun", "add_hint", "build_model", "solve_model"]
