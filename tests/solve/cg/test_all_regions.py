"""The bound over every connected region, from a restricted model's duals: never above the
optimum over all connected partitions (brute force), also where the restriction (a radius, the
Hess order) excludes that optimum."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.config import RulesConfig, WeightsConfig
from regionopt.errors import InfeasibleError
from regionopt.graph import graph_from_edges
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.solve.pipeline import optimise

from ...conftest import make_instance
from ...strategies import WEIGHTS, brute_force, exact_search, problem_of, small_instances

RESTRICTED = [
    exact_search(contiguity="hess", cp_sat_s=5.0, bound_s=10.0, all_regions_s=10.0),
    exact_search(radius_km=12.0, min_roots=2, cp_sat_s=5.0, bound_s=10.0, all_regions_s=10.0),
]


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.sampled_from(RESTRICTED))
def test_the_bound_holds_for_every_connected_partition(case: dict, search: object) -> None:
    problem, inst, graph = problem_of(case)
    objective = Objective.build(problem, WEIGHTS)
    try:
        done = optimise(problem, WEIGHTS, search)
    except InfeasibleError:
        return
    if done.partition is None or done.column_generation is None:
        return
    wide = done.all_regions
    assert wide is not None, "a restricted run with duals gives a bound over all regions"
    assert wide.complete, "every penvoerder of a tiny instance is proven within its budget"
    expected = brute_force(objective, inst, graph, case["rules"])
    assert expected is not None  # the restricted plan is a connected plan
    optimum = expected / objective.scale
    assert 0.0 <= wide.bound <= optimum + 1e-6
    assert optimum <= done.partition.objective + 1e-6


def test_below_an_optimum_the_hess_order_excludes() -> None:
    """r-x is long and y lies near r through z: the best plan, {r, x, y} and the rest, cuts
    2 pupils, but y has no same-region neighbour closer to r, so the Hess model's optimum cuts
    more. Its duals still give a bound over all connected regions: at most 2."""
    inst = make_instance(
        [(0, 0), (3, 0), (1.2, -1.2), (1, -1), (1, -3)], technical=[30, 0, 0, 30, 30]
    )
    edges = [(0, 1, 10.0), (1, 2, 10.0), (0, 3, 1.0), (3, 2, 1.0), (3, 4, 20.0)]
    rules = RulesConfig(min_technical_pupils=30, min_vmbo=2, mbo_reach_km=100, together_km=0)
    problem = Problem.from_instance(inst, graph_from_edges(inst, edges), rules, regions=(2, 2))
    weights = WeightsConfig(cut_pupils=1.0, compactness_km=0.0, gemeente_split=0.0)
    done = optimise(problem, weights, RESTRICTED[0])
    assert done.status == "OPTIMAL" and done.partition is not None
    assert done.bound > 2.0  # the Hess model's own bound holds only within it
    wide = done.all_regions
    assert wide is not None and wide.complete
    assert 0.0 < wide.bound <= 2.0 + 1e-9
