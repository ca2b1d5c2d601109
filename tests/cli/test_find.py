"""regionopt find: a school looked up by part of its name, place or gemeente."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from regionopt.cli import app


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
