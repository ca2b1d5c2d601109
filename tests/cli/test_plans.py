"""Plan arguments: unknown codes and codes in two regions are an input error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_input_error, invoke, write_file


@pytest.mark.parametrize("command", [("budget", "{plan}"), ("compare", "{plan}", "actual")])
def test_budget_and_compare_refuse_unknown_and_double_codes(
    tiny_data: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    plan = write_file(
        tmp_path / "u.csv",
        "vestiging_code,region_id\n11AA00,A\n22BB00,A\n22BB00,B\n99ZZ99,B\n33CC00,B\n",
    )
    args = [a.format(plan=plan) for a in command]
    assert_input_error(
        invoke(*args, "--data", tiny_data),
        "u.csv",
        "row 5: 99ZZ99 is not a participating vestiging",
        "code 22BB00: listed in 2 regions: A (row 3), B (row 4)",
    )


def test_a_plan_is_named_by_its_file_and_folder_not_the_whole_path() -> None:
    from regionopt.cli.plans import plan_label

    assert plan_label("/tmp/fresh/prop/regions.csv") == "prop/regions.csv"
    assert plan_label("regions.csv") == "regions.csv"
    assert plan_label("/regions.csv") == "regions.csv"
    assert plan_label("Actual") == "actual"
