"""Repair: the fewest further moves, checked against brute force; regions are never dissolved
unless allowed."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, product

import networkx as nx
import numpy as np
import pytest

from regionopt.check import check, is_valid
from regionopt.config import Config, RulesConfig
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.repair import repair
from regionopt.whatif import Change, apply_changes, whatif

from .conftest import make_instance

# A 3 x 3 grid of schools 4 km apart; regions are the columns A, B, C.
#   0 3 6
#   1 4 7
#   2 5 8
GRID = [(4.0 * (i // 3), -4.0 * (i % 3)) for i in range(9)]
GRID_EDGES = [(i, i + 1) for i in range(9) if i % 3 != 2] + [(i, i + 3) for i in range(6)]
COLUMNS = "AAABBBCCC"
RULES = RulesConfig(min_vmbo=2, min_technical_pupils=30, mbo_reach_km=50.0, together_km=0.5)


def _codes(n: int) -> list[str]:
    return [f"{i:02d}AA00" for i in range(n)]


def _setup(technical: Iterable[int]) -> tuple[Instance, nx.Graph, Plan]:
    inst = make_instance(GRID, technical=list(technical), mbo_km=[(4.0, -4.0)])
    plan = Plan.from_mapping(dict(zip(_codes(9), COLUMNS, strict=True)), name="grid")
    return inst, graph_from_edges(inst, GRID_EDGES), plan


def brute_force_min_moves(
    inst: Instance,
    graph: nx.Graph,
    plan: Plan,
    rules: RulesConfig,
    *,
    fixed: set[str],
    opted_out: set[str],
    max_moves: int,
    keep_regions: bool = False,
) -> int | None:
    """Fewest schools to move (to any existing region) so the checker passes; None if > max.

    ``keep_regions``: a plan that empties a region does not count.
    """
    regions = sorted(set(plan.assignment.values()))
    free = [c for c in plan.assignment if c not in fixed]
    for k in range(max_moves + 1):
        for subset in combinations(free, k):
            options = [[r for r in regions if r != plan.assignment[c]] for c in subset]
            for targets in product(*options):
                trial = plan.with_assignment(dict(zip(subset, targets, strict=True)))
                if keep_regions and len(trial.regions) < len(regions):
                    continue
                if is_valid(check(inst, graph, trial, rules, opted_out=opted_out)):
                    return k
    return None


# --------------------------------------------------------------------------------------------
# repair against brute force


def _random_case(seed: int) -> tuple[Instance, nx.Graph, Plan, Change]:
    """A valid grid plan and a change (leave or move) that breaks it."""
    rng = np.random.default_rng(seed)
    while True:
        tech = [int(t) for t in rng.integers(0, 25, 9)]
        inst, graph, plan = _setup(tech)
        if not is_valid(check(inst, graph, plan, RULES)):
            continue
        code = _codes(9)[int(rng.integers(0, 9))]
        if rng.random() < 0.5:
            change = Change("leave", code)
        else:
            others = sorted(set(COLUMNS) - {plan.assignment[code]})
            change = Change("move", code, others[int(rng.integers(0, 2))])
        after = apply_changes(plan, [change], inst)
        gone = {code} if change.kind == "leave" else set()
        if not is_valid(check(inst, graph, after, RULES, opted_out=gone)):
            return inst, graph, plan, change


@pytest.mark.parametrize("allow_dissolve", [False, True])
@pytest.mark.parametrize("seed", range(10))
def test_repair_is_minimal_and_valid(seed: int, allow_dissolve: bool) -> None:
    inst, graph, plan, change = _random_case(seed)
    after = apply_changes(plan, [change], inst)
    affected = {plan.assignment[change.code]} | ({change.region_id} - {None})
    fixed = {change.code} if change.kind == "move" else set()
    gone = {change.code} if change.kind == "leave" else set()
    result = repair(
        inst,
        graph,
        after,
        RULES,
        regions=affected,
        fixed=fixed,
        max_level=3,
        allow_dissolve=allow_dissolve,
    )
    best = brute_force_min_moves(
        inst,
        graph,
        after,
        RULES,
        fixed=fixed,
        opted_out=gone,
        max_moves=4,
        keep_regions=not allow_dissolve,
    )
    if best is None:
        assert result.status == "none_found" or len(result.moves) > 4
        return
    assert result.status == "repaired"
    assert result.optimal
    assert len(result.moves) == best
    assert is_valid(check(inst, graph, result.plan, RULES, opted_out=gone))
    if not allow_dissolve:
        assert result.dissolved == () and set(result.plan.regions) == set(after.regions)
    if change.kind == "move":
        assert result.plan.assignment[change.code] == change.region_id


def test_repair_known_case_by_hand() -> None:
    # A = 12 + 10 + 9 = 31 technical pupils; after 00AA00 leaves, A has 19 < 30. One move
    # fixes it: 05AA00 (12 pupils, next to 02AA00) gives A 31 and leaves B = {03, 04} with 35.
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    after = apply_changes(plan, [Change("leave", "00AA00")], inst)
    result = repair(inst, graph, after, RULES, regions=["A"])
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed=set(), opted_out={"00AA00"}, max_moves=3
    )
    assert result.status == "repaired" and len(result.moves) == best == 1
    assert [(m.code, m.to_region) for m in result.moves] == [("05AA00", "A")]
    assert is_valid(check(inst, graph, result.plan, RULES, opted_out={"00AA00"}))
    assert result.headline().startswith("1 further move(s) make the plan valid again")


def test_repair_keeps_requested_changes_fixed() -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    changes = [Change("move", "03AA00", "C")]
    after = apply_changes(plan, changes, inst)
    result = repair(inst, graph, after, RULES, regions=["B", "C"], fixed=["03AA00"])
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed={"03AA00"}, opted_out=set(), max_moves=3
    )
    if best is None:
        assert result.status == "none_found"
    else:
        assert result.status in ("repaired", "not_needed")
        assert len(result.moves) == best
        assert result.plan.assignment["03AA00"] == "C"


def test_repair_explains_when_impossible() -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    strict = RULES.model_copy(update={"min_technical_pupils": 1000})
    result = repair(inst, graph, plan, strict, regions=["A"])
    assert result.status == "none_found"
    text = " ".join(result.explanation)
    assert "'size'" in text  # dropping the size rule would allow a plan


# --------------------------------------------------------------------------------------------
# dissolving a region only when allowed

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
    plan = Plan.from_mapping(dict(zip(_codes(9), LINE_REGIONS, strict=True)), name="line")
    return inst, graph_from_edges(inst, LINE_EDGES), plan


def test_repair_never_dissolves_by_default() -> None:
    inst, graph, plan = line_case()
    assert is_valid(check(inst, graph, plan, RULES))
    after = apply_changes(plan, [Change("leave", "05AA00")], inst)
    kept = repair(inst, graph, after, RULES, regions=["B"])
    assert kept.status == "repaired" and kept.optimal
    assert kept.dissolved == ()
    assert sorted((m.code, m.to_region) for m in kept.moves) == [("02AA00", "B"), ("03AA00", "B")]
    assert set(kept.plan.regions) == {"A", "B", "C"}
    assert is_valid(check(inst, graph, kept.plan, RULES, opted_out=["05AA00"]))
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed=set(), opted_out={"05AA00"}, max_moves=2
    )
    assert best == 1  # the cheapest repair overall dissolves B, which is refused


def test_repair_dissolves_only_when_allowed_and_says_so() -> None:
    inst, graph, plan = line_case()
    after = apply_changes(plan, [Change("leave", "05AA00")], inst)
    allowed = repair(inst, graph, after, RULES, regions=["B"], allow_dissolve=True)
    assert allowed.status == "repaired" and allowed.optimal
    assert [(m.code, m.to_region) for m in allowed.moves] == [("04AA00", "A")]
    assert allowed.dissolved == ("B",)
    assert set(allowed.plan.regions) == {"A", "C"}


def test_no_repair_without_dissolving_explains_the_way_out() -> None:
    # A = 0-1, B = 2-3, C = 4-5, every school 20 pupils: when 02AA00 leaves, B cannot be
    # refilled without breaking A or C; only dissolving B repairs the plan.
    inst = make_instance(LINE[:6], technical=[20] * 6, mbo_km=[(10.0, 0.0)])
    plan = Plan.from_mapping(dict(zip(_codes(6), "AABBCC", strict=True)), name="short")
    graph = graph_from_edges(inst, LINE_EDGES[:5])
    after = apply_changes(plan, [Change("leave", "02AA00")], inst)
    refused = repair(inst, graph, after, RULES, regions=["B"])
    assert refused.status == "none_found" and refused.moves == () and refused.dissolved == ()
    text = " ".join(refused.explanation)
    assert "dissolving B would allow a plan (1 move(s))" in text and "--allow-dissolve" in text
    allowed = repair(inst, graph, after, RULES, regions=["B"], allow_dissolve=True)
    assert allowed.status == "repaired" and allowed.dissolved == ("B",)


def test_whatif_reports_a_dissolved_region_and_never_as_keeping_rules() -> None:
    inst, graph, plan = line_case()
    config = Config(rules=RULES)
    changes = [Change("leave", "05AA00")]
    kept = whatif(inst, graph, plan, changes, config, do_repair=True)
    assert kept.dissolved == () and len(kept.final.regions) == 3 and kept.valid_final
    result = whatif(inst, graph, plan, changes, config, do_repair=True, allow_dissolve=True)
    assert result.dissolved == ("B",) and len(result.final.regions) == 2
    b = {r.region_id: r for r in result.regions}["B"]
    assert b.dissolved and not b.keeps_every_rule("repaired")
    assert {s.repaired for s in b.rules} == {"dissolved"}
    assert b.repaired is not None and b.repaired.n_schools == 0
    assert result.as_dict()["dissolved"] == ["B"]


def test_penvoerder_change_is_reported_per_stage() -> None:
    inst, graph, plan = line_case()
    result = whatif(
        inst, graph, plan, [Change("leave", "05AA00")], Config(rules=RULES), do_repair=True
    )
    b = {r.region_id: r for r in result.regions}["B"]
    # Before: 05AA00 (30 pupils); after it leaves: 04AA00; repaired: 02AA00 and 03AA00 tie
    # with 15 and the lower code wins (evaluate.penvoerder_candidate).
    assert b.penvoerder_before.code == "05AA00"
    assert b.penvoerder_after.code == "04AA00"
    assert b.penvoerder_repaired is not None and b.penvoerder_repaired.code == "02AA00"
    assert b.penvoerder_changed
    a = {r.region_id: r for r in result.regions}["A"]
    assert a.penvoerder_before.code == a.penvoerder_final.code == "00AA00"
    assert not a.penvoerder_changed
    assert result.as_dict()["regions"][1]["penvoerder"]["changed"] is True
