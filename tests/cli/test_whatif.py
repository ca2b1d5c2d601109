"""regionopt whatif and find: bad changes write nothing; a school found by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app


@pytest.mark.realdata
def test_cli_whatif_errors_write_nothing(workspace, national, tmp_path) -> None:
    plan, path = national
    data = workspace.loaded.report.data_dir
    out = tmp_path / "out"
    region = next(iter(plan.regions))
    member = plan.regions[region][0]
    args = ["whatif", "--plan", str(path), "--data", data, "--out", str(out)]
    bad = [
        *("--join", "99ZZ00=" + region),
        *("--move", f"{member}={region}"),
        *("--join", f"{member}=NO-SUCH-REGION"),
    ]
    res = CliRunner().invoke(app, [*args, *bad])
    assert res.exit_code == 2
    assert "99ZZ00" in res.output and "already in region" in res.output
    assert "does not exist" in res.output
    assert not out.exists()

    # A valid run writes the files; a second run refuses the non-empty --out.
    other = next(r for r in plan.regions if r != region)
    good = ["--move", f"{member}={other}", "--repair", "--json"]
    res = CliRunner().invoke(app, [*args, *good])
    assert res.exit_code in (0, 1), res.output
    payload = json.loads(res.stdout)
    assert payload["affected_regions"] == sorted([region, other])
    assert (out / "regions.csv").is_file() and (out / "report.md").is_file()
    before = (out / "regions.csv").read_bytes()
    res = CliRunner().invoke(app, [*args, *good])
    assert res.exit_code == 2 and "not empty" in res.output
    assert (out / "regions.csv").read_bytes() == before


def test_cli_find(tiny_data: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n")
    res = CliRunner().invoke(
        app, ["find", "westdorp", "--plan", str(plan), "--data", str(tiny_data)]
    )
    assert res.exit_code == 0, res.output
    assert "11AA00" in res.output and "22BB00" in res.output and "(R1)" in res.output
    res = CliRunner().invoke(app, ["find", "oost", "--json", "--data", str(tiny_data)])
    assert res.exit_code == 0, res.output
    assert [m["code"] for m in json.loads(res.stdout)] == ["33CC00"]
    res = CliRunner().invoke(app, ["find", "no such school", "--data", str(tiny_data)])
    assert res.exit_code == 1 and "no participating school" in res.output
