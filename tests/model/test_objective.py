"""The objective, defined once: the CP-SAT model, column generation's region costs and the
scoring of a plan give the same value for every plan; the components are in their units."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from regionopt.config import WeightsConfig
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.objective import Objective, item_splits
from regionopt.model.problem import ItemFamily
from regionopt.plan import Plan
from regionopt.solve.cg.pricing_problem import PricingProblem
from regionopt.solve.cpsat import build_model

from ..strategies import WEIGHTS, line, partitions, problem_of, small_instances


def _model_value(objective: Objective, labels: np.ndarray, roots: list[int]) -> int | None:
    """CP-SAT's objective for a plan fixed in its model (None when the model rejects it)."""
    restriction = Restriction()
    built = build_model(objective, candidates(objective.problem, restriction), restriction)
    for i, lab in enumerate(labels.tolist()):
        var = built.x.get((i, roots[lab]))
        if var is None:
            return None
        built.model.add(var == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.solve(built.model) != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=6), st.data())
def test_model_column_costs_and_score_agree_on_random_plans(
    case: dict, data: st.DataObject
) -> None:
    weights = WeightsConfig(
        cut_pupils=data.draw(st.sampled_from([0.5, 1.0, 2.0])),
        compactness_km=data.draw(st.sampled_from([0.0, 0.05, 0.3])),
        gemeente_split=data.draw(st.sampled_from([0.0, 3.0])),
        reference_move=data.draw(st.sampled_from([0.0, 4.0])),
        size_balance=data.draw(st.sampled_from([0.0, 40.0])),
    )
    problem, inst, _ = problem_of(case)
    mapping = {s.code: f"X{s.id % 2}" for s in inst.schools if s.id % 3}
    if weights.reference_move and mapping:
        problem, inst, _ = problem_of(case, reference=Plan.from_mapping(mapping))
    objective = Objective.build(problem, weights)
    all_plans = [
        p for p in partitions(problem.n) if problem.regions[0] <= p[1] <= problem.regions[1]
    ]
    labels, k = data.draw(st.sampled_from(all_plans))
    roots = []
    for r in range(k):
        leaders = [int(i) for i in np.flatnonzero(labels == r) if problem.can_lead[i]]
        if not leaders:
            return
        roots.append(data.draw(st.sampled_from(leaders)))
    scored = objective.scaled_total(labels, roots)
    comps = objective.score(labels, roots)
    assert comps.total == scored / objective.scale
    assert round(sum(comps.contributions.values()) * objective.scale) == scored
    refs = objective.matched_references(labels, k)
    column_sum = objective.constant + sum(
        objective.region_cost(np.flatnonzero(labels == r), roots[r], refs[r]) for r in range(k)
    )
    assert column_sum == scored
    restriction = Restriction()
    pricing = PricingProblem(objective, candidates(problem, restriction), restriction)
    cost_sum = pricing.constant + sum(
        pricing.cost(np.flatnonzero(labels == r), roots[r], refs[r]) for r in range(k)
    )
    assert cost_sum == scored
    value = _model_value(objective, labels, roots)
    if value is not None:  # the plan meets every rule of the model
        assert value == scored


def test_the_model_charges_a_valid_plan_as_scored() -> None:
    problem, _, _ = line()
    objective = Objective.build(problem, WEIGHTS)
    for labels, roots in (([0, 0, 0, 1, 1, 1], [1, 4]), ([0, 0, 1, 1, 1, 1], [0, 5])):
        plan = np.array(labels)
        assert _model_value(objective, plan, roots) == objective.scaled_total(plan, roots)


def test_components_in_their_own_units() -> None:
    problem, _, _ = line()
    objective = Objective.build(problem, WEIGHTS)
    labels = np.array([0, 0, 0, 1, 1, 1])
    comps = objective.score(labels, [1, 4])
    assert comps.cut_pupils == 1.0
    # Each school's km to its root: 1 + 0 + 1 on both sides.
    assert abs(comps.compactness_km - 4.0) < 1e-9
    assert comps.gemeente_splits == 1  # one gemeente over two regions
    assert comps.total == 1.0 + 0.05 * 4.0 + 3.0
    assert comps.splits == {"gemeente": 1}
    # What each part adds: the value times its weight, here without rounding.
    assert comps.contributions == {
        "cut_pupils": 1.0,
        "compactness_km": 0.2,
        "gemeente": 3.0,
        "size_balance": 0.0,
        "reference_moves": 0.0,
    }
    assert list(comps.contributions)[:3] == ["cut_pupils", "compactness_km", "gemeente"]
    # The best roots are the middle schools.
    assert objective.best_roots(labels) == [1, 4]


def test_further_item_families_are_charged_per_split() -> None:
    problem, _, _ = line()
    rpa = ItemFamily("rpa", np.array([0, 0, 0, 0, 1, 1]), ("A", "B"))
    problem = replace(problem, items=(*problem.items, rpa))
    objective = Objective.build(problem, WEIGHTS, item_weights={"rpa": 10.0})
    labels = np.array([0, 0, 0, 1, 1, 1])
    comps = objective.score(labels, [1, 4])
    assert comps.splits == {"gemeente": 1, "rpa": 1}
    assert comps.total == 1.0 + 0.05 * 4.0 + 3.0 + 10.0
    assert item_splits(rpa.index, np.array([0, 0, 0, 0, 1, 1])) == 0
