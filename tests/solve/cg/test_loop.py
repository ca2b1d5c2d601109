"""Column generation: a valid bound (never above the model's optimum), equal to the LP over
every enumerated column when it converges, with or without a reference plan; the IP over
its columns gives plans on the way."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.config import RulesConfig, WeightsConfig
from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.plan import Plan
from regionopt.solve.cg.loop import CgSettings, _Run, column_generation
from regionopt.solve.cg.master import Master
from regionopt.solve.cg.pricing_problem import Column, PricingProblem
from regionopt.solve.cg.workers import PricingPool
from regionopt.solve.clock import Clock
from regionopt.solve.pipeline import optimise, restriction_of

from ...strategies import WEIGHTS, exact_search, path, problem_of, small_instances, solved
from .lp import enumerated_lp, pricing_problem

HESS = exact_search(contiguity="hess")


def _bound(problem: Problem, weights: WeightsConfig, plan, **kw) -> object:
    restriction = restriction_of(HESS)
    objective = Objective.build(problem, weights)
    settings_ = CgSettings(**{"time_limit_s": 5.0, "tolerance": 1e-6, **kw})
    return column_generation(
        objective, candidates(problem, restriction), restriction, settings_, plans=[plan]
    )


@settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.sampled_from([0.0, 40.0]))
def test_bound_is_valid_and_matches_the_enumerated_lp(case: dict, size_balance: float) -> None:
    """With a size balance too: the closure relaxes it, exact pricing must still close in."""
    problem, _, _ = problem_of(case)
    weights = WEIGHTS.model_copy(update={"size_balance": size_balance})
    done = solved(problem, weights, HESS, optimal=True)
    if done is None:
        return
    optimum = done.partition.objective
    plan = (done.partition.labels, list(done.partition.roots))
    for pricing in ("closure", "exact"):
        res = _bound(problem, weights, plan, pricing=pricing)
        # Valid: never above the optimum of the model CP-SAT solves (same integer scaling).
        assert 0.0 <= res.bound <= optimum + 1e-6
    lp = enumerated_lp(pricing_problem(problem, weights, HESS))
    assert lp is not None and lp <= optimum + 1e-6
    # A bound never exceeds the LP over every column; exact pricing reaches it (up to the
    # duals rounded up to the pricing unit).
    assert res.bound <= lp + 1e-6
    assert res.converged
    assert res.bound >= lp - 0.01 * (problem.n + 1)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=6), st.integers(0, 2**16))
def test_with_a_reference_the_bound_is_valid_and_matches_the_enumerated_lp(
    case: dict, seed: int
) -> None:
    """Reference moves in the master: columns matched to at most one reference region each."""
    rng = np.random.default_rng(seed)
    inst_codes = [f"{i:02d}AA00" for i in range(len(case["points"]))]
    # A reference plan over some of the schools, in up to three regions.
    mapping = {c: f"R{rng.integers(3)}" for c in inst_codes if rng.random() < 0.8}
    if not mapping:
        return
    # Sometimes a cap on moves (a row of the master).
    max_moves = [None, None, 0, 1, 2][int(rng.integers(5))]
    problem, _, _ = problem_of(case, reference=Plan.from_mapping(mapping), max_moves=max_moves)
    weights = WEIGHTS.model_copy(update={"reference_move": 4.0})
    done = solved(problem, weights, HESS, optimal=True)
    if done is None:
        return
    lp = enumerated_lp(pricing_problem(problem, weights, HESS))
    assert lp is not None and lp <= done.partition.objective + 1e-6
    plan = (done.partition.labels, list(done.partition.roots))
    for pricing in ("closure", "exact"):
        res = _bound(problem, weights, plan, pricing=pricing)
        assert 0.0 <= res.bound <= lp + 1e-6
    if res.converged:
        assert res.bound >= lp - 0.01 * (problem.n + 1)


def path_problem() -> Problem:
    inst, graph = path(technical=(30, 0, 30, 0, 0, 30), mbo=((0, 0), (25, 0)))
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    return Problem.from_instance(inst, graph, rules, regions=(2, 2))


def test_exact_pricing_converges_on_a_path() -> None:
    """Six schools on a path, two regions: the bound reaches the LP, the LP the optimum."""
    problem = path_problem()
    done = optimise(problem, WEIGHTS, HESS)
    assert done.partition is not None
    res = _bound(
        problem,
        WEIGHTS,
        (done.partition.labels, list(done.partition.roots)),
        pricing="exact",
        time_limit_s=60.0,
    )
    lp = enumerated_lp(pricing_problem(problem, WEIGHTS, HESS))
    assert res.converged and lp is not None
    assert res.bound <= done.partition.objective + 1e-6
    assert abs(res.bound - lp) <= 0.01 * (problem.n + 1)
    res2 = _bound(
        problem,
        WEIGHTS,
        (done.partition.labels, list(done.partition.roots)),
        pricing="exact",
        workers=2,
        time_limit_s=60.0,
    )
    assert res2.converged and abs(res2.bound - lp) <= 0.01 * (problem.n + 1)


def test_the_ip_over_the_columns_gives_a_plan_within_the_target_gap() -> None:
    """Started from the worst contiguous plan, price and branch ends at the optimum."""
    problem = path_problem()
    done = optimise(problem, WEIGHTS, HESS)
    assert done.status == "OPTIMAL" and done.partition is not None
    # A valid but poor start: every school but the last in one region.
    res = _bound(
        problem,
        WEIGHTS,
        (np.array([0, 0, 0, 0, 0, 1]), [0, 5]),
        pricing="exact",
        ip_every_s=0.0,
        target_gap=1e-3,
        time_limit_s=60.0,
    )
    assert res.incumbent is not None and res.incumbent_objective is not None
    assert res.bound <= res.incumbent_objective + 1e-6
    assert res.incumbent_objective == pytest.approx(done.partition.objective)
    labels, roots = res.incumbent
    objective = Objective.build(problem, WEIGHTS)
    assert objective.score(labels, roots).total == pytest.approx(done.partition.objective)
    restriction = restriction_of(HESS)
    with pytest.raises(ValueError, match="starts from a plan"):
        column_generation(objective, candidates(problem, restriction), restriction, CgSettings())


def _restricted_lp(prob: PricingProblem, master: Master) -> float:
    """The master's LP over its columns without the stabilisation box (objective units)."""
    plain = Master(prob)
    for ids, root, _ in master.cols:
        plain.add(ids, root)
    return prob.to_units(plain.solve(np.zeros(prob.problem.n), 1e6 * prob.scale).value)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7))
def test_the_lp_counts_as_reached_only_when_the_master_is_the_restricted_lp(case: dict) -> None:
    """A narrow box binds often: the stabilised master's value then lies below the restricted
    master's LP, and the bound reaching it does not mean the LP is reached."""
    problem, _, _ = problem_of(case)
    done = solved(problem, WEIGHTS, HESS)
    if done is None:
        return
    prob = pricing_problem(problem, WEIGHTS, HESS)
    settings_ = CgSettings(pricing="exact", box_width=0.05, tolerance=1e-4, time_limit_s=5.0)
    run = _Run(prob, settings_, None, Clock(deterministic=True))
    run.seed([(done.partition.labels, list(done.partition.roots))], ())
    run.pool = PricingPool(prob, 1, deterministic=True)
    while run.round():
        if run._lp_reached():
            bound = prob.to_units(run.best)
            assert _restricted_lp(prob, run.master) <= bound + 1e-4 * max(abs(bound), 1.0) + 1e-6
    # The run stops at the LP, out of time or box, or with its plan proven optimal.
    assert run._lp_reached() or run._out_of_bounds() or run._proven()


def test_seed_columns_that_are_no_regions_of_the_model_stay_out() -> None:
    """Regions met in another problem (an area's) join the master only when they are regions
    of this one: an IP over the columns must give a valid plan."""
    problem = path_problem()
    prob = pricing_problem(problem, WEIGHTS, HESS)
    given_ = {
        Column(0, (0, 1, 2), 0): True,
        Column(0, (0, 2), 0): False,  # not connected
        Column(1, (0, 1), 0): False,  # its root has no technical pupils: no penvoerder
        Column(0, (0,), 0): False,  # one vmbo school
        Column(2, (1, 2, 3), 0): True,
        Column(2, (2, 3, 5), 0): False,  # not connected
    }
    assert {c: prob.admits(c) for c in given_} == given_
    done = optimise(problem, WEIGHTS, HESS)
    assert done.partition is not None
    res = column_generation(
        prob.objective,
        prob.cand,
        prob.restriction,
        CgSettings(pricing="exact", time_limit_s=10.0),
        plans=[(done.partition.labels, list(done.partition.roots))],
        columns=list(given_),
    )
    met = {(c.root, tuple(sorted(c.members))) for c in res.pool}
    left_out = [c for c, admitted in given_.items() if not admitted]
    assert not [c for c in left_out if (c.root, c.members) in met]
