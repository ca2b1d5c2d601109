"""Shared test data: random small instances (hypothesis), hand-made paths, brute force."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import strategies as st

from regionopt.check import check, is_valid
from regionopt.config import RulesConfig, SearchConfig, WeightsConfig
from regionopt.errors import InfeasibleError
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.plan import Plan
from regionopt.solve.pipeline import Optimised, optimise

from .conftest import make_instance

WEIGHTS = WeightsConfig(cut_pupils=1.0, compactness_km=0.05, gemeente_split=3.0)


def exact_search(**kw: Any) -> SearchConfig:
    """CP-SAT alone, to a proven optimum, with no radius restriction to speak of."""
    base: dict[str, Any] = {
        "cp_sat_s": 20.0,
        "bound_s": 0.0,
        "improve_s": 0.0,
        "workers": 1,
        "seed": 0,
        "radius_km": None,
        "relative_gap": 0.0,
    }
    base.update(kw)
    return SearchConfig(**base)


@st.composite
def small_instances(draw: st.DrawFn, max_n: int = 9) -> dict[str, Any]:
    """A random connected school graph with random pupils, mbo and rules."""
    n = draw(st.integers(3, max_n))
    points = [(draw(st.integers(0, 30)) * 1.0, draw(st.integers(0, 30)) * 1.0) for _ in range(n)]
    # Distinct points (the checker and the model agree on ties anyway, but keep it simple).
    points = [(x + 0.01 * i, y) for i, (x, y) in enumerate(points)]
    technical = [draw(st.sampled_from([0, 0, 5, 10, 20, 40])) for _ in range(n)]
    gemeenten = [f"GM{draw(st.integers(1, 3)):04d}" for _ in range(n)]
    edges: dict[tuple[int, int], int] = {}
    for i in range(1, n):  # a random spanning tree keeps the graph connected
        j = draw(st.integers(0, i - 1))
        edges[(j, i)] = draw(st.integers(0, 20))
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b:
            edges[(min(a, b), max(a, b))] = draw(st.integers(0, 20))
    mbo = [(draw(st.integers(0, 30)) * 1.0, draw(st.integers(0, 30)) * 1.0)]
    rules = RulesConfig(
        min_vmbo=draw(st.integers(1, 2)),
        min_technical_pupils=draw(st.sampled_from([0, 10, 30, 50])),
        mbo_reach_km=draw(st.sampled_from([10.0, 25.0, 100.0])),
        together_km=draw(st.sampled_from([0.0, 3.0])),
    )
    k = draw(st.integers(1, 3))
    k_max = draw(st.sampled_from([k, k + 1]))
    return {
        "points": points,
        "technical": technical,
        "gemeenten": gemeenten,
        "edges": [(a, b, float(w)) for (a, b), w in edges.items()],
        "mbo": mbo,
        "rules": rules,
        "regions": (k, k_max),
    }


def build(case: dict[str, Any]) -> tuple[Instance, nx.Graph]:
    """The instance and graph of a drawn case."""
    inst = make_instance(
        case["points"], technical=case["technical"], mbo_km=case["mbo"], gemeenten=case["gemeenten"]
    )
    return inst, graph_from_edges(inst, case["edges"])


def problem_of(case: dict[str, Any], **kw: Any) -> tuple[Problem, Instance, nx.Graph]:
    """The problem of a drawn case (and its instance and graph)."""
    inst, graph = build(case)
    return (
        Problem.from_instance(inst, graph, case["rules"], regions=case["regions"], **kw),
        inst,
        graph,
    )


def partitions(n: int) -> Iterator[tuple[np.ndarray, int]]:
    """All set partitions of 0..n-1 as restricted-growth label arrays, with their size."""
    labels = [0] * n

    def rec(i: int, k: int) -> Iterator[tuple[np.ndarray, int]]:
        if i == n:
            yield np.array(labels), k
            return
        for lab in range(k + 1):
            labels[i] = lab
            yield from rec(i + 1, max(k, lab + 1))

    if n:
        yield from rec(1, 1)


def brute_force(
    objective: Objective, inst: Instance, graph: nx.Graph, rules: RulesConfig
) -> int | None:
    """The best scaled objective over every rule-valid partition (None when there is none).

    Each region takes its cheapest root among its members with technical pupils.
    """
    problem = objective.problem
    lo, hi = problem.regions
    codes = [s.code for s in inst.schools]
    best = None
    for labels, k in partitions(inst.n):
        if not lo <= k <= hi:
            continue
        if not is_valid(check(inst, graph, Plan.from_labels(codes, labels), rules)):
            continue
        total = objective.constant
        for r in range(k):
            members = np.flatnonzero(labels == r)
            leaders = members[problem.can_lead[members]]
            total += min(objective.region_cost(members, int(j)) for j in leaders)
        best = total if best is None or total < best else best
    return best


# Six schools on a path, 5 km apart; two with technical pupils at the ends.
PATH_POINTS = [(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (15.0, 0.0), (20.0, 0.0), (25.0, 0.0)]
PATH_EDGES = [(i, i + 1, 10.0) for i in range(5)]


def path(
    technical: tuple[int, ...] = (30, 0, 0, 0, 0, 30),
    mbo: tuple[tuple[float, float], ...] = ((0, 0), (25, 0)),
) -> tuple[Instance, nx.Graph]:
    """Six schools on a path, 5 km apart."""
    inst = make_instance(PATH_POINTS, technical=list(technical), mbo_km=list(mbo))
    return inst, graph_from_edges(inst, PATH_EDGES)


# Six schools on a line, 1 km apart, all with 30 technical pupils. The commuting links are
# strong except between 02 and 03: the best two regions are {00, 01, 02} and {03, 04, 05}
# (cut 1 pupil); the plan {00, 01} / {02 .. 05} cuts 10.
LINE_POINTS = [(float(i), 0.0) for i in range(6)]
LINE_EDGES = [(0, 1, 10.0), (1, 2, 10.0), (2, 3, 1.0), (3, 4, 10.0), (4, 5, 10.0)]
LINE_RULES = RulesConfig(min_technical_pupils=40, min_vmbo=1, mbo_reach_km=100.0, together_km=0)


def line(**kw: Any) -> tuple[Problem, Instance, nx.Graph]:
    """The six-school line as a two-region problem."""
    inst = make_instance(LINE_POINTS, technical=[30] * 6)
    graph = graph_from_edges(inst, LINE_EDGES)
    return Problem.from_instance(inst, graph, LINE_RULES, regions=(2, 2), **kw), inst, graph


def solved(
    problem: Problem, weights: WeightsConfig, search: SearchConfig, *, optimal: bool = False
) -> Optimised | None:
    """``optimise``'s result with a plan (proven optimal if ``optimal``), else None: the rules
    leave a random case no plan often, and such a case tests nothing."""
    try:
        done = optimise(problem, weights, search)
    except InfeasibleError:
        return None
    if done.partition is None or (optimal and done.status != "OPTIMAL"):
        return None
    return done
