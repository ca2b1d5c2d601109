"""regionopt budget and compare on the real data, as JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regionopt.cli import app


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
