"""The national CP-SAT model (run alone): every plan passes the checker, tiny optima equal
brute force, locks, exclusions and a reference plan are kept."""

from __future__ import annotations

import signal
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.check import check, is_valid
from regionopt.config import RulesConfig
from regionopt.errors import InfeasibleError
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem, exclude_schools
from regionopt.plan import Plan
from regionopt.proposal import region_ids
from regionopt.solve.pipeline import optimise

from ..strategies import WEIGHTS, brute_force, exact_search, path, problem_of, small_instances


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=9))
def test_every_returned_plan_passes_the_checker(case: dict) -> None:
    problem, inst, graph = problem_of(case)
    for mode in ("hess", "connected"):
        try:
            done = optimise(problem, WEIGHTS, exact_search(contiguity=mode))
        except InfeasibleError as exc:
            assert exc.reasons, "an infeasible verdict must say why"
            continue
        assert done.partition is not None
        part = done.partition
        plan = part.plan(problem.codes, region_ids(part.k))
        violations = check(inst, graph, plan, case["rules"])
        assert is_valid(violations), [str(v) for v in violations]
        lo, hi = problem.regions
        assert lo <= len(plan.regions) <= hi
        # Every region's root is a school with technical pupils (a possible penvoerder).
        assert all(problem.can_lead[j] for j in part.roots)
        assert done.bound <= part.objective + 1e-6


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.sampled_from([0.0, 40.0]))
def test_tiny_optimum_equals_brute_force(case: dict, size_balance: float) -> None:
    problem, inst, graph = problem_of(case)
    weights = WEIGHTS.model_copy(update={"size_balance": size_balance})
    objective = Objective.build(problem, weights)
    expected = brute_force(objective, inst, graph, case["rules"])
    try:
        done = optimise(problem, weights, exact_search(contiguity="connected"))
    except InfeasibleError:
        assert expected is None, "the solver gave up although a valid plan exists"
        return
    assert expected is not None, "the solver returned a plan where brute force finds none"
    assert done.status == "OPTIMAL" and done.partition is not None
    assert done.partition.objective == expected / objective.scale
    # The faster ordering-based contiguity is a restriction: never better than the optimum.
    try:
        hess = optimise(problem, weights, exact_search(contiguity="hess"))
    except InfeasibleError:
        return
    assert hess.partition is not None and hess.partition.objective >= expected / objective.scale


def test_locks_exclusions_and_reference() -> None:
    inst, graph = path(technical=(30, 30, 30, 30, 30, 30))
    rules = RulesConfig(min_technical_pupils=0, mbo_reach_km=100.0, together_km=0.0)
    # Locks: 00 and 01 together, 02 apart from them.
    locks = {"00AA00": "A", "02AA00": "B", "01AA00": "A"}
    problem = Problem.from_instance(inst, graph, rules, regions=(2, 2), locks=locks)
    done = optimise(problem, WEIGHTS, exact_search())
    assert done.partition is not None
    labels = done.partition.labels
    assert labels[0] == labels[1] != labels[2]
    # Excluding a school removes it from the plan and the checker accepts the opt-out.
    sub, subgraph = exclude_schools(inst, graph, ["05AA00"])
    problem = Problem.from_instance(sub, subgraph, rules, regions=(2, 2))
    done = optimise(problem, WEIGHTS, exact_search())
    assert done.partition is not None
    plan = done.partition.plan(problem.codes, region_ids(2))
    assert "05AA00" not in plan.assignment
    assert is_valid(check(inst, graph, plan, rules, opted_out=["05AA00"]))
    # A valid reference with max_moves=0 comes back unchanged (same partition).
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    problem = Problem.from_instance(
        inst, graph, rules, regions=(2, 2), reference=reference, max_moves=0
    )
    done = optimise(problem, WEIGHTS, exact_search())
    assert done.partition is not None
    got = done.partition.labels
    assert len({int(got[0]), int(got[1])}) == 1 and len(set(got[2:].tolist())) == 1
    assert got[0] != got[2]
    assert done.partition.components.reference_moves == 0


def test_ctrl_c_after_a_cp_sat_solve_still_reaches_python() -> None:
    """CP-SAT's Ctrl-C handler must not leave the process to die silently on the next one.

    Python's handler is put in place first: a suite started in the background (``&`` in a
    non-interactive shell) begins with SIGINT ignored, and that would hide the fault."""
    inst, graph = path()
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    problem = Problem.from_instance(inst, graph, rules, regions=(2, 2))
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert optimise(problem, WEIGHTS, exact_search()).partition is not None
        # raise_signal delivers it to this (the main) thread.
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
            time.sleep(1.0)  # the signal is handled between bytecodes
    finally:
        signal.signal(signal.SIGINT, before)


def test_region_roots_are_spread_over_the_regions() -> None:
    inst, graph = path(technical=(30, 0, 30, 0, 0, 30))
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    problem = Problem.from_instance(inst, graph, rules, regions=(3, 3))
    done = optimise(problem, WEIGHTS, exact_search())
    assert done.partition is not None
    part = done.partition
    assert sorted(part.roots) == [0, 2, 5]
    assert all(part.labels[j] == r for r, j in enumerate(part.roots))
    assert np.unique(part.labels).tolist() == [0, 1, 2]
