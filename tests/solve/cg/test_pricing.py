"""Pricing: the closure is the exact maximum of its relaxation, exact pricing honours a floor,
a shifted bound never undercuts the exact value, and worker processes price as this one does."""

from __future__ import annotations

import itertools
import multiprocessing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.solve.cg.closure import closure
from regionopt.solve.cg.exact import ExactPricer
from regionopt.solve.cg.pricing_problem import FINE, PricingProblem, RootData
from regionopt.solve.cg.workers import PricingPool

from ...strategies import WEIGHTS, exact_search, problem_of, small_instances
from .lp import pricing_problem
from .test_loop import path_problem

HESS = exact_search(contiguity="hess")


def _relaxed_maximum(root: RootData, pi: np.ndarray, size_cost: np.ndarray | None = None) -> float:
    """Brute force of the closure relaxation: every member set holding the root and whole
    close-school groups, valued with the duals rounded up as the closure rounds them."""
    profit = root.rounded_duals(pi) / FINE - root.km
    others = [k for k in range(len(root.members)) if k != root.local_root]
    best = -np.inf
    for mask in itertools.product((False, True), repeat=len(others)):
        inside = np.zeros(len(root.members), dtype=bool)
        inside[root.local_root] = True
        inside[[k for k, m in zip(others, mask, strict=True) if m]] = True
        if any(inside[a] != inside[b] for a, b in root.tie):
            continue
        edges = root.edge_cost[inside[root.edges[:, 0]] & inside[root.edges[:, 1]]].sum()
        touched = {g for k, g in root.memberships.tolist() if inside[k]}
        items = sum(int(root.item_cost[g]) for g in touched)
        size = 0 if size_cost is None else int(size_cost[int(root.size[inside].sum())])
        best = max(best, profit[inside].sum() + edges - items - size)
    return float(best)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.integers(0, 2**16))
def test_the_closure_is_the_maximum_of_its_relaxation(case: dict, seed: int) -> None:
    """One minimum cut finds the best member set once contiguity and the rules are dropped."""
    problem, _, _ = problem_of(case)
    prob = pricing_problem(problem, WEIGHTS, HESS)
    pi = np.random.default_rng(seed).normal(0.0, 600.0, problem.n)
    rounded = np.ceil(pi * FINE - 1e-6) / FINE
    for root in prob.roots:
        value, chosen = closure(root, pi)
        assert value == pytest.approx(_relaxed_maximum(root, pi), abs=1e-9)
        assert root.root in chosen.tolist()
        assert value == pytest.approx(prob.value(chosen, root.root, rounded))


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.integers(0, 2**16))
def test_with_a_size_balance_the_closure_still_bounds_its_relaxation(case: dict, seed: int) -> None:
    """The size cost is linearised below itself, so the closure stays an upper bound."""
    problem, _, _ = problem_of(case)
    weights = WEIGHTS.model_copy(update={"size_balance": 40.0})
    prob = pricing_problem(problem, weights, HESS)
    pi = np.random.default_rng(seed).normal(0.0, 600.0, problem.n)
    for root in prob.roots:
        for _ in range(2):  # the second call starts from the anchor the first one moved
            value, chosen = prob.closure(root, pi)
            assert value >= _relaxed_maximum(root, pi, prob.objective.size.table) - 1e-9
            assert root.root in chosen.tolist()


def _path_pricers() -> tuple[PricingProblem, list[tuple[RootData, ExactPricer]]]:
    prob = pricing_problem(path_problem(), WEIGHTS, HESS)
    return prob, [(root, ExactPricer(prob, root)) for root in prob.roots]


def test_a_floor_spares_the_search_below_it_and_keeps_the_bound_valid() -> None:
    """Priced with a floor, a root reports its exact value above the floor, else the floor."""
    prob, pricers = _path_pricers()
    rng = np.random.default_rng(11)
    for root, pricer in pricers:
        for _ in range(5):
            pi = rng.normal(0.0, 500.0, prob.problem.n)
            exact, _, status = pricer.price(pi, 5.0)
            if status == "INFEASIBLE":
                continue
            for floor in (exact - 40.0, exact - 1e-3, exact, exact + 25.0):
                bound, found, _ = pricer.price(pi, 5.0, floor)
                assert bound >= exact - 1e-9
                if exact > floor:
                    assert bound == pytest.approx(exact)
                    assert found and all(
                        prob.value(s, root.root, pi) <= bound + 1e-6 for s in found
                    )
                else:
                    assert bound <= floor and not found


def test_a_shifted_bound_never_undercuts_the_exact_pricing_value() -> None:
    """The last proven bound plus each member's dual rise bounds the pricing at new duals."""
    prob, pricers = _path_pricers()
    rng = np.random.default_rng(7)
    for root, pricer in pricers:
        for _ in range(5):
            before = rng.normal(0.0, 500.0, prob.problem.n)
            bound, _, status = pricer.price(before, 5.0)
            assert status in ("OPTIMAL", "INFEASIBLE")
            root.last_duals = root.rounded_duals(before)
            root.last_bound = bound
            after = before + rng.normal(0.0, 200.0, prob.problem.n)
            exact, _, _ = pricer.price(after, 5.0)
            assert root.shifted_bound(after) >= exact
            # Duals that only fall leave the last bound standing.
            assert root.shifted_bound(before - 1.0) == bound


def test_worker_processes_price_as_this_process_does() -> None:
    prob = pricing_problem(path_problem(), WEIGHTS, HESS)
    pi = np.random.default_rng(3).normal(0.0, 800.0, prob.problem.n)
    here, there = PricingPool(prob, 1), PricingPool(prob, 2)
    try:
        assert (here.workers, there.workers) == (0, 2)
        (ub_here, sets_here), (ub_there, sets_there) = here.closures(pi), there.closures(pi)
        assert ub_here.tolist() == ub_there.tolist()
        assert [s.tolist() for s in sets_here] == [s.tolist() for s in sets_there]
        ks = list(range(len(prob.roots)))
        exact_here = [(k, b) for k, b, _, _ in here.price(ks, pi, 5.0)]
        exact_there = [(k, b) for k, b, _, _ in there.price(ks, pi, 5.0)]
        assert exact_here == exact_there
        # A worker's error reaches this process, and the worker goes on.
        there.submit(len(prob.roots) + 5, pi, 1.0)
        with pytest.raises(IndexError):
            there.result()
        assert [k for k, _, _, _ in there.price(ks[:2], pi, 5.0)] == ks[:2]
    finally:
        there.close()
    assert there.workers == 0 and not multiprocessing.active_children()


@pytest.mark.parametrize("depth, affinity", [(2, False), (8, True)])
def test_a_deterministic_pool_answers_in_the_order_of_submission(
    depth: int, affinity: bool
) -> None:
    """Results come back in submission order (not the order workers finish), each with the
    CP-SAT work it took, and the same bounds as pricing in this process; a deep queue and
    roots kept to one worker change neither."""
    prob = pricing_problem(path_problem(), WEIGHTS, HESS)
    pi = np.random.default_rng(5).normal(0.0, 800.0, prob.problem.n)
    here = PricingPool(prob, 1, deterministic=True)
    there = PricingPool(prob, 2, deterministic=True, depth=depth, affinity=affinity)
    ks = list(reversed(range(len(prob.roots)))) * 2
    try:
        assert there.slots == 2 * depth
        for k in ks:
            there.submit(k, pi, 5.0)
        if affinity:
            assert list(there._order) == [k % 2 for k in ks]
        answers = [there.result() for _ in ks]
        assert [k for k, _, _, _ in answers] == ks
        assert all(work > 0 for _, _, _, work in answers)
        expected = [(k, b) for k, b, _, _ in here.price(ks, pi, 5.0)]
        assert [(k, b) for k, b, _, _ in answers] == expected
    finally:
        there.close()
