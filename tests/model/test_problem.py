"""The optimizer's input: arrays of an instance, restricted to a window, without opt-outs."""

from __future__ import annotations

import pytest

from regionopt.errors import InputError
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.problem import Problem, exclude_schools

from ..strategies import LINE_RULES, line, path


def test_restrict_keeps_what_lies_inside_and_renumbers() -> None:
    problem, _, _ = line()
    sub = problem.restrict([5, 2, 3])
    assert sub.codes == (problem.codes[2], problem.codes[3], problem.codes[5])
    # Edge 2-3 (weight 1) is inside; 3-4 and 4-5 lose an end.
    assert sub.edges.tolist() == [[0, 1]] and sub.edge_weight.tolist() == [1.0]
    assert sub.technical.tolist() == [30, 30, 30]
    cand = candidates(problem, Restriction(radius_km=1000.0))
    sub_cand = cand.restrict([5, 2, 3], problem.n)
    # Distances stay those of the whole problem: from root 02 the school 05 is 3 km away.
    row = list(sub_cand.roots).index(0)
    assert abs(sub_cand.graph_km[row, 2] - 3.0) < 1e-6


def test_locks_and_exclusions() -> None:
    inst, graph = path()
    problem = Problem.from_instance(inst, graph, LINE_RULES, locks={"00AA00": "A", "03AA00": "A"})
    assert problem.locks == (("A", (0, 3)),)
    assert [0, 3] in problem.together_groups
    with pytest.raises(InputError, match="--lock"):
        Problem.from_instance(inst, graph, LINE_RULES, locks={"99ZZ00": "A"})
    sub, subgraph = exclude_schools(inst, graph, ["02AA00"])
    assert sub.n == 5 and "02AA00" not in sub.index
    assert subgraph.number_of_edges() == 3  # the path loses both edges of school 02
    with pytest.raises(InputError, match="--exclude"):
        exclude_schools(inst, graph, ["99ZZ00"])
