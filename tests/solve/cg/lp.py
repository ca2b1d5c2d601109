"""The set-partitioning LP over every column of a tiny model, by enumeration (brute force)."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from regionopt.config import SearchConfig, WeightsConfig
from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.solve.cg.pricing_problem import PricingProblem
from regionopt.solve.pipeline import restriction_of


def pricing_problem(
    problem: Problem, weights: WeightsConfig, search: SearchConfig
) -> PricingProblem:
    """The pricing view of a problem under a search configuration's restriction."""
    restriction = restriction_of(search)
    objective = Objective.build(problem, weights, scale=search.objective_scale)
    return PricingProblem(objective, candidates(problem, restriction), restriction)


def enumerated_lp(prob: PricingProblem) -> float | None:
    """The set-partitioning LP over every column of the model (with the pricing problem's
    subset-row cuts), in objective units."""
    objective = prob.objective
    reference = prob.problem.reference if prob.n_ref else None
    cols = []
    for root in prob.roots:
        others = [i for i in root.members.tolist() if i != root.root]
        for k in range(len(others) + 1):
            for extra in itertools.combinations(others, k):
                ids = np.array(sorted((root.root, *extra)), dtype=np.int64)
                if not prob.is_column(root, ids):
                    continue
                # Matched to no reference region, or to one of its members'.
                refs = (
                    {-1} if reference is None else {-1, *(int(r) for r in reference[ids] if r >= 0)}
                )
                cols += [(ids, r, prob.cost(ids, root.root, r)) for r in sorted(refs)]
    if not cols:
        return None
    n = prob.problem.n
    a = np.zeros((n + 1 + prob.n_ref, len(cols)))
    for c, (ids, r, _) in enumerate(cols):
        a[ids, c] = 1.0
        if r >= 0:
            a[n + 1 + r, c] = 1.0
    a[n] = 1.0
    # With max_moves: at least min_kept schools kept (as -kept <= -min_kept).
    kept = [-objective.kept(ids, r) for ids, r, _ in cols]
    min_kept = [] if prob.min_kept is None else [-prob.min_kept]
    # A subset-row cut: at most one column holds two or more of its three schools.
    cut_rows = [
        [float(len(set(cut) & set(ids.tolist())) >= 2) for ids, _, _ in cols] for cut in prob.cuts
    ]
    res = linprog(
        [c for *_, c in cols],
        A_eq=a[:n],
        b_eq=np.ones(n),
        A_ub=np.vstack([a[n], -a[n], a[n + 1 :], *([kept] if min_kept else []), *cut_rows]),
        b_ub=[prob.hi, -prob.lo, *([1.0] * prob.n_ref), *min_kept, *([1.0] * len(cut_rows))],
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        return None
    return prob.to_units(res.fun)
