"""Plan arguments: unknown codes are an input error (codes on two rows: tests/test_plan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import add_joinable_schools, assert_input_error, invoke, write_file


@pytest.mark.parametrize(
    "command", [("budget", "{plan}"), ("compare", "{plan}", "actual"), ("check", "{plan}")]
)
def test_budget_compare_and_check_refuse_unknown_codes(
    tiny_data: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    plan = write_file(
        tmp_path / "u.csv",
        "vestiging_code,region_id\n11AA00,A\n22BB00,A\n99ZZ99,B\n33CC00,B\n",
    )
    args = [a.format(plan=plan) for a in command]
    assert_input_error(
        invoke(*args, "--data", tiny_data),
        "u.csv",
        "u.csv: row 4: no vestiging in the data has code 99ZZ99",
    )


def test_a_plan_with_a_school_that_does_not_take_part_names_the_key(
    tiny_data: Path, tmp_path: Path
) -> None:
    vso, _ = add_joinable_schools(tiny_data)
    plan = write_file(tmp_path / "v.csv", f"vestiging_code,region_id\n11AA00,A\n{vso},A\n")
    assert_input_error(
        invoke("budget", plan, "--data", tiny_data),
        "v.csv: row 3: 77VS00 (De Brug [vso], Oostdorp) is a voortgezet speciaal onderwijs",
        "[participation] include_vso = true in a --config file",
    )


def test_a_plan_is_named_by_its_file_and_folder_not_the_whole_path() -> None:
    from regionopt.cli.plans import plan_label

    assert plan_label("/tmp/fresh/prop/regions.csv") == "prop/regions.csv"
    assert plan_label("regions.csv") == "regions.csv"
    assert plan_label("/regions.csv") == "regions.csv"
    assert plan_label("Actual") == "actual"
