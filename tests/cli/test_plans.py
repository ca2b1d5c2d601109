"""Plan arguments: unknown codes are an input error (codes on two rows: tests/test_plan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_input_error, invoke, write_file


@pytest.mark.parametrize("command", [("budget", "{plan}"), ("compare", "{plan}", "actual")])
def test_budget_and_compare_refuse_unknown_codes(
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
        "row 4: 99ZZ99 is not a participating vestiging",
    )
