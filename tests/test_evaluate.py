"""Per-region figures on a hand-checkable fixture."""

from __future__ import annotations

from dataclasses import replace

from regionopt.config import RulesConfig
from regionopt.evaluate import plan_rows, region_table
from regionopt.instance import Instance
from regionopt.plan import Plan

from .conftest import make_instance


def _instance() -> Instance:
    # beroepsgericht 50 each; technical 4 / 0 / 30 / 1.
    return make_instance(
        [(0, 0), (2, 0), (40, 0), (42, 0)], technical=[4, 0, 30, 1], mbo_km=[(1, 0)]
    )


def test_techniekarm_penvoerder_and_mbo_partners() -> None:
    inst = _instance()
    plan = Plan.from_mapping({"00AA00": "A", "01AA00": "A", "02AA00": "B", "03AA00": "B"})
    a, b = region_table(inst, plan, rules=RulesConfig(mbo_reach_km=5))
    # A: 4 of 100 beroepsgerichte pupils technical (4% < 10%): techniekarm.
    assert (a.technical_total, a.beroepsgericht, a.techniekarm) == (4, 100, True)
    assert (b.technical_total, b.techniekarm) == (31, False)
    assert a.penvoerder == "00AA00" and b.penvoerder == "02AA00"
    assert a.mbo_partners == ("roc0",) and b.mbo_partners == ()
    assert a.technical_by_profile["PIE"] == 4


def test_plan_rows_flag_the_penvoerder() -> None:
    inst = _instance()
    plan = Plan.from_mapping({"00AA00": "A", "01AA00": "A", "02AA00": "B", "03AA00": "B"})
    header, rows = plan_rows(inst, plan)
    assert header[:2] == ["vestiging_code", "region_id"]
    flagged = {r[0] for r in rows if r[header.index("penvoerder")] == 1}
    assert flagged == {"00AA00", "02AA00"}


def test_mbo_partners_are_the_institutions_that_serve_the_members() -> None:
    base = make_instance(
        [(0, 0), (2, 0), (40, 0)], technical=[4, 3, 30], mbo_km=[(1, 0), (3, 0), (4, 0), (41, 0)]
    )
    # Locations 1 and 2 belong to one institution (roc1, two sites in reach of the first two
    # schools), location 0 is nearer but its institution has one site: it serves no member.
    mbo = [
        base.mbo[0],
        base.mbo[1],
        replace(base.mbo[2], institution="01MB", institution_name="roc1"),
        base.mbo[3],
    ]
    inst = replace(base, mbo=tuple(mbo))
    plan = Plan.from_mapping({"00AA00": "A", "01AA00": "A", "02AA00": "A"})
    (a,) = region_table(inst, plan, rules=RulesConfig(mbo_reach_km=5))
    # roc1 serves two members, roc3 one; roc0 is within reach but serves none.
    assert a.mbo_partners == ("roc1", "roc3")
