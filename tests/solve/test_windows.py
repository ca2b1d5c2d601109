"""Window improvement and the IP over columns: never worse, always valid, the hand-checked
optimum of a line, never beyond a proven optimum; locks and moves charged as the model does."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from regionopt.check import check, is_valid
from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.plan import Plan
from regionopt.proposal import region_ids
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.pricing_problem import Column
from regionopt.solve.pipeline import restriction_of
from regionopt.solve.windows import WindowSettings, improve_by_windows

from ..strategies import (
    LINE_RULES,
    WEIGHTS,
    exact_search,
    line,
    problem_of,
    small_instances,
    solved,
)

HESS = exact_search(contiguity="hess")
POOR = (np.array([0, 0, 1, 1, 1, 1]), [0, 5])


def _regions(labels: np.ndarray) -> list[tuple[int, ...]]:
    return [tuple(np.flatnonzero(labels == r).tolist()) for r in sorted(set(labels.tolist()))]


def _windows(problem, plan=POOR, **kw):
    restriction = restriction_of(HESS)
    objective = Objective.build(problem, WEIGHTS)
    cand = candidates(problem, restriction).with_plan(plan[0], plan[1])
    settings_ = WindowSettings(**{"time_limit_s": 10.0, **kw.pop("settings", {})})
    return objective, improve_by_windows(objective, cand, restriction, plan, settings_, **kw)


def test_windows_turn_a_bad_line_plan_into_the_optimum() -> None:
    problem, inst, graph = line()
    objective, res = _windows(problem)
    assert objective.score(*POOR).cut_pupils == 10.0
    assert res.improvements >= 1 and res.objective < res.start_objective
    labels, roots = res.plan
    assert objective.score(labels, roots).cut_pupils == 1.0
    assert sorted(_regions(labels)) == [(0, 1, 2), (3, 4, 5)]
    plan = Plan.from_labels(problem.codes, labels)
    assert is_valid(check(inst, graph, plan, LINE_RULES))
    # Every column the windows met is a region of the whole instance.
    assert all(len(c.members) >= 2 and c.root in c.members for c in res.pool)


def test_best_partition_picks_the_cheapest_cover() -> None:
    problem, _, _ = line()
    objective, res = _windows(problem)
    found = best_partition(objective, res.pool)
    assert found is not None
    (labels, roots), cost = found
    assert len(roots) == 2 and (labels >= 0).all()
    assert objective.score(labels, roots).cut_pupils == 1.0
    assert cost + objective.constant == objective.scaled_total(labels, roots)
    # Costs are recomputed: the same pool with every cost wiped gives the same plan.
    again = best_partition(objective, [Column(c.root, c.members, 0) for c in res.pool])
    assert again is not None and again[1] == cost
    # A pool that cannot cover every school gives no plan.
    assert best_partition(objective, [Column(0, (0, 1, 2), 0)]) is None


def test_best_partition_never_merges_two_lock_labels() -> None:
    problem, _, _ = line()
    objective, res = _windows(problem)
    assert best_partition(objective, res.pool) is not None
    # Locked apart, 01 and 02 can no longer share the optimum's region {00, 01, 02}.
    locked_problem, _, _ = line(locks={problem.codes[1]: "A", problem.codes[2]: "B"})
    locked = Objective.build(locked_problem, WEIGHTS)
    found = best_partition(locked, res.pool)
    assert found is None or found[0][0][1] != found[0][0][2]
    pool = [*res.pool, Column(0, (0, 1), 0), Column(2, (2, 3, 4, 5), 0)]
    found = best_partition(locked, pool)
    assert found is not None and found[0][0][1] != found[0][0][2]


def test_windows_stop_once_the_plan_reaches_the_target() -> None:
    problem, _, _ = line()
    start = Objective.build(problem, WEIGHTS).score(*POOR).total
    _, res = _windows(problem, target_objective=start)
    assert res.windows == 0 and res.objective == start
    _, res = _windows(problem, target_objective=start - 1.0)
    assert res.windows >= 1 and res.objective <= start - 1.0


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=9))
def test_windows_never_worsen_never_break_never_beat_the_optimum(case: dict) -> None:
    problem, inst, graph = problem_of(case)
    done = solved(problem, WEIGHTS, HESS)
    if done is None:
        return
    plan = (done.partition.labels, list(done.partition.roots))
    _, res = _windows(problem, plan, settings={"time_limit_s": 3.0, "regions": 3})
    assert res.objective <= res.start_objective + 1e-9
    labels, roots = res.plan
    assert len(roots) == done.partition.k
    found = Plan.from_labels(problem.codes, labels)
    assert is_valid(check(inst, graph, found, case["rules"]))
    if done.status == "OPTIMAL":
        assert res.objective >= done.partition.objective - 1e-9


def _line_with_reference(move_weight: float, max_moves: int | None = None):
    """The line with its poor plan {00, 01} / {02 .. 05} as the reference plan."""
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    problem, inst, graph = line(reference=reference, max_moves=max_moves)
    return problem, inst, graph, WEIGHTS.model_copy(update={"reference_move": move_weight})


def test_best_partition_charges_moves_as_the_model_does() -> None:
    problem, _, _ = line()
    _, res = _windows(problem)
    assert {(0, 1), (2, 3, 4, 5)} <= {c.members for c in res.pool}
    for weight, max_moves, expected in [
        (0.0, None, [(0, 1, 2), (3, 4, 5)]),  # moves are free: the optimum (cut 1)
        (100.0, None, [(0, 1), (2, 3, 4, 5)]),  # a move costs more than 9 cut pupils
        (0.0, 0, [(0, 1), (2, 3, 4, 5)]),  # no move allowed at all
    ]:
        with_ref, *_, weights = _line_with_reference(weight, max_moves)
        objective = Objective.build(with_ref, weights)
        found = best_partition(objective, res.pool)
        assert found is not None
        (labels, roots), cost = found
        assert sorted(_regions(labels)) == expected
        # The constant counts every reference school as moved; the cost earns back the kept.
        assert cost + objective.constant == objective.scaled_total(labels, roots)


def test_region_ids_number_the_regions() -> None:
    assert region_ids(3) == ("R01", "R02", "R03")
