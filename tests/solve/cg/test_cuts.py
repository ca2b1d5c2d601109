"""Subset-row cuts: separation finds what a fractional LP breaks (and nothing an integral or
even-cycle one does), column generation with cuts reaches the enumerated LP with the same cuts
and never passes the optimum, and cuts close the gap of two triangles without branching."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.solve.cg.branch import branch_and_price
from regionopt.solve.cg.cuts import violated_subset_rows
from regionopt.solve.cg.exact import ExactPricer
from regionopt.solve.cg.loop import CgSettings, column_generation
from regionopt.solve.cg.pricing_problem import Column, PricingProblem, rounded_up
from regionopt.solve.pipeline import optimise

from ...strategies import WEIGHTS, brute_force, exact_search, problem_of, small_instances
from .lp import enumerated_lp
from .test_branch import _some_plan, tight_instances, two_triangles
from .test_loop import path_problem

ANY_CONNECTED = Restriction()
EXACT = CgSettings(pricing="exact", time_limit_s=10.0, tolerance=1e-7, ip_every_s=0.0)


def _half(*regions: tuple[int, ...]) -> list[tuple[Column, float]]:
    return [(Column(members[0], members, 0), 0.5) for members in regions]


def test_a_triangle_of_half_regions_breaks_its_cut() -> None:
    solution = [*_half((0, 1), (1, 2), (0, 2)), (Column(3, (3, 4), 0), 1.0)]
    assert violated_subset_rows(solution, limit=10) == [(0, 1, 2)]
    assert violated_subset_rows(solution, limit=10, min_violation=0.5) == []


def test_an_integral_or_even_cycle_solution_breaks_no_cut() -> None:
    whole = [(Column(0, (0, 1), 0), 1.0), (Column(2, (2, 3), 0), 1.0)]
    assert violated_subset_rows(whole, limit=10) == []
    # Four half pairs round a square: every triple is held twice by halves, 1.0 <= 1.
    assert violated_subset_rows(_half((0, 1), (1, 2), (2, 3), (0, 3)), limit=10) == []


def test_triples_hit_by_the_same_regions_give_one_cut() -> None:
    """(0, 1, 2) and (1, 2, 9) are each held twice by all three halves: the same row."""
    solution = _half((0, 1, 9), (1, 2), (0, 2, 9))
    assert violated_subset_rows(solution, limit=10) == [(0, 1, 2)]


def test_cuts_close_the_gap_of_two_triangles_without_branching() -> None:
    objective, start = two_triangles()
    cand = candidates(objective.problem, ANY_CONNECTED)
    plain = column_generation(objective, cand, ANY_CONNECTED, EXACT, plans=[start])
    assert plain.bound == pytest.approx(31.0, abs=0.01) and plain.cuts == ()
    cut = column_generation(
        objective, cand, ANY_CONNECTED, replace(EXACT, cut_rounds=3), plans=[start]
    )
    assert cut.cuts == ((0, 1, 2), (3, 4, 5))
    assert cut.converged and cut.bound == pytest.approx(40.0, abs=0.01)
    assert [value for _, value in cut.solution] == pytest.approx([1.0, 1.0, 1.0])


def test_propose_proves_the_two_triangles_plan_with_its_default_cuts() -> None:
    objective, _ = two_triangles()
    search = exact_search(cp_sat_s=0.0, area_start_s=0.0, bound_s=5.0, relative_gap=0.001)
    assert search.cut_rounds > 0  # the default
    done = optimise(objective.problem, objective.weights, search)
    assert done.status == "OPTIMAL" and done.branch is None
    assert done.partition is not None and done.partition.objective == pytest.approx(40.0)
    assert done.bound == pytest.approx(40.0, abs=0.01)
    assert done.column_generation is not None and done.column_generation.cuts == 2
    assert "2 subset-row cuts" in done.bound_method


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.one_of(tight_instances(), small_instances(max_n=7)), st.integers(0, 2**16))
def test_with_cuts_column_generation_reaches_the_enumerated_lp_with_them(
    case: dict, seed: int
) -> None:
    """Random cuts, fixed: the pricing and the master honour them exactly."""
    problem, _, _ = problem_of(case)
    plan = _some_plan(problem)
    if plan is None:
        return
    rng = np.random.default_rng(seed)
    cuts = {tuple(sorted(rng.choice(problem.n, 3, replace=False).tolist())) for _ in range(3)}
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, ANY_CONNECTED)
    lp = enumerated_lp(PricingProblem(objective, cand, ANY_CONNECTED, cuts=sorted(cuts)))
    assert lp is not None  # the plan is a solution of the LP with any cuts
    res = column_generation(objective, cand, ANY_CONNECTED, EXACT, plans=[plan], cuts=sorted(cuts))
    # The bound reaches the LP up to the duals rounded up to the pricing unit (cut duals too:
    # then "converged" at a tolerance of 1e-7 may not hold).
    assert lp - 0.01 * (problem.n + 1) <= res.bound <= lp + 1e-6


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(tight_instances())
def test_separated_cuts_keep_the_bound_below_the_optimum_and_the_tree_proves_it(
    case: dict,
) -> None:
    problem, inst, graph = problem_of(case)
    plan = _some_plan(problem)
    if plan is None:
        return
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, ANY_CONNECTED)
    expected = brute_force(objective, inst, graph, case["rules"])
    assert expected is not None
    optimum = expected / objective.scale
    plain = column_generation(objective, cand, ANY_CONNECTED, EXACT, plans=[plan])
    cut = column_generation(
        objective, cand, ANY_CONNECTED, replace(EXACT, cut_rounds=5), plans=[plan]
    )
    # Valid, and at least the LP without cuts (both converged; duals rounded up).
    assert cut.bound <= optimum + 1e-6
    assert cut.bound >= plain.bound - 0.01 * (problem.n + 1)
    # The tree starts from the cut master (its duals, its cuts) and still proves the optimum.
    tree = branch_and_price(
        objective,
        cand,
        ANY_CONNECTED,
        replace(EXACT, cut_rounds=2),
        plans=[plan],
        budget_s=60.0,
        duals=cut.duals,
        cuts=cut.cuts,
    )
    assert tree.closed and tree.incumbent_objective == pytest.approx(optimum, abs=1e-6)
    assert optimum - 0.01 * (problem.n + 1) <= tree.bound <= optimum + 1e-6


def test_exact_pricing_charges_cut_duals_and_a_shifted_bound_still_holds() -> None:
    """On a six-school path with cuts along it: exact pricing equals the best column's value
    (cut duals included), and the last bound plus the rise of every dual, a cut's too, bounds
    the value at new duals."""
    problem = path_problem()
    objective = Objective.build(problem, WEIGHTS)
    cuts = [(0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5)]
    prob = PricingProblem(objective, candidates(problem, ANY_CONNECTED), ANY_CONNECTED, cuts=cuts)
    rng = np.random.default_rng(5)
    n = problem.n
    for root in prob.roots:
        pricer = ExactPricer(prob, root)
        columns = [
            ids
            for k in range(1, len(root.members) + 1)
            for chosen in itertools.combinations(root.members.tolist(), k)
            if prob.is_column(root, ids := np.array(chosen, dtype=np.int64))
        ]
        for _ in range(4):
            before = np.r_[rng.normal(0.0, 500.0, n), -rng.exponential(300.0, len(cuts))]
            bound, _, status = pricer.price(before, 5.0)
            if not columns:
                assert status == "INFEASIBLE"
                continue
            best = max(prob.value(ids, root.root, rounded_up(before)) for ids in columns)
            assert bound == pytest.approx(best)
            root.last_duals, root.last_bound = root.tracked_duals(before), bound
            # Cover duals move either way; cut duals rise towards 0 or fall.
            after = before + np.r_[rng.normal(0.0, 200.0, n), rng.normal(0.0, 150.0, len(cuts))]
            after[n:] = np.minimum(after[n:], 0.0)
            exact, _, _ = pricer.price(after, 5.0)
            assert root.shifted_bound(after) >= exact - 1e-9
            # Only the cut duals rise (to 0): the bound must follow them.
            freed = np.r_[before[:n], np.zeros(len(cuts))]
            exact, _, _ = pricer.price(freed, 5.0)
            assert root.shifted_bound(freed) >= exact - 1e-9
