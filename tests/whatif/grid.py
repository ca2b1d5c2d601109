"""The what-if and repair tests' case: a 3 x 3 grid of schools 4 km apart, column regions."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from regionopt.config import RulesConfig
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.plan import Plan
from tests.conftest import make_instance

# Regions are the columns A, B, C:
#   0 3 6
#   1 4 7
#   2 5 8
GRID = [(4.0 * (i // 3), -4.0 * (i % 3)) for i in range(9)]
GRID_EDGES = [(i, i + 1) for i in range(9) if i % 3 != 2] + [(i, i + 3) for i in range(6)]
COLUMNS = "AAABBBCCC"
RULES = RulesConfig(min_vmbo=2, min_technical_pupils=30, mbo_reach_km=50.0, together_km=0.5)


def grid_codes(n: int) -> list[str]:
    """The codes of the first ``n`` grid schools."""
    return [f"{i:02d}AA00" for i in range(n)]


def grid_case(technical: Iterable[int]) -> tuple[Instance, nx.Graph, Plan]:
    """The grid with these technical pupils per school, its graph and the column plan."""
    inst = make_instance(GRID, technical=list(technical), mbo_km=[(4.0, -4.0)])
    plan = Plan.from_mapping(dict(zip(grid_codes(9), COLUMNS, strict=True)), name="grid")
    return inst, graph_from_edges(inst, GRID_EDGES), plan
