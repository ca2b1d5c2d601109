"""The pipeline of phases: a bound below the plan, column generation with a reference plan,
a warm start over ``max_moves`` replaced or no plan, and Ctrl-C keeping the best plan."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import regionopt.solve.pipeline as pipeline
from regionopt.check import check, is_valid
from regionopt.config import RulesConfig, WeightsConfig
from regionopt.errors import InfeasibleError
from regionopt.graph import graph_from_edges
from regionopt.model.objective import Objective
from regionopt.model.problem import ItemFamily, Problem
from regionopt.plan import Plan
from regionopt.proposal import region_ids
from regionopt.solve.decompose import AreaStart
from regionopt.solve.pipeline import optimise

from ..conftest import make_instance
from ..strategies import (
    LINE_RULES,
    WEIGHTS,
    brute_force,
    exact_search,
    line,
    problem_of,
    small_instances,
)

SEARCH = exact_search(contiguity="hess", bound_s=5.0, improve_s=5.0, relative_gap=0.001)


def _unproven_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT finds its optimum but proves nothing (as on the national instance, where its
    bound stays 0), so column generation has to prove the bound."""
    real = pipeline.solve_model

    def unproven(*args: Any, **kw: Any) -> Any:
        return replace(real(*args, **kw), status="FEASIBLE", bound=0.0)

    monkeypatch.setattr(pipeline, "solve_model", unproven)


def _reference_line(weight: float, **kw: Any):
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    problem, inst, graph = line(reference=reference, **kw)
    return problem, inst, graph, WEIGHTS.model_copy(update={"reference_move": weight})


def test_optimise_reports_a_bound_below_its_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    _unproven_cp_sat(monkeypatch)
    problem, inst, graph = line()
    done = optimise(problem, WEIGHTS, SEARCH)
    assert done.partition is not None
    assert 0.0 < done.bound <= done.partition.objective + 1e-6
    assert done.bound_method.startswith("column generation")
    assert done.status == "OPTIMAL" and "Hess" in done.scope
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert is_valid(check(inst, graph, plan, LINE_RULES))
    assert done.cp_sat is not None and done.column_generation is not None


def test_with_a_reference_column_generation_proves_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem, inst, graph, weights = _reference_line(5.0)
    exact = optimise(problem, weights, exact_search())
    assert exact.status == "OPTIMAL" and exact.partition is not None
    _unproven_cp_sat(monkeypatch)
    done = optimise(problem, weights, SEARCH)
    assert done.partition is not None
    assert done.bound_method.startswith("column generation")
    assert 0.0 < done.bound <= exact.partition.objective + 1e-6 <= done.partition.objective + 1e-6
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert is_valid(check(inst, graph, plan, LINE_RULES))


def test_a_warm_start_over_max_moves_is_replaced_or_no_plan_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CP-SAT found nothing and the warm start moves a school although none may move."""
    problem, inst, graph, weights = _reference_line(1.0, max_moves=0)
    optimum = (np.array([0, 0, 0, 1, 1, 1]), [1, 4])  # moves school 02 out of region Y
    assert Objective.build(problem, weights).score(*optimum).reference_moves == 1
    monkeypatch.setattr(pipeline, "warm_start", lambda *a, **k: optimum)
    real = pipeline.solve_model
    monkeypatch.setattr(
        pipeline, "solve_model", lambda *a, **k: replace(real(*a, **k), plan=None, bound=0.0)
    )
    done = optimise(problem, weights, SEARCH)
    assert done.partition is not None
    assert done.partition.components.reference_moves == 0
    assert sorted(map(tuple, (done.partition.members(r) for r in range(2)))) == [
        (0, 1),
        (2, 3, 4, 5),
    ]
    assert done.time_to_first_valid_s is not None and done.time_to_first_valid_s > 0.0
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert is_valid(check(inst, graph, plan, LINE_RULES))
    # Without column generation nothing can replace it: no plan rather than one over the cap.
    none = optimise(problem, weights, SEARCH.model_copy(update={"bound_s": 0.0, "improve_s": 0.0}))
    assert none.partition is None and none.status == "UNKNOWN"


def test_a_lock_naming_a_reference_region_keeps_a_valid_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Column generation does not model such locks: it bounds the model without moves."""
    # School 02 is locked to reference region Y's region: the optimum {00, 01, 02} / {03,
    # 04, 05} then keeps 02 but moves 03 .. 05 (matched to Y, the region of 02).
    problem, inst, graph, weights = _reference_line(2.0, locks={"02AA00": "Y"})
    tied = Objective.build(problem, weights).score(np.array([0, 0, 0, 1, 1, 1]), [1, 4])
    assert tied.reference_moves == 5
    exact = optimise(problem, weights, exact_search())
    assert exact.partition is not None
    _unproven_cp_sat(monkeypatch)
    done = optimise(problem, weights, SEARCH)
    assert done.partition is not None
    assert done.bound_method.startswith("column generation")
    assert 0.0 < done.bound <= exact.partition.objective + 1e-6
    assert abs(done.partition.objective - exact.partition.objective) <= 1e-6
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert is_valid(check(inst, graph, plan, LINE_RULES))


def test_ctrl_c_after_the_first_plan_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    problem, _, _ = line()
    _unproven_cp_sat(monkeypatch)

    def interrupted(*args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "column_generation", interrupted)
    done = optimise(problem, WEIGHTS, SEARCH)
    assert done.status == "INTERRUPTED" and done.partition is not None
    assert done.gap is not None and done.gap > 0
    # Before any plan exists, Ctrl-C ends the run.
    monkeypatch.setattr(pipeline, "warm_start", lambda *a, **k: None)
    monkeypatch.setattr(pipeline, "solve_model", interrupted)
    with pytest.raises(KeyboardInterrupt):
        optimise(problem, WEIGHTS, SEARCH)


def test_regions_come_in_a_canonical_order() -> None:
    problem, _, _ = line()
    a = optimise(problem, WEIGHTS, SEARCH.model_copy(update={"seed": 0}))
    b = optimise(problem, WEIGHTS, SEARCH.model_copy(update={"seed": 3}))
    assert a.partition is not None and b.partition is not None
    firsts = [min(problem.codes[i] for i in a.partition.members(r)) for r in range(a.partition.k)]
    assert firsts == sorted(firsts)
    assert a.partition.labels.tolist() == b.partition.labels.tolist()


UNRESTRICTED = exact_search(
    contiguity="connected", cp_sat_s=0.0, bound_s=20.0, improve_s=2.0, relative_gap=0.0
)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7))
def test_the_unrestricted_optimum_equals_brute_force_over_connected_partitions(case: dict) -> None:
    """Column generation over every connected region (no CP-SAT, no radius, no Hess order)."""
    problem, inst, graph = problem_of(case)
    objective = Objective.build(problem, WEIGHTS)
    expected = brute_force(objective, inst, graph, case["rules"])
    try:
        done = optimise(problem, WEIGHTS, UNRESTRICTED)
    except InfeasibleError:
        assert expected is None
        return
    if expected is None:
        assert done.partition is None
        return
    assert done.partition is not None, "a valid plan exists but none was found"
    assert done.scope == "all connected regions that meet the rules"
    optimum = expected / objective.scale
    assert done.bound <= optimum + 1e-6 <= done.partition.objective + 1e-6
    if done.status == "OPTIMAL":
        assert done.partition.objective == pytest.approx(optimum)


def test_the_hess_order_can_exclude_the_optimum() -> None:
    """r-x is long and y lies near r through z, so the region {r, x, y} is connected but y has
    no same-region neighbour closer to r: Hess excludes it, the unrestricted model finds it."""
    inst = make_instance(
        [(0, 0), (3, 0), (1.2, -1.2), (1, -1), (1, -3)], technical=[30, 0, 0, 30, 30]
    )
    edges = [(0, 1, 10.0), (1, 2, 10.0), (0, 3, 1.0), (3, 2, 1.0), (3, 4, 20.0)]
    graph = graph_from_edges(inst, edges)
    rules = RulesConfig(min_technical_pupils=30, min_vmbo=2, mbo_reach_km=100, together_km=0)
    problem = Problem.from_instance(inst, graph, rules, regions=(2, 2))
    weights = WeightsConfig(cut_pupils=1.0, compactness_km=0.0, gemeente_split=0.0)
    done = optimise(problem, weights, UNRESTRICTED)
    assert done.status == "OPTIMAL" and done.partition is not None
    assert done.partition.objective == 2.0  # cuts r-z and z-y only
    assert done.partition.labels.tolist() in ([0, 0, 0, 1, 1], [1, 1, 1, 0, 0])
    hess = optimise(problem, weights, UNRESTRICTED.model_copy(update={"contiguity": "hess"}))
    assert hess.partition is None or hess.partition.objective > 2.0


def test_a_start_that_splits_close_schools_is_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schools 2 and 3 of the line stand 0.2 km apart (together rule 0.5 km); an area start
    that puts them in two regions is dropped, and the plan keeps them together."""
    points = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.2, 0.0), (3.2, 0.0), (4.2, 0.0)]
    inst = make_instance(points, technical=[30] * 6)
    graph = graph_from_edges(inst, [(i, i + 1, 10.0) for i in range(5)])
    rules = LINE_RULES.model_copy(update={"together_km": 0.5})
    family = ItemFamily("rpa", np.array([0, 0, 0, 1, 1, 1]), ("A", "B"))
    problem = Problem.from_instance(inst, graph, rules, regions=(2, 2), families=[family])
    weights = WEIGHTS.model_copy(update={"labour_market_split": 50.0})
    split = (np.array([0, 0, 0, 1, 1, 1]), [0, 5])
    monkeypatch.setattr(pipeline, "decomposed_start", lambda *a, **kw: AreaStart(split, ()))
    monkeypatch.setattr(pipeline, "warm_start", lambda *a, **kw: split)
    done = optimise(problem, weights, exact_search(area_start_s=5.0))
    assert done.partition is not None
    assert not problem.splits_a_group(np.asarray(done.partition.labels))
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert is_valid(check(inst, graph, plan, rules))


def test_only_the_national_run_prices_over_all_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The areas of the start are runs of their own: they must not each add the all-regions
    phase (its work would count against the start's budget)."""
    problem_, _, _ = line()
    family = ItemFamily("rpa", np.array([0, 0, 0, 1, 1, 1]), ("A", "B"))
    problem = replace(problem_, items=(*problem_.items, family))
    weights = WEIGHTS.model_copy(update={"labour_market_split": 50.0})
    calls: list[int] = []
    real = pipeline.all_regions_bound

    def counted(objective: Objective, *args: Any, **kw: Any) -> Any:
        calls.append(objective.problem.n)
        return real(objective, *args, **kw)

    monkeypatch.setattr(pipeline, "all_regions_bound", counted)
    search = exact_search(radius_km=2.5, area_start_s=10.0, bound_s=5.0, all_regions_s=5.0)
    done = optimise(problem, weights, search)
    assert done.partition is not None and done.all_regions is not None
    assert calls == [problem.n]


@pytest.mark.parametrize("contiguity", ["connected", "hess"])
def test_a_plan_is_measured_from_its_best_admitted_roots(
    monkeypatch: pytest.MonkeyPatch, contiguity: str
) -> None:
    """The start roots the line's two regions at their far ends (0 and 5); no phase runs after
    it, and the plan's value is that of the middle roots (1 and 4: 2 km per region instead of
    3), unless the Hess order ties the regions to the roots they were joined from."""
    split = (np.array([0, 0, 0, 1, 1, 1]), [0, 5])
    monkeypatch.setattr(pipeline, "warm_start", lambda *a, **kw: split)
    problem, _, _ = line()
    search = exact_search(cp_sat_s=0.0, contiguity=contiguity)
    done = optimise(problem, WEIGHTS, search)
    assert done.partition is not None
    assert done.partition.labels.tolist() == split[0].tolist()
    far = Objective.build(problem, WEIGHTS).score(split[0], split[1])
    if contiguity == "hess":
        assert done.partition.roots == (0, 5)
        assert done.partition.components == far
    else:
        assert done.partition.roots == (1, 4)
        assert done.partition.components.compactness_km == pytest.approx(4.0)
        assert far.compactness_km == pytest.approx(6.0)
        assert done.partition.objective == pytest.approx(far.total - 2 * WEIGHTS.compactness_km)
