"""Window improvement and price-and-branch: never worse, always valid, finds the hand-checked
optimum of a path, and never beats a proven optimum (the scoring is the model's)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings

from regionopt.bound import Column, best_partition
from regionopt.check import check, is_valid
from regionopt.config import RulesConfig
from regionopt.errors import InfeasibleError
from regionopt.graph import graph_from_edges
from regionopt.improve import improve_by_windows, sub_candidates, sub_input
from regionopt.optimise import optimise
from regionopt.plan import Plan
from regionopt.solve import SolverInput, candidates, score_labels, solve

from .conftest import make_instance
from .test_solve import _build, _config, small_instances

# Six schools on a line, 1 km apart, all with 30 technical pupils. The commuting links are
# strong except between 02 and 03: the best two regions are {00, 01, 02} and {03, 04, 05}
# (cut 1 pupil); the plan {00, 01} / {02 .. 05} cuts 10.
LINE_POINTS = [(float(i), 0.0) for i in range(6)]
LINE_EDGES = [(0, 1, 10.0), (1, 2, 10.0), (2, 3, 1.0), (3, 4, 10.0), (4, 5, 10.0)]
LINE_RULES = RulesConfig(min_technical_pupils=40, min_vmbo=1, mbo_reach_km=100.0, together_km=0)


def _line() -> tuple[SolverInput, object, object]:
    inst = make_instance(LINE_POINTS, technical=[30] * 6)
    graph = graph_from_edges(inst, LINE_EDGES)
    return SolverInput.from_instance(inst, graph, LINE_RULES), inst, graph


def test_sub_input_keeps_what_lies_inside_and_renumbers() -> None:
    inp, _, _ = _line()
    sub = sub_input(inp, [5, 2, 3])
    assert sub.codes == (inp.codes[2], inp.codes[3], inp.codes[5])
    # Edges 2-3 (weight 1) is inside; 3-4 and 4-5 lose an end.
    assert sub.edges.tolist() == [[0, 1]] and sub.edge_weight.tolist() == [1.0]
    assert sub.technical.tolist() == [30, 30, 30]
    cand = candidates(inp, _config(2))
    sub_cand = sub_candidates(cand, [5, 2, 3], inp.n)
    # Distances stay national: from root 02 the school 05 is 3 km away along the line.
    row = list(sub_cand.roots).index(0)
    assert abs(sub_cand.graph_km[row, 2] - 3.0) < 1e-6


def test_windows_turn_a_bad_line_plan_into_the_optimum() -> None:
    inp, inst, graph = _line()
    config = _config(2)
    labels = np.array([0, 0, 1, 1, 1, 1])
    start = score_labels(inp, labels, config.weights, roots=[0, 5])
    assert start.cut_pupils == 10.0
    cand = candidates(inp, config)
    res = improve_by_windows(inp, config, cand, labels, [0, 5], time_limit_s=10.0)
    assert res.improvements >= 1 and res.objective < res.start_objective
    final = score_labels(inp, res.labels, config.weights, roots=res.roots)
    assert final.cut_pupils == 1.0
    assert sorted(map(sorted, (np.flatnonzero(res.labels == r) for r in (0, 1)))) == [
        [0, 1, 2],
        [3, 4, 5],
    ]
    plan = Plan.from_labels(inp.codes, res.labels)
    assert is_valid(check(inst, graph, plan, LINE_RULES))
    # Every column the windows met is a region of the national (here: whole) instance.
    assert all(len(c.members) >= 2 and c.root in c.members for c in res.pool)


def test_best_partition_picks_the_cheapest_cover() -> None:
    inp, _, _ = _line()
    config = _config(2)
    res = improve_by_windows(
        inp, config, candidates(inp, config), np.array([0, 0, 1, 1, 1, 1]), [0, 5]
    )
    found = best_partition(inp, config, res.pool)
    assert found is not None
    labels, roots, cost = found
    assert len(roots) == 2 and (labels >= 0).all()
    assert score_labels(inp, labels, config.weights, roots=roots).cut_pupils == 1.0
    chosen = {(roots[r], members) for r, members in enumerate(_regions(labels))}
    assert cost == sum(c.cost for c in res.pool if (c.root, c.members) in chosen)
    # Costs are recomputed: the same pool with every cost wiped gives the same plan.
    wiped = [Column(c.root, c.members, 0) for c in res.pool]
    again = best_partition(inp, config, wiped)
    assert again is not None and again[2] == cost
    # A pool that cannot cover every school gives no plan.
    assert best_partition(inp, config, [Column(0, (0, 1, 2), 0)]) is None


def _regions(labels: np.ndarray) -> list[tuple[int, ...]]:
    return [tuple(np.flatnonzero(labels == r).tolist()) for r in sorted(set(labels.tolist()))]


def test_optimise_reports_a_bound_below_its_plan() -> None:
    inp, inst, graph = _line()
    done = optimise(inp, _config(2), improve_time_s=5.0, bound_time_s=5.0)
    sol = done.solution
    assert sol.found and sol.bound is not None and sol.objective is not None
    assert 0.0 <= sol.bound <= sol.objective + 1e-6
    assert is_valid(check(inst, graph, sol.plan(inp.codes), LINE_RULES))


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=9))
def test_windows_never_worsen_never_break_never_beat_the_optimum(case: dict) -> None:
    inst, graph = _build(case)
    rules = case["rules"]
    inp = SolverInput.from_instance(inst, graph, rules)
    config = _config(case["k"], case["k_max"], contiguity="hess")
    try:
        sol = solve(inp, config)
    except InfeasibleError:
        return
    if not sol.found:
        return
    cand = candidates(inp, config).with_plan(sol.labels, sol.roots)
    res = improve_by_windows(
        inp, config, cand, sol.labels, sol.roots, time_limit_s=3.0, window_regions=3
    )
    assert res.objective <= res.start_objective + 1e-9
    assert len(res.roots) == len(sol.roots)
    plan = Plan.from_labels(inp.codes, res.labels)
    assert is_valid(check(inst, graph, plan, rules))
    if sol.status == "OPTIMAL":
        # CP-SAT's objective rounds each school's km term to 1/scale: allow that much.
        slack = 0.5 / config.objective_scale * inp.n
        assert res.objective >= sol.objective - slack - 1e-6


def test_best_partition_never_merges_two_lock_labels() -> None:
    inp, inst, graph = _line()
    config = _config(2)
    res = improve_by_windows(
        inp, config, candidates(inp, config), np.array([0, 0, 1, 1, 1, 1]), [0, 5]
    )
    assert best_partition(inp, config, res.pool) is not None
    # Locked apart, 01 and 02 can no longer share the optimum's region {00, 01, 02}.
    locks = {inp.codes[1]: "A", inp.codes[2]: "B"}
    locked = SolverInput.from_instance(inst, graph, LINE_RULES, locks=locks)
    found = best_partition(locked, config, res.pool)
    assert found is None or found[0][1] != found[0][2]
    pool = [*res.pool, Column(0, (0, 1), 0), Column(2, (2, 3, 4, 5), 0)]
    found = best_partition(locked, config, pool)
    assert found is not None and found[0][1] != found[0][2]


def test_windows_stop_once_the_plan_reaches_the_target() -> None:
    inp, _, _ = _line()
    config = _config(2)
    labels = np.array([0, 0, 1, 1, 1, 1])
    start = score_labels(inp, labels, config.weights, roots=[0, 5]).total
    cand = candidates(inp, config)
    res = improve_by_windows(inp, config, cand, labels, [0, 5], target_objective=start)
    assert res.windows == 0 and res.objective == start
    res = improve_by_windows(inp, config, cand, labels, [0, 5], target_objective=start - 1.0)
    assert res.windows >= 1 and res.objective <= start - 1.0


def _line_with_reference(move_weight: float, max_moves: int | None = None):
    """The line with its poor plan {00, 01} / {02 .. 05} as the reference plan."""
    from regionopt.config import WeightsConfig

    _, inst, graph = _line()
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    inp = SolverInput.from_instance(inst, graph, LINE_RULES, reference=reference)
    weights = WeightsConfig(
        cut_pupils=1.0, compactness_km=0.05, gemeente_split=3.0, reference_move=move_weight
    )
    return inp, inst, graph, _config(2, weights=weights, max_moves=max_moves)


def test_best_partition_charges_moves_as_the_model_does() -> None:
    from regionopt.bound import _Costs

    line, _, _ = _line()
    pool = improve_by_windows(
        line, _config(2), candidates(line, _config(2)), np.array([0, 0, 1, 1, 1, 1]), [0, 5]
    ).pool
    assert {(0, 1), (2, 3, 4, 5)} <= {c.members for c in pool}
    for weight, max_moves, expected in [
        (0.0, None, [(0, 1, 2), (3, 4, 5)]),  # moves are free: the optimum (cut 1)
        (100.0, None, [(0, 1), (2, 3, 4, 5)]),  # a move costs more than 9 cut pupils
        (0.0, 0, [(0, 1), (2, 3, 4, 5)]),  # no move allowed at all
    ]:
        inp, *_, config = _line_with_reference(weight, max_moves)
        found = best_partition(inp, config, pool)
        assert found is not None
        labels, roots, cost = found
        assert sorted(_regions(labels)) == expected
        comps = score_labels(inp, labels, config.weights, roots=roots)
        # The constant counts every reference school as moved; the cost earns back the kept.
        total = (cost + _Costs(inp, config).constant) / config.objective_scale
        assert abs(total - comps.total) <= 0.5 / config.objective_scale * inp.n


def _optimise_from_an_unproven_optimum(monkeypatch, inp: SolverInput, config):
    """CP-SAT's optimum, then ``optimise`` started from it as if CP-SAT had not proven it
    (as on the national instance, where CP-SAT's bound stays 0)."""
    import regionopt.optimise

    exact = solve(inp, config)
    assert exact.status == "OPTIMAL" and exact.objective is not None
    unproven = replace(exact, status="FEASIBLE", bound=0.0, gap=1.0)
    monkeypatch.setattr(regionopt.optimise, "solve", lambda *args: unproven)
    return exact, optimise(inp, config, improve_time_s=5.0, bound_time_s=5.0)


def test_optimise_with_a_reference_proves_its_bound_by_column_generation(monkeypatch) -> None:
    """Column generation models the moves: a valid bound where CP-SAT's was dropped."""
    inp, inst, graph, config = _line_with_reference(5.0)
    exact, done = _optimise_from_an_unproven_optimum(monkeypatch, inp, config)
    sol = done.solution
    assert done.bound_method.startswith("column generation")
    assert sol.bound is not None and sol.objective is not None
    assert 0.0 < sol.bound <= exact.objective + 1e-6 <= sol.objective + 1e-6
    assert is_valid(check(inst, graph, sol.plan(inp.codes), LINE_RULES))


def test_a_warm_start_over_max_moves_is_replaced_or_no_plan_is_given(monkeypatch) -> None:
    """CP-SAT found nothing and the warm start moves a school although none may move."""
    import regionopt.optimise

    inp, inst, graph, config = _line_with_reference(1.0, max_moves=0)
    optimum = np.array([0, 0, 0, 1, 1, 1])  # moves school 02 out of reference region Y
    comps = score_labels(inp, optimum, config.weights, roots=(1, 4))
    assert comps.reference_moves == 1
    warm = solve(inp, replace(config, max_moves=None))
    assert warm.status == "OPTIMAL" and warm.components is not None
    assert warm.components.reference_moves == 1
    over = replace(warm, status="HEURISTIC", bound=0.0, gap=1.0)
    monkeypatch.setattr(regionopt.optimise, "solve", lambda *args: over)
    done = optimise(inp, config, improve_time_s=5.0, bound_time_s=5.0)
    sol = done.solution
    assert sol.found and sol.components is not None
    assert sol.components.reference_moves == 0
    assert sorted(_regions(sol.labels)) == [(0, 1), (2, 3, 4, 5)]
    assert sol.time_to_first_valid_s is not None and sol.time_to_first_valid_s > 0.0
    assert is_valid(check(inst, graph, sol.plan(inp.codes), LINE_RULES))
    # Without column generation nothing can replace it: no plan rather than one over the cap.
    none = optimise(inp, config, improve_time_s=0.0, bound_time_s=0.0).solution
    assert not none.found and none.status == "UNKNOWN"


def test_a_lock_naming_a_reference_region_keeps_a_valid_bound(monkeypatch) -> None:
    """Column generation does not model such locks: it bounds the model without moves."""
    from regionopt.config import WeightsConfig

    _, inst, graph = _line()
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    # School 02 is locked to reference region Y's region: the optimum {00, 01, 02} / {03,
    # 04, 05} then keeps 02 but moves 03 .. 05 (matched to Y, the region of 02).
    inp = SolverInput.from_instance(
        inst, graph, LINE_RULES, reference=reference, locks={"02AA00": "Y"}
    )
    weights = WeightsConfig(
        cut_pupils=1.0, compactness_km=0.05, gemeente_split=3.0, reference_move=2.0
    )
    config = _config(2, weights=weights)
    # Scored as the model charges it: 02's region matches Y, so only 02 stays (5 moves,
    # where matching freely would keep 00, 01 in X and 03 .. 05 in Y: 1 move).
    tied = score_labels(inp, np.array([0, 0, 0, 1, 1, 1]), weights, roots=(1, 4))
    assert tied.reference_moves == 5
    exact, done = _optimise_from_an_unproven_optimum(monkeypatch, inp, config)
    sol = done.solution
    assert done.bound_method.startswith("column generation")
    assert sol.bound is not None and sol.objective is not None
    assert 0.0 < sol.bound <= exact.objective + 1e-6
    assert abs(sol.objective - exact.objective) <= 1e-6
    assert "reference_ip_objective" in sol.stats
    assert is_valid(check(inst, graph, sol.plan(inp.codes), LINE_RULES))
