"""The what-if and repair tests' cases: a 3 x 3 grid of schools, and a line of nine."""

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


def school_codes(n: int) -> list[str]:
    """The codes ``make_instance`` gives its first ``n`` schools."""
    return [f"{i:02d}AA00" for i in range(n)]


def grid_case(technical: Iterable[int]) -> tuple[Instance, nx.Graph, Plan]:
    """The grid with these technical pupils per school, its graph and the column plan."""
    inst = make_instance(GRID, technical=list(technical), mbo_km=[(4.0, -4.0)])
    plan = Plan.from_mapping(dict(zip(school_codes(9), COLUMNS, strict=True)), name="grid")
    return inst, graph_from_edges(inst, GRID_EDGES), plan


# Nine schools 4 km apart on a line, linked in a chain: A = 0-3, B = 4-5, C = 6-8.
LINE = [(4.0 * i, 0.0) for i in range(9)]
LINE_EDGES = [(i, i + 1) for i in range(8)]
LINE_REGIONS = "AAAABBCCC"
# A = 20+20+15+15 = 70, B = 5+30 = 35, C = 60 technical pupils; the minimum is 30.
LINE_TECHNICAL = [20, 20, 15, 15, 5, 30, 20, 20, 20]


def line_case() -> tuple[Instance, nx.Graph, Plan]:
    """When 05AA00 (30 pupils) leaves B, B keeps 04AA00 alone (5 pupils): broken.

    Cheapest repair: move 04AA00 to A (1 move) and B is gone. Keeping B takes 2 moves:
    02AA00 and 03AA00 (15 + 15) join it, A keeps 40 (by hand: nothing smaller works, as
    B needs 25 more pupils and one more vmbo school next to 04AA00).
    """
    inst = make_instance(LINE, technical=LINE_TECHNICAL, mbo_km=[(16.0, 0.0)])
    plan = Plan.from_mapping(dict(zip(school_codes(9), LINE_REGIONS, strict=True)), name="line")
    return inst, graph_from_edges(inst, LINE_EDGES), plan


# Seven schools 3 km apart; technical pupils chosen so that the money splits leave remainders.
SEVEN_TECHNICAL = [13, 0, 7, 29, 1, 0, 50]
SEVEN_POINTS = [(i * 3.0, 0.0) for i in range(len(SEVEN_TECHNICAL))]


def lettered_plan(labels: str, **kwargs: object) -> Plan:
    """A plan from one region letter per school (``.``: in no region)."""
    return Plan.from_mapping(
        {c: r for c, r in zip(school_codes(len(labels)), labels, strict=True) if r != "."},
        **kwargs,
    )
