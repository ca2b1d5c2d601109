"""The area-by-area start: areas able to hold a region, a knapsack over region counts, and a
valid plan whose regions stay inside their area."""

from __future__ import annotations

import numpy as np

from regionopt.check import check, is_valid
from regionopt.config import RulesConfig
from regionopt.graph import graph_from_edges
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import ItemFamily, Problem
from regionopt.plan import Plan
from regionopt.solve.cg.pricing_problem import PricingProblem
from regionopt.solve.decompose import AreaPlan, areas, decomposed_start, share_regions
from regionopt.solve.pipeline import area_solver

from ..conftest import make_instance
from ..strategies import WEIGHTS, exact_search

# Two areas on a line of eight schools, 1 km apart: A = 0..3, B = 4..7; school 7 has no area.
POINTS = [(float(i), 0.0) for i in range(8)]
EDGES = [(i, i + 1, 10.0) for i in range(7)]
RULES = RulesConfig(min_technical_pupils=20, min_vmbo=1, mbo_reach_km=100.0, together_km=0)
CONNECTED = Restriction()


def _problem(regions: int, technical: list[int]) -> tuple[Problem, ItemFamily]:
    inst = make_instance(POINTS, technical=technical)
    graph = graph_from_edges(inst, EDGES)
    family = ItemFamily("rpa", np.array([0, 0, 0, 0, 1, 1, 1, -1]), ("A", "B"))
    problem = Problem.from_instance(
        inst, graph, RULES, regions=(regions, regions), families=[family]
    )
    return problem, family


def test_areas_take_in_schools_without_one_and_merge_small_ones() -> None:
    problem, family = _problem(2, [10] * 8)
    assert [a.tolist() for a in areas(problem, family)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # Area B's three schools hold 15 technical pupils, under the minimum of 20: it joins A.
    problem, family = _problem(2, [10, 10, 10, 10, 5, 5, 5, 0])
    assert [a.tolist() for a in areas(problem, family)] == [list(range(8))]


def test_a_school_cut_off_from_its_area_joins_the_area_it_touches() -> None:
    # School 7 belongs to area A (0..2) but touches only area B (3..6) on the line.
    inst = make_instance(POINTS, technical=[10] * 8)
    family = ItemFamily("rpa", np.array([0, 0, 0, 1, 1, 1, 1, 0]), ("A", "B"))
    problem = Problem.from_instance(
        inst, graph_from_edges(inst, EDGES), RULES, regions=(2, 2), families=[family]
    )
    assert [a.tolist() for a in areas(problem, family)] == [[0, 1, 2], [3, 4, 5, 6, 7]]
    # With enough technical pupils of its own, the cut-off part is an area by itself.
    inst = make_instance(POINTS, technical=[10] * 7 + [20])
    problem = Problem.from_instance(
        inst, graph_from_edges(inst, EDGES), RULES, regions=(3, 3), families=[family]
    )
    assert [a.tolist() for a in areas(problem, family)] == [[0, 1, 2], [3, 4, 5, 6], [7]]


def test_schools_that_must_share_a_region_share_an_area() -> None:
    # School 4 stands 0.2 km from school 3, across the border between areas A and B: under a
    # together rule of 0.5 km both areas become one, and the plan keeps the two together.
    points = [*POINTS[:4], (3.2, 0.0), *POINTS[5:]]
    inst = make_instance(points, technical=[10] * 8)
    rules = RULES.model_copy(update={"together_km": 0.5})
    family = ItemFamily("rpa", np.array([0, 0, 0, 0, 1, 1, 1, 1]), ("A", "B"))
    problem = Problem.from_instance(
        inst, graph_from_edges(inst, EDGES), rules, regions=(3, 3), families=[family]
    )
    assert [a.tolist() for a in areas(problem, family)] == [list(range(8))]
    assert problem.splits_a_group(np.array([0, 0, 0, 0, 1, 1, 2, 2]))
    assert not problem.splits_a_group(np.array([0, 0, 1, 1, 1, 2, 2, 2]))


def test_share_regions_picks_the_cheapest_counts_that_add_up() -> None:
    def plan(p: int, cost: int) -> AreaPlan:
        return AreaPlan(p, cost, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), (0,))

    tables = [{1: plan(1, 10), 2: plan(2, 4)}, {1: plan(1, 0), 2: plan(2, 3), 3: plan(3, 9)}]
    chosen = share_regions(tables, 3, 3)
    assert chosen is not None and [c.regions for c in chosen] == [2, 1]  # 4 + 0 < 10 + 3
    chosen = share_regions(tables, 4, 4)
    assert chosen is not None and [c.regions for c in chosen] == [2, 2]  # 4 + 3 < 10 + 9
    assert share_regions(tables, 6, 6) is None


def test_the_start_keeps_every_region_inside_its_area() -> None:
    problem, family = _problem(3, [10] * 8)
    weights = WEIGHTS.model_copy(update={"labour_market_split": 50.0})
    objective = Objective.build(problem, weights)
    search = exact_search(contiguity="connected", cp_sat_s=0.0, bound_s=5.0, improve_s=1.0)

    solve = area_solver(weights)
    heard: list[tuple[int, int, float]] = []
    start = decomposed_start(
        objective, family, search, solve, time_limit_s=60.0, progress=lambda *d: heard.append(d)
    )
    plan = start.plan
    assert plan is not None
    # Progress after every area plan: 1 of N .. N of N, with the work spent so far.
    total = heard[-1][1]
    assert [h[:2] for h in heard] == [(k, total) for k in range(1, total + 1)] and total >= 2
    spent = [h[2] for h in heard]
    assert spent == sorted(spent) and 0 < spent[-1] <= 60.0
    # Made in two forked processes, the areas' plans are as good (ties may break otherwise).
    heard.clear()
    forked = decomposed_start(
        objective,
        family,
        search,
        solve,
        time_limit_s=60.0,
        workers=2,
        progress=lambda *d: heard.append(d),
    )
    assert forked.plan is not None
    assert [h[:2] for h in heard] == [(k, total) for k in range(1, total + 1)]
    assert objective.scaled_total(*forked.plan) == objective.scaled_total(*plan)
    assert decomposed_start(objective, family, search, solve, time_limit_s=0.0).plan is None
    # The regions the areas' runs met, in national ids: each inside one area, and a region
    # of the national model.
    assert start.columns
    prob = PricingProblem(objective, candidates(problem, CONNECTED), CONNECTED)
    for column in start.columns:
        assert len({0 if i < 4 else 1 for i in column.members}) == 1, column
        assert column.root in column.members and prob.admits(column), column
    labels, roots = plan
    assert len(roots) == 3
    for r in range(3):
        members = np.flatnonzero(labels == r)
        assert len({0 if i < 4 else 1 for i in members}) == 1, members
    inst = make_instance(POINTS, technical=[10] * 8)
    graph = graph_from_edges(inst, EDGES)
    found = Plan.from_labels(problem.codes, labels)
    assert is_valid(check(inst, graph, found, RULES))
