"""regionopt find: a school looked up by part of its name, place or gemeente."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from regionopt.cli import app
from tests.helpers import add_joinable_schools, invoke


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
    assert res.exit_code == 1 and "no school in the data matches" in res.output


def test_cli_find_names_schools_that_do_not_take_part(tiny_data: Path) -> None:
    add_joinable_schools(tiny_data)
    res = invoke("find", "77vs00", "--data", tiny_data)
    text = res.output.replace("\n", " ")
    assert res.exit_code == 1, res.output
    assert "no participating school matches '77vs00'; in the data, not taking part:" in text
    assert "77VS00 (De Brug [vso], Oostdorp) is a voortgezet speciaal onderwijs (vso)" in text
    assert "[participation] include_vso = true in a --config file" in text
    res = invoke("find", "oostdorp", "--data", tiny_data)
    assert res.exit_code == 0 and "33CC00" in res.output
    assert "2 school(s) in the data that do not take part also match (66TL00, 77VS00)" in (
        res.output.replace("\n", " ")
    )
    res = invoke("find", "33CD00", "--data", tiny_data)
    assert res.exit_code == 1, res.output
    assert "no vestiging in the data has code 33CD00 -> did you mean 33CC00?" in res.output
