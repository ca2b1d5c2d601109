"""Branch-and-price: on random small graphs its plan is the optimum over every connected
partition (brute force), proven by a closed tree, also where column generation's LP alone
leaves a gap; every column of a node keeps the node's pair decisions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.config import RulesConfig, WeightsConfig
from regionopt.graph import graph_from_edges
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.model.partition import Partition
from regionopt.model.problem import Problem
from regionopt.plan import Plan
from regionopt.solve.cg.branch import _Tree, branch_and_price
from regionopt.solve.cg.loop import CgSettings, column_generation
from regionopt.solve.cg.pricing_problem import Decision
from regionopt.solve.clock import Clock
from regionopt.solve.heuristic import Labelled
from regionopt.solve.pipeline import optimise

from ...conftest import make_instance
from ...strategies import (
    WEIGHTS,
    brute_force,
    exact_search,
    problem_of,
    small_instances,
    solved,
)

ANY_CONNECTED = Restriction()
NODE = CgSettings(pricing="exact", time_limit_s=10.0, tolerance=1e-7, ip_every_s=0.0)


@st.composite
def tight_instances(draw: st.DrawFn) -> dict[str, Any]:
    """Small graphs whose regions must be two or three schools: LP solutions are often
    fractional there (odd cycles of pairs)."""
    case = draw(small_instances(max_n=8))
    n = len(case["points"])
    case["technical"] = [draw(st.sampled_from([10, 10, 20])) for _ in range(n)]
    case["rules"] = RulesConfig(
        min_vmbo=1,
        min_technical_pupils=20,
        max_technical_pupils=draw(st.sampled_from([20, 30, 40])),
        mbo_reach_km=100.0,
        together_km=0.0,
    )
    k = draw(st.integers(max(1, n // 4), max(1, n // 2)))
    case["regions"] = (k, k + draw(st.integers(0, 1)))
    return case


def _some_plan(problem: Problem, weights: WeightsConfig = WEIGHTS) -> Labelled | None:
    """A valid plan, not necessarily optimal (CP-SAT's first within a 100% gap)."""
    done = solved(problem, weights, exact_search(cp_sat_s=5.0, relative_gap=1.0))
    return None if done is None else (done.partition.labels, list(done.partition.roots))


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.one_of(tight_instances(), small_instances(max_n=7)))
def test_the_tree_proves_the_brute_force_optimum(case: dict) -> None:
    problem, inst, graph = problem_of(case)
    start = _some_plan(problem)
    if start is None:
        return
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, ANY_CONNECTED)
    done = branch_and_price(
        objective, cand, ANY_CONNECTED, NODE, plans=[start], budget_s=60.0, relative_gap=0.0
    )
    expected = brute_force(objective, inst, graph, case["rules"])
    assert expected is not None  # the start is a connected plan
    optimum = expected / objective.scale
    assert done.closed, "a tiny tree closes within its budget"
    assert done.incumbent_objective is not None
    assert done.incumbent_objective == pytest.approx(optimum, abs=1e-6)
    # A closed tree's bound is the optimum, up to the duals rounded to the pricing unit.
    assert optimum - 0.01 * (problem.n + 1) <= done.bound <= optimum + 1e-6
    if done.incumbent is not None:
        assert Partition.scored(objective, *done.incumbent).objective == pytest.approx(optimum)


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.one_of(tight_instances(), small_instances(max_n=7)), st.integers(0, 2**16))
def test_with_a_reference_and_a_cap_on_moves_the_tree_finds_cp_sats_optimum(
    case: dict, seed: int
) -> None:
    """Reference moves are charged and capped in every node (the tree's best plan keeps the
    cap), and the tree proves the same optimum as the compact CP-SAT model."""
    rng = np.random.default_rng(seed)
    codes = [f"{i:02d}AA00" for i in range(len(case["points"]))]
    mapping = {c: f"R{rng.integers(3)}" for c in codes if rng.random() < 0.8}
    if not mapping:
        return
    max_moves = [0, 1, 2][int(rng.integers(3))]
    problem, _, _ = problem_of(case, reference=Plan.from_mapping(mapping), max_moves=max_moves)
    weights = WEIGHTS.model_copy(update={"reference_move": 4.0})
    start = _some_plan(problem, weights)
    if start is None:
        return
    exact = optimise(problem, weights, exact_search())
    if exact.status != "OPTIMAL" or exact.partition is None:
        return
    objective = Objective.build(problem, weights)
    cand = candidates(problem, ANY_CONNECTED)
    done = branch_and_price(
        objective, cand, ANY_CONNECTED, NODE, plans=[start], budget_s=60.0, relative_gap=0.0
    )
    assert done.closed
    assert done.incumbent_objective == pytest.approx(exact.partition.objective, abs=1e-6)
    if done.incumbent is not None:
        found = Partition.scored(objective, *done.incumbent)
        assert found.components.reference_moves <= max_moves


def two_triangles() -> tuple[Objective, Labelled]:
    """Two triangles joined by a weak link, 10 technical pupils a school, regions of exactly
    20: three pairs. The LP takes every pair of each triangle half (each triangle 15.5 of cut
    pupils, 31 in all); a plan must pair the link's two ends, {0, 1}, {2, 3}, {4, 5}: 40."""
    inst = make_instance([(0, 0), (1, 1), (2, 0), (4, 0), (5, 1), (6, 0)], technical=[10] * 6)
    edges = [(0, 1, 10.0), (1, 2, 10.0), (0, 2, 10.0), (2, 3, 1.0)]
    edges += [(3, 4, 10.0), (4, 5, 10.0), (3, 5, 10.0)]
    rules = RulesConfig(
        min_vmbo=1,
        min_technical_pupils=20,
        max_technical_pupils=20,
        mbo_reach_km=100,
        together_km=0,
    )
    problem = Problem.from_instance(inst, graph_from_edges(inst, edges), rules, regions=(3, 3))
    weights = WeightsConfig(cut_pupils=1.0, compactness_km=0.0, gemeente_split=0.0)
    start = (np.array([0, 0, 1, 1, 2, 2]), [0, 2, 4])
    return Objective.build(problem, weights), start


def test_the_lp_leaves_a_gap_that_branching_closes() -> None:
    objective, start = two_triangles()
    cand = candidates(objective.problem, ANY_CONNECTED)
    lp = column_generation(objective, cand, ANY_CONNECTED, NODE, plans=[start])
    assert lp.converged and lp.bound == pytest.approx(31.0, abs=0.01)
    assert all(value == pytest.approx(0.5) for _, value in lp.solution)
    done = branch_and_price(objective, cand, ANY_CONNECTED, NODE, plans=[start], budget_s=30.0)
    assert done.closed and done.nodes > 1
    assert done.incumbent_objective == pytest.approx(40.0)
    assert done.bound == pytest.approx(40.0, abs=0.01)


@pytest.mark.parametrize("decision", [Decision(0, 1, True), Decision(2, 3, False)])
def test_every_column_of_a_node_keeps_its_decision(decision: Decision) -> None:
    objective, start = two_triangles()
    cand = candidates(objective.problem, ANY_CONNECTED)
    # The start plan pairs 0 with 1 and 2 with 3: apart, its region {2, 3} must not reach the
    # master either.
    done = column_generation(
        objective, cand, ANY_CONNECTED, NODE, plans=[start], decisions=[decision]
    )
    assert done.converged and done.pool
    for column in done.pool:
        inside = {decision.a, decision.b} & set(column.members)
        if decision.together:
            assert len(inside) != 1, column
        else:
            assert len(inside) < 2, column
    # Together: the LP can no longer take the pairs {0, 2} and {1, 2}, and the plan of 40 is
    # its optimum. Apart: no plan at all (each triangle has a school left over), but the LP
    # still takes every pair of each triangle half.
    assert done.bound == pytest.approx(40.0 if decision.together else 31.0, abs=0.01)


def test_a_node_without_any_plan_ends_with_a_bound_above_every_plan() -> None:
    """0 and 1 apart: 1 (linked to 0 and 2 only) must pair with 2, and 0 is left alone."""
    objective, start = two_triangles()
    cand = candidates(objective.problem, ANY_CONNECTED)
    done = column_generation(
        objective, cand, ANY_CONNECTED, NODE, plans=[start], decisions=[Decision(0, 1, False)]
    )
    assert done.bound > 1e6


def test_propose_proves_the_plan_with_branch_and_price_where_column_generation_cannot() -> None:
    objective, _ = two_triangles()
    problem, weights = objective.problem, objective.weights
    # Without cuts: with them the LP itself closes this gap (``test_cuts``).
    search = exact_search(
        cp_sat_s=0.0, area_start_s=0.0, bound_s=5.0, relative_gap=0.001, cut_rounds=0
    )
    without = optimise(problem, weights, search)
    assert without.status == "FEASIBLE" and without.branch is None
    assert without.bound == pytest.approx(31.0, abs=0.01)
    done = optimise(problem, weights, search.model_copy(update={"branch_s": 10.0}))
    assert done.status == "OPTIMAL" and done.partition is not None
    assert done.partition.objective == pytest.approx(40.0)
    assert done.branch is not None and done.branch.closed and done.branch.nodes > 1
    assert done.bound_method.startswith("branch-and-price")


def test_the_tree_keeps_no_plan_over_the_cap_on_moves() -> None:
    """A node's LP may lean on the master's shortfall of kept schools, so the plan it rounds to
    may move more schools than allowed: the tree must not keep it, however cheap."""
    inst = make_instance([(float(i), 0.0) for i in range(4)], technical=[30, 30, 30, 30])
    graph = graph_from_edges(inst, [(i, i + 1, 10.0) for i in range(3)])
    rules = RulesConfig(min_technical_pupils=30, min_vmbo=2, mbo_reach_km=100.0, together_km=0)
    codes = [s.code for s in inst.schools]
    # Today {0, 1, 2} and {3} (3 alone is no valid region); no school may move.
    reference = Plan.from_mapping({codes[0]: "A", codes[1]: "A", codes[2]: "A", codes[3]: "B"})
    moves_one = (np.array([0, 0, 1, 1]), [0, 3])
    weights = WEIGHTS.model_copy(update={"reference_move": 4.0})
    for cap, kept in ((0, False), (1, True)):
        problem = Problem.from_instance(
            inst, graph, rules, regions=(2, 2), reference=reference, max_moves=cap
        )
        cand = candidates(problem, ANY_CONNECTED)
        tree = _Tree(Objective.build(problem, weights), cand, ANY_CONNECTED, NODE, 0.0, Clock(), [])
        tree.offer(moves_one)
        if kept:
            assert tree.upper < math.inf and tree.incumbent is not None
        else:
            assert tree.upper == math.inf and tree.incumbent is None
