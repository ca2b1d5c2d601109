"""Subset-row cuts: separation finds what a fractional LP breaks (and nothing an integral or
even-cycle one does), column generation with cuts reaches the enumerated LP with the same cuts
and never passes the optimum, and cuts close the gap of two triangles without branching."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.errors import InfeasibleError
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.solve.cg.branch import branch_and_price
from regionopt.solve.cg.cuts import violated_subset_rows
from regionopt.solve.cg.loop import CgSettings, column_generation
from regionopt.solve.cg.pricing_problem import Column, PricingProblem
from regionopt.solve.pipeline import optimise

from ...strategies import WEIGHTS, brute_force, exact_search, problem_of, small_instances
from .lp import enumerated_lp
from .test_branch import tight_instances, two_triangles

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


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.one_of(tight_instances(), small_instances(max_n=7)), st.integers(0, 2**16))
def test_with_cuts_column_generation_reaches_the_enumerated_lp_with_them(
    case: dict, seed: int
) -> None:
    """Random cuts, fixed: the pricing and the master honour them exactly."""
    problem, _, _ = problem_of(case)
    try:
        done = optimise(problem, WEIGHTS, exact_search(cp_sat_s=5.0, relative_gap=1.0))
    except InfeasibleError:
        return
    if done.partition is None:
        return
    rng = np.random.default_rng(seed)
    cuts = {tuple(sorted(rng.choice(problem.n, 3, replace=False).tolist())) for _ in range(3)}
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, ANY_CONNECTED)
    lp = enumerated_lp(PricingProblem(objective, cand, ANY_CONNECTED, cuts=sorted(cuts)))
    assert lp is not None  # the plan is a solution of the LP with any cuts
    plan = (done.partition.labels, list(done.partition.roots))
    res = column_generation(objective, cand, ANY_CONNECTED, EXACT, plans=[plan], cuts=sorted(cuts))
    assert res.converged
    assert lp - 0.01 * (problem.n + 1) <= res.bound <= lp + 1e-6


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(tight_instances())
def test_separated_cuts_keep_the_bound_below_the_optimum_and_the_tree_proves_it(
    case: dict,
) -> None:
    problem, inst, graph = problem_of(case)
    try:
        done = optimise(problem, WEIGHTS, exact_search(cp_sat_s=5.0, relative_gap=1.0))
    except InfeasibleError:
        return
    if done.partition is None:
        return
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, ANY_CONNECTED)
    plan = (done.partition.labels, list(done.partition.roots))
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
