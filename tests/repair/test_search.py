"""Repair: the fewest further moves, checked against brute force; regions are never dissolved
unless allowed."""

from __future__ import annotations

from itertools import combinations, product

import networkx as nx
import numpy as np
import pytest

from regionopt.check import check, is_valid
from regionopt.config import RulesConfig
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.repair import repair
from regionopt.whatif import Change, apply_changes
from tests.cases import (
    COLUMNS,
    LINE,
    LINE_EDGES,
    RULES,
    grid_case,
    line_case,
    school_codes,
)
from tests.conftest import make_instance


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
        inst, graph, plan = grid_case(tech)
        if not is_valid(check(inst, graph, plan, RULES)):
            continue
        code = school_codes(9)[int(rng.integers(0, 9))]
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
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
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
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
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
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
    strict = RULES.model_copy(update={"min_technical_pupils": 1000})
    result = repair(inst, graph, plan, strict, regions=["A"])
    assert result.status == "none_found"
    text = " ".join(e.text for e in result.explanation)
    assert "'size'" in text  # dropping the size rule would allow a plan
    dutch = " ".join(e.text_nl for e in result.explanation)
    assert "zonder de regel 'Techniekleerlingen: 1.000 tot 600' zou er een plan zijn" in dutch


# --------------------------------------------------------------------------------------------
# dissolving a region only when allowed


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
    plan = Plan.from_mapping(dict(zip(school_codes(6), "AABBCC", strict=True)), name="short")
    graph = graph_from_edges(inst, LINE_EDGES[:5])
    after = apply_changes(plan, [Change("leave", "02AA00")], inst)
    refused = repair(inst, graph, after, RULES, regions=["B"])
    assert refused.status == "none_found" and refused.moves == () and refused.dissolved == ()
    text = " ".join(e.text for e in refused.explanation)
    assert "dissolving B would allow a plan (1 move(s))" in text and "--allow-dissolve" in text
    dutch = " ".join(e.text_nl for e in refused.explanation)
    assert "opheffen van B zou een plan mogelijk maken (1 verplaatsing(en))" in dutch
    allowed = repair(inst, graph, after, RULES, regions=["B"], allow_dissolve=True)
    assert allowed.status == "repaired" and allowed.dissolved == ("B",)


def test_no_answer_in_time_says_it_is_not_known_and_what_may_give_one() -> None:
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
    after = apply_changes(plan, [Change("leave", "00AA00")], inst)
    rushed = repair(inst, graph, after, RULES, regions=["A"], time_limit_s=1e-9)
    assert rushed.status == "none_found" and rushed.moves == ()
    text = " ".join(e.text for e in rushed.explanation)
    assert "whether a repair exists there is not known" in text and "--allow-dissolve" in text
    assert "is niet bekend" in " ".join(e.text_nl for e in rushed.explanation)
    allowed = repair(inst, graph, after, RULES, regions=["A"], time_limit_s=1e-9,
                     allow_dissolve=True)  # fmt: skip
    assert "--allow-dissolve" not in " ".join(e.text for e in allowed.explanation)
