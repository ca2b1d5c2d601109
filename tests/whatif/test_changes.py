"""The requested changes: every bad argument and every bad change reported at once."""

from __future__ import annotations

import pytest

from regionopt.errors import InputError
from regionopt.plan import Plan
from regionopt.whatif import (
    Change,
    apply_changes,
    parse_changes,
)
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
    assert "99ZZ00 is not a participating" in text
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
