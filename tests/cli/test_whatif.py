"""regionopt whatif and find: bad changes write nothing; a school found by name."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from tests.conftest import RMC_RULES


@pytest.mark.realdata
def test_cli_whatif_errors_write_nothing(workspace, national, tmp_path) -> None:
    plan, path = national
    data = workspace.loaded.report.data_dir
    out = tmp_path / "out"
    region = next(iter(plan.regions))
    member = plan.regions[region][0]
    args = ["whatif", "--plan", str(path), "--data", data, "--out", str(out)]
    args += ["--config", str(RMC_RULES)]
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
