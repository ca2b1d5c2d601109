"""What-if: change validation, reports, and the minimum repair checked against brute force."""

from __future__ import annotations

import pytest

from regionopt.check import check, is_valid
from regionopt.config import Config
from regionopt.whatif import (
    Change,
    whatif,
)
from tests.cases import RULES, grid_case, line_case

# A 3 x 3 grid of schools 4 km apart; regions are the columns A, B, C.
#   0 3 6
#   1 4 7
#   2 5 8


# --------------------------------------------------------------------------------------------
# validation


# --------------------------------------------------------------------------------------------
# what-if report


def test_whatif_reports_rules_pupils_and_money() -> None:
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
    assert is_valid(check(inst, graph, plan, RULES))
    config = Config(rules=RULES)
    result = whatif(inst, graph, plan, [Change("leave", "00AA00")], config)
    assert result.affected == ("A",)
    assert not result.valid_after
    (region,) = result.regions
    size = {s.rule: s for s in region.rules}["size"]
    assert (size.before, size.after) == ("ok", "broken")
    assert (region.before.technical_pupils, region.after.technical_pupils) == (31, 19)
    money = {row["region_id"]: row for row in result.money}
    per_pupil = config.budget.transition_eur_per_pupil
    assert money["A"]["transition_before_eur"] == pytest.approx(31 * per_pupil)
    assert money["A"]["transition_after_eur"] == pytest.approx(19 * per_pupil)
    # The structural national total is re-divided, so every region's money changes.
    assert {"A", "B", "C"} <= set(money)
    assert sum(r.structural_cents for r in result.budget_after.regions) == 10_000_000_000


def test_whatif_move_keeps_rules() -> None:
    inst, graph, plan = grid_case([20, 20, 20, 20, 20, 20, 20, 20, 20])
    result = whatif(inst, graph, plan, [Change("move", "03AA00", "A")], Config(rules=RULES))
    assert result.affected == ("A", "B")
    assert result.valid_after and result.valid_final


def test_the_region_a_change_breaks_is_reported_first() -> None:
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
    # 03AA00 (20 pupils) moves from B to A: A grows to 51, B falls to 27 of the 30 needed.
    result = whatif(inst, graph, plan, [Change("move", "03AA00", "A")], Config(rules=RULES))
    assert [r.region_id for r in result.regions] == ["B", "A"]
    assert [r.keeps_every_rule("after") for r in result.regions] == [False, True]


# --------------------------------------------------------------------------------------------
# outputs


# --------------------------------------------------------------------------------------------
# real data


@pytest.mark.realdata
def test_national_leave_and_repair(rmc_workspace, national) -> None:
    plan, _ = national
    workspace = rmc_workspace
    inst, graph, rules = workspace.instance, workspace.graph, workspace.config.rules
    assert is_valid(check(inst, graph, plan, rules))
    # The school with most technical pupils in the smallest region leaves.
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    region = min(sizes, key=lambda r: sizes[r])
    leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
    result = whatif(inst, graph, plan, [Change("leave", leaving)], workspace.config, do_repair=True)
    assert not result.valid_after
    assert result.repair is not None and result.repair.status == "repaired"
    assert result.repair.moves
    assert is_valid(result.full_check)
    assert is_valid(check(inst, graph, result.final, rules, opted_out=[leaving]))


@pytest.mark.realdata
def test_national_repairs_keep_every_region(rmc_workspace, national) -> None:
    plan, _ = national
    workspace = rmc_workspace
    inst, graph = workspace.instance, workspace.graph
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    for region in sorted(sizes, key=lambda r: sizes[r])[:4]:
        leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
        result = whatif(
            inst, graph, plan, [Change("leave", leaving)], workspace.config, do_repair=True
        )
        assert result.repair is not None
        assert result.dissolved == () and result.repair.dissolved == ()
        assert len(result.final.regions) == len(plan.regions)


# --------------------------------------------------------------------------------------------
# finding a school


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
    as_json = {r["region_id"]: r for r in result.as_dict()["regions"]}
    assert as_json["B"]["penvoerder"]["changed"] is True
