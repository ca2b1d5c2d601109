"""regionopt budget and compare: JSON on the real data, the printed tables on the tiny data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from tests.helpers import invoke, write_file


@pytest.mark.realdata
def test_cli_budget_and_compare_json(workspace, tmp_path) -> None:
    plan = workspace.loaded.actual
    path = tmp_path / "actual.csv"
    # Only participating schools: a plan file with other codes is refused (exit 2).
    rows = [(c, r) for c, r in plan.assignment.items() if c in workspace.instance.index]
    path.write_text(
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in rows), encoding="utf-8"
    )
    data = workspace.loaded.report.data_dir
    runner = CliRunner()
    res = runner.invoke(app, ["budget", str(path), "--json", "--data", data])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["total_structural_eur"] == pytest.approx(100_000_000.0)
    keys = {"region_id", "transition_eur", "structural_eur", "cofunding_eur"}
    assert out["regions"] and all(keys <= set(r) for r in out["regions"])
    res = runner.invoke(app, ["compare", str(path), "actual", "--json", "--data", data])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["adjusted_rand_index"] == pytest.approx(1.0)
    assert out["moved"] == [] and out["pairs"]["together_only_in_a"] == 0
    res = runner.invoke(app, ["compare", str(tmp_path / "missing.csv"), "actual"])
    assert res.exit_code == 2


def test_cli_budget_names_regions_and_says_what_a_school_receives(
    tiny_data: Path, tmp_path: Path
) -> None:
    plan = write_file(tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n")
    res = invoke("budget", plan, "--per-school", "--data", tiny_data)
    assert res.exit_code == 0, res.output
    # The region table names the region (as every output does), beside its id.
    assert re.search(r"│ Westdorp \(A\) +│ +2 │ +27 │", res.output), res.output
    # Each school amount says whether the school brings it in or receives it.
    for header in ("transition", "structural", "brings in", "receives"):
        assert header in res.output
    assert "share" not in res.output
    note = " ".join(res.output.split())
    assert "receives: what the school gets, its part of the 80% of the region's amount" in note
    assert "100,000,000" in res.output  # thousands separated


def test_budget_region_table_separates_thousands() -> None:
    from rich.console import Console

    from regionopt.budget import budget
    from regionopt.cli.budget import _region_table
    from regionopt.config import BudgetConfig
    from regionopt.plan import Plan
    from tests.conftest import make_instance

    inst = make_instance([(0, 0), (3, 0)], technical=[1500, 700])
    plan = Plan.from_mapping({"00AA00": "A", "01AA00": "A"})
    console = Console(width=150, record=True)
    console.print(_region_table(budget(inst, plan, BudgetConfig()), "p", {"A": "Testdorp"}))
    text = console.export_text()
    assert re.search(r"Testdorp \(A\) +│ +2 │ +2,200 │", text), text


def test_cli_compare_names_plans_by_folder_lists_lone_schools_and_changed_regions(
    tiny_data: Path, tmp_path: Path
) -> None:
    for folder in ("prop", "wi2"):
        (tmp_path / folder).mkdir()
    a = write_file(
        tmp_path / "prop" / "regions.csv",
        "vestiging_code,region_id\n11AA00,X\n22BB00,X\n33CC00,Y\n",
    )
    b = write_file(
        tmp_path / "wi2" / "regions.csv", "vestiging_code,region_id\n11AA00,X\n22BB00,X\n"
    )
    res = invoke("compare", a, b, "--data", tiny_data)
    assert res.exit_code == 0, res.output
    assert "A = prop/regions.csv vs B = wi2/regions.csv" in res.output
    assert "regions vs regions" not in res.output and str(tmp_path) not in res.output
    # The school only A assigns, by code and name.
    assert "Only in A (in no region of B)" in res.output
    assert re.search(r"│ 33CC00 +│ Derde School +│", res.output), res.output
    # Only the changed region Y is listed; X has the same schools in A and B.
    # Regions by name and id ("Oostdorp (Y)").
    assert re.search(r"\(Y\) +│ - +│", res.output), res.output
    assert not re.search(r"\(X\) +│ [^│]*\(X\) +│", res.output)
    assert "1 region(s) have the same schools in A and B (--all lists them too)" in res.output
    every = invoke("compare", a, b, "--all", "--data", tiny_data)
    assert re.search(r"\(X\) +│ [^│]*\(X\) +│ 2 ", every.output), every.output


def test_budget_says_which_schools_take_no_part(tiny_data: Path, tmp_path: Path) -> None:
    plan = write_file(
        tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n33CC00,-\n"
    )
    res = invoke("budget", plan, "--data", tiny_data)
    assert res.exit_code == 0, res.output
    note = " ".join(res.output.split())
    assert "note: 1 participating school(s) take no part (region_id -);" in note
    assert "in no region of this plan" not in note
    missing = write_file(tmp_path / "m.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n")
    note = " ".join(invoke("budget", missing, "--data", tiny_data).output.split())
    assert "note: 1 participating school(s) are in no region of this plan;" in note
