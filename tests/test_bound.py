"""The column-generation bound: valid (never above the model's optimum) on tiny instances,
and equal to the set-partitioning LP over every enumerated column when it converges."""

from __future__ import annotations

import itertools
import multiprocessing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from regionopt.bound import (
    _FINE,
    _closure,
    _ExactPricer,
    _feasible,
    _Pricing,
    _Problem,
    column_generation_bound,
)
from regionopt.errors import InfeasibleError
from regionopt.solve import SolverInput, _adjacency, candidates, score_labels, solve

from .test_solve import _build, _config, small_instances


def _enumerated_lp(inp: SolverInput, config) -> float | None:
    """The set-partitioning LP over every feasible column (brute force), objective units."""
    cand = candidates(inp, config)
    prob = _Problem(inp, config, cand)
    adj = _adjacency(inp)
    rpos = {int(j): r for r, j in enumerate(cand.roots.tolist())}
    cols = []
    ref = inp.reference if prob.n_ref else None
    for root in prob.roots:
        others = [i for i in root.members.tolist() if i != root.root]
        for k in range(len(others) + 1):
            for extra in itertools.combinations(others, k):
                ids = np.array(sorted((root.root, *extra)), dtype=np.int64)
                if _feasible(prob, root, adj, rpos[root.root], ids):
                    # Matched to no reference region, or to one of its members'.
                    refs = {-1} if ref is None else {-1, *(int(r) for r in ref[ids] if r >= 0)}
                    cols += [(ids, r, prob.cost(ids, root.root, r)) for r in sorted(refs)]
    if not cols:
        return None
    n = inp.n
    a = np.zeros((n + 1 + prob.n_ref, len(cols)))
    for c, (ids, r, _) in enumerate(cols):
        a[ids, c] = 1.0
        if r >= 0:
            a[n + 1 + r, c] = 1.0
    a[n] = 1.0
    lo, hi = prob.lo, prob.hi
    # With max_moves: at least min_kept schools kept (as -kept <= -min_kept).
    kept = [-prob.costs.kept(ids, r) for ids, r, _ in cols]
    min_kept = [] if prob.min_kept is None else [-prob.min_kept]
    res = linprog(
        [c for *_, c in cols],
        A_eq=a[:n],
        b_eq=np.ones(n),
        A_ub=np.vstack([a[n], -a[n], a[n + 1 :], *([kept] if min_kept else [])]),
        b_ub=[hi, -lo, *([1.0] * prob.n_ref), *min_kept],
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        return None
    return (res.fun + prob.constant) / prob.scale


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7))
def test_bound_is_valid_and_matches_the_enumerated_lp(case: dict) -> None:
    inst, graph = _build(case)
    inp = SolverInput.from_instance(inst, graph, case["rules"])
    config = _config(case["k"], case["k_max"], contiguity="hess")
    try:
        sol = solve(inp, config)
    except InfeasibleError:
        return
    if not sol.found or sol.status != "OPTIMAL":
        return
    plans = [(sol.labels, sol.roots)]
    for pricing in ("closure", "exact"):
        res = column_generation_bound(
            inp, config, plans=plans, pricing=pricing, time_limit_s=5.0, tolerance=1e-6
        )
        # Valid: never above the optimum of the model CP-SAT solves (same integer scaling).
        assert res.bound <= sol.objective + 1e-6
        assert res.bound >= 0.0
    lp = _enumerated_lp(inp, config)
    assert lp is not None and lp <= sol.objective + 1e-6
    # A bound never exceeds the LP over every column; exact pricing reaches it when it
    # converges (up to the duals rounded up to the model's integer scale).
    assert res.bound <= lp + 1e-6
    if res.converged:
        assert res.bound >= lp - 0.01 * (inp.n + 1)


def _relaxed_maximum(prob: _Problem, root, pi: np.ndarray) -> float:
    """Brute force of the closure relaxation: every member set holding the root and whole
    close-school groups, valued with the duals rounded up as the closure rounds them."""
    profit = root.rounded_duals(pi) / _FINE - root.km
    local_root = int(np.flatnonzero(root.members == root.root)[0])
    others = [k for k in range(len(root.members)) if k != local_root]
    best = -np.inf
    for mask in itertools.product((False, True), repeat=len(others)):
        inside = np.zeros(len(root.members), dtype=bool)
        inside[local_root] = True
        inside[[k for k, m in zip(others, mask, strict=True) if m]] = True
        if any(inside[a] != inside[b] for a, b in root.tie):
            continue
        edges = root.edge_cost[inside[root.edges[:, 0]] & inside[root.edges[:, 1]]].sum()
        split = len(set(root.gemeente[inside & (root.gemeente >= 0)].tolist()))
        best = max(best, profit[inside].sum() + edges - prob.c_split * split)
    return float(best)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=7), st.integers(0, 2**16))
def test_the_closure_is_the_maximum_of_its_relaxation(case: dict, seed: int) -> None:
    """One minimum cut finds the best member set once contiguity and the rules are dropped."""
    inst, graph = _build(case)
    inp = SolverInput.from_instance(inst, graph, case["rules"])
    config = _config(case["k"], case["k_max"], contiguity="hess")
    prob = _Problem(inp, config, candidates(inp, config))
    pi = np.random.default_rng(seed).normal(0.0, 600.0, inp.n)
    for root in prob.roots:
        value, chosen = _closure(root, pi, prob.c_split)
        assert value == pytest.approx(_relaxed_maximum(prob, root, pi), abs=1e-9)
        assert root.root in chosen.tolist()
        assert value == pytest.approx(
            prob.value(chosen, root.root, np.ceil(pi * _FINE - 1e-6) / _FINE)
        )


def test_a_floor_spares_the_search_below_it_and_keeps_the_bound_valid() -> None:
    """Priced with a floor, a root reports its exact value above the floor, else the floor."""
    inp, prob, pricers = _path_pricers()
    rng = np.random.default_rng(11)
    for root, pricer in pricers:
        for _ in range(5):
            pi = rng.normal(0.0, 500.0, inp.n)
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


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=6), st.integers(0, 2**16))
def test_with_a_reference_the_bound_is_valid_and_matches_the_enumerated_lp(
    case: dict, seed: int
) -> None:
    """Reference moves in the master: columns matched to at most one reference region each."""
    from regionopt.config import WeightsConfig
    from regionopt.plan import Plan

    inst, graph = _build(case)
    rng = np.random.default_rng(seed)
    # A reference plan over some of the schools, in up to three regions.
    mapping = {s.code: f"R{rng.integers(3)}" for s in inst.schools if rng.random() < 0.8}
    if not mapping:
        return
    inp = SolverInput.from_instance(
        inst, graph, case["rules"], reference=Plan.from_mapping(mapping)
    )
    weights = WeightsConfig(
        cut_pupils=1.0, compactness_km=0.05, gemeente_split=3.0, reference_move=4.0
    )
    # Sometimes a cap on moves (a row of the master).
    max_moves = [None, None, 0, 1, 2][int(rng.integers(5))]
    config = _config(
        case["k"], case["k_max"], contiguity="hess", weights=weights, max_moves=max_moves
    )
    try:
        sol = solve(inp, config)
    except InfeasibleError:
        return
    if not sol.found or sol.status != "OPTIMAL":
        return
    lp = _enumerated_lp(inp, config)
    assert lp is not None and lp <= sol.objective + 1e-6
    for pricing in ("closure", "exact"):
        res = column_generation_bound(
            inp,
            config,
            plans=[(sol.labels, sol.roots)],
            pricing=pricing,
            time_limit_s=5.0,
            tolerance=1e-6,
        )
        assert 0.0 <= res.bound <= lp + 1e-6
    if res.converged:
        assert res.bound >= lp - 0.01 * (inp.n + 1)


def test_exact_pricing_converges_on_a_path() -> None:
    """Six schools on a path, two regions: the bound reaches the LP, the LP the optimum."""
    from regionopt.config import RulesConfig

    from .test_solve import _path

    inst, graph = _path(technical=(30, 0, 30, 0, 0, 30), mbo=((0, 0), (25, 0)))
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    inp = SolverInput.from_instance(inst, graph, rules)
    config = _config(2, contiguity="hess")
    sol = solve(inp, config)
    res = column_generation_bound(
        inp, config, plans=[(sol.labels, sol.roots)], pricing="exact", tolerance=1e-6
    )
    lp = _enumerated_lp(inp, config)
    assert res.converged
    assert lp is not None
    assert res.bound <= sol.objective + 1e-6
    assert abs(res.bound - lp) <= 0.01 * (inp.n + 1)


def _path_problem():
    from regionopt.config import RulesConfig

    from .test_solve import _path

    inst, graph = _path(technical=(30, 0, 30, 0, 0, 30), mbo=((0, 0), (25, 0)))
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    inp = SolverInput.from_instance(inst, graph, rules)
    return inp, _config(2, contiguity="hess")


def _path_pricers() -> tuple[SolverInput, _Problem, list[tuple[object, _ExactPricer]]]:
    """The six-school path's pricing problem and one exact pricer per root."""
    inp, config = _path_problem()
    prob = _Problem(inp, config, candidates(inp, config))
    adj = _adjacency(inp)
    return (
        inp,
        prob,
        [(root, _ExactPricer(prob, root, adj, r)) for r, root in enumerate(prob.roots)],
    )


def test_a_shifted_bound_never_undercuts_the_exact_pricing_value() -> None:
    """The last proven bound plus each member's dual rise bounds the pricing at new duals."""
    inp, _, pricers = _path_pricers()
    rng = np.random.default_rng(7)
    for root, pricer in pricers:
        for _ in range(5):
            before = rng.normal(0.0, 500.0, inp.n)
            bound, _, status = pricer.price(before, 5.0)
            assert status in ("OPTIMAL", "INFEASIBLE")
            root.last_duals = root.rounded_duals(before)
            root.last_bound = bound
            after = before + rng.normal(0.0, 200.0, inp.n)
            exact, _, _ = pricer.price(after, 5.0)
            assert root.shifted_bound(after) >= exact
            # Duals that only fall leave the last bound standing.
            assert root.shifted_bound(before - 1.0) == bound


def test_worker_processes_price_as_this_process_does() -> None:
    inp, config = _path_problem()
    cand = candidates(inp, config)
    prob = _Problem(inp, config, cand)
    adj = _adjacency(inp)
    rpos = {int(j): r for r, j in enumerate(cand.roots.tolist())}
    pi = np.random.default_rng(3).normal(0.0, 800.0, inp.n)
    here, there = _Pricing(prob, adj, rpos, 1), _Pricing(prob, adj, rpos, 2)
    try:
        assert (here.workers, there.workers) == (0, 2)
        (ub_here, sets_here), (ub_there, sets_there) = here.closures(pi), there.closures(pi)
        assert ub_here.tolist() == ub_there.tolist()
        assert [s.tolist() for s in sets_here] == [s.tolist() for s in sets_there]
        ks = list(range(len(prob.roots)))
        exact_here = [(k, b) for k, b, _ in here.price(ks, pi, 5.0)]
        exact_there = [(k, b) for k, b, _ in there.price(ks, pi, 5.0)]
        assert exact_here == exact_there
        # A worker's error reaches this process, and the worker goes on.
        there.submit(len(prob.roots) + 5, pi, 1.0)
        with pytest.raises(IndexError):
            there.result()
        assert [k for k, _, _ in there.price(ks[:2], pi, 5.0)] == ks[:2]
    finally:
        there.close()
    assert there.workers == 0 and not multiprocessing.active_children()
    sol = solve(inp, config)
    plans = [(sol.labels, sol.roots)]
    res = column_generation_bound(
        inp, config, plans=plans, pricing="exact", tolerance=1e-6, workers=2
    )
    lp = _enumerated_lp(inp, config)
    assert res.converged and lp is not None
    assert abs(res.bound - lp) <= 0.01 * (inp.n + 1)


def test_the_ip_over_the_columns_gives_a_plan_within_the_target_gap() -> None:
    """Started from the worst contiguous plan, price and branch ends at the optimum."""
    inp, config = _path_problem()
    sol = solve(inp, config)
    assert sol.status == "OPTIMAL" and sol.objective is not None
    # A valid but poor start: every school but the last in one region.
    labels = np.array([0, 0, 0, 0, 0, 1])
    res = column_generation_bound(
        inp,
        config,
        plans=[(labels, (0, 5))],
        pricing="exact",
        incumbent_every_s=0.0,
        target_gap=1e-3,
    )
    assert res.incumbent is not None and res.incumbent_objective is not None
    found, roots = res.incumbent
    assert res.bound <= res.incumbent_objective + 1e-6
    assert res.incumbent_objective <= sol.objective + 1e-6
    assert abs(score_labels(inp, found, config.weights, roots=roots).total - sol.objective) < 0.01
    with pytest.raises(ValueError, match="starts from a plan"):
        column_generation_bound(inp, config)
