"""The nine-school town of the web app's tests: a valid plan, and a move that breaks a rule."""

from __future__ import annotations

from pathlib import Path

from tests.app.town import MOVE_BREAKS, SCHOOLS


def test_town_plan_is_valid_and_the_move_breaks_size(town: tuple[Path, Path]) -> None:
    from regionopt.check import check, is_valid
    from regionopt.plan import read_plan
    from regionopt.whatif import Change, whatif
    from regionopt.workspace import open_workspace

    data, plan_csv = town
    ws = open_workspace(data)
    assert ws.instance.n == len(SCHOOLS)
    plan = read_plan(plan_csv)
    assert is_valid(check(ws.instance, ws.graph, plan, ws.config.rules))
    code, region = MOVE_BREAKS
    result = whatif(ws.instance, ws.graph, plan, [Change("move", code, region)], ws.config,
                    do_repair=True)  # fmt: skip
    west = next(r for r in result.regions if r.region_id == "west")
    assert west.after.technical_pupils == 162
    assert {s.rule: s.after for s in west.rules}["size"] == "broken"
    assert result.repair is not None and result.repair.status == "repaired"
    assert is_valid(check(ws.instance, ws.graph, result.final, ws.config.rules))
