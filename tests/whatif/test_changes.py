"""The requested changes: every bad argument and every bad change reported at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from regionopt.errors import InputError
from regionopt.instance import Outsider
from regionopt.plan import Plan
from regionopt.whatif import (
    Change,
    apply_changes,
    parse_changes,
)
from regionopt.whatif.changes import resolve_regions
from tests.cases import grid_case


def test_parse_changes_reports_every_bad_argument() -> None:
    with pytest.raises(InputError) as err:
        parse_changes(join=["02QZ00"], move=["=R1"], leave=["X=1"])
    assert len(err.value.problems) == 3
    assert parse_changes(join=["02qz00=R1"]) == [Change("join", "02QZ00", "R1")]


def test_apply_changes_lists_every_problem() -> None:
    inst, _, plan = grid_case([10] * 9)
    changes = [
        Change("join", "99ZZ00", "A"),  # unknown code
        Change("move", "00AA00", "A"),  # already in A
        Change("move", "01AA00", "Q"),  # no such region
        Change("leave", "02AA00"),
        Change("move", "02AA00", "B"),  # changed twice
    ]
    with pytest.raises(InputError) as err:
        apply_changes(plan, changes, inst)
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "no vestiging in the data has code 99ZZ00" in text
    assert "already in region A" in text
    assert "'Q' does not exist" in text
    assert "changed twice" in text
    assert plan.assignment["00AA00"] == "A"  # the input plan is unchanged


def test_join_of_a_school_in_a_region_is_an_error_naming_move() -> None:
    inst, _, plan = grid_case([10] * 9)
    with pytest.raises(InputError) as err:
        apply_changes(plan, [Change("join", "00AA00", "C")], inst)
    (problem,) = err.value.problems
    assert "already in region A" in problem.message
    assert "--move 00AA00=C" in problem.fix
    assert apply_changes(plan, [Change("move", "00AA00", "C")], inst).assignment["00AA00"] == "C"


def test_apply_changes_join_leave_move() -> None:
    inst, _, plan = grid_case([10] * 9)
    partial = Plan(rows=tuple(r for r in plan.rows if r[0] != "08AA00"), name="p")
    after = apply_changes(
        partial,
        [Change("join", "08AA00", "A"), Change("leave", "00AA00"), Change("move", "03AA00", "C")],
        inst,
    )
    assert after.assignment["08AA00"] == "A"
    assert "00AA00" not in after.assignment
    assert after.assignment["03AA00"] == "C"


def test_regions_are_written_as_the_plan_writes_them_when_only_one_can_be_meant() -> None:
    _, _, plan = grid_case([10] * 9)  # regions A, B, C
    asked = [
        Change("move", "03AA00", "c"),
        Change("join", "08AA00", "Oosthoek"),
        Change("leave", "00AA00"),
        Change("move", "04AA00", "D"),
    ]
    resolved = resolve_regions(asked, plan, {"B": "Oosthoek"})
    assert resolved == [
        Change("move", "03AA00", "C"),
        Change("join", "08AA00", "B"),
        Change("leave", "00AA00"),
        Change("move", "04AA00", "D"),  # left to apply_changes to refuse, with suggestions
    ]


def test_a_code_that_names_no_school_gets_one_problem_and_no_flag_for_it() -> None:
    inst, _, plan = grid_case([10] * 9)
    changes = [
        Change("leave", "00AA0"),  # a typing error: one problem, not also "nothing to leave"
        Change("move", "99ZZ99", "B"),  # not "use --join to add it"
    ]
    with pytest.raises(InputError) as err:
        apply_changes(plan, changes, inst)
    leave, move = err.value.problems
    assert leave.message.startswith("'00AA0' is not a vestiging code")
    assert leave.fix.startswith("did you mean 00AA00")
    assert move.message == "no vestiging in the data has code 99ZZ99" and "--join" not in str(move)


def test_a_school_outside_the_participation_settings_says_which_key_lets_it_join() -> None:
    inst, _, plan = grid_case([10] * 9)
    vso = Outsider("77VS00", "De Brug", "Oostdorp", "VSO", ("vso",))
    inst = replace(inst, outsiders={"77VS00": vso})
    with pytest.raises(InputError) as err:
        apply_changes(plan, [Change("join", "77VS00", "A")], inst)
    (problem,) = err.value.problems
    assert "77VS00 (De Brug, Oostdorp) is a voortgezet speciaal onderwijs (vso)" in problem.message
    assert "[participation] include_vso = true in a --config file" in problem.fix


def test_a_region_that_does_not_exist_gets_the_same_number_first() -> None:
    inst, _, plan = grid_case([10] * 9)
    regions = Plan(rows=plan.rows + tuple((f"{i:02d}XX00", f"R{i:02d}") for i in range(1, 78)))
    with pytest.raises(InputError) as err:
        apply_changes(regions, [Change("move", "00AA00", "R5")], inst)
    (problem,) = err.value.problems
    assert problem.fix.endswith("(did you mean R05, R50, R51?)")


def test_the_web_app_wording_names_no_command_line_option() -> None:
    inst, _, plan = grid_case([10] * 9)
    partial = Plan(rows=tuple(r for r in plan.rows if r[0] != "08AA00"), name="p")
    changes = [
        Change("join", "00AA00", "C"),  # already in A: a move
        Change("move", "08AA00", "A"),  # in no region: a join
        Change("leave", "99ZZ99"),
    ]
    with pytest.raises(InputError) as err:
        apply_changes(partial, changes, inst, audience="app")
    fixes = [p.fix for p in err.value.problems]
    assert fixes[:2] == ["move it instead", "let it join a region instead"]
    assert not any("--" in f or "regionopt" in f for f in fixes)
