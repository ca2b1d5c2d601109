"""regionopt map: a map written, never over an existing file without --force."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.render import (
    CLASS_PROPOSED,
    external_resources,
)


def test_map_command_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "kaart.html"
    out.write_text("keep me")
    result = CliRunner().invoke(app, ["map", "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text() == "keep me"


def test_map_command_writes_tiny_map(tmp_path: Path, tiny_data: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n33CC00,R2\n")
    out = tmp_path / "maps" / "plan.html"
    result = CliRunner().invoke(
        app, ["map", "--plan", str(plan), "--out", str(out), "--data", str(tiny_data)]
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output.replace("\n", "") and "MB" in result.output
    page = out.read_text(encoding="utf-8")
    assert external_resources(page) == []
    assert page.count(f'"className": "{CLASS_PROPOSED}"') == 1
    again = CliRunner().invoke(
        app, ["map", "--plan", str(plan), "--out", str(out), "--data", str(tiny_data), "--force"]
    )
    assert again.exit_code == 0, again.output


def test_map_command_without_plan_maps_actual_regions(tmp_path: Path, tiny_data: Path) -> None:
    out = tmp_path / "actual.html"
    args = ["map", "--out", str(out), "--data", str(tiny_data)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert CLASS_PROPOSED not in page and '"className": "regionopt-actual"' in page
    assert "Regio West" in page
    # --plan actual, as every other command takes it, is the same map.
    named = CliRunner().invoke(app, [*args, "--force", "--plan", "actual"])
    assert named.exit_code == 0, named.output
    again_page = out.read_text(encoding="utf-8")
    assert CLASS_PROPOSED not in again_page and "Regio West" in again_page
    # --actual reads another file laid out like sto/actual-regions.csv.
    other = tmp_path / "other.csv"
    other.write_text(
        (tiny_data / "sto/actual-regions.csv").read_text().replace("Regio West", "Regio Anders")
    )
    again = CliRunner().invoke(app, [*args, "--force", "--actual", str(other)])
    assert again.exit_code == 0, again.output
    assert "Regio Anders" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, [*args, "--force", "--actual", str(tmp_path / "no.csv")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_two_plans_called_regions_csv_get_maps_of_their_own(
    tmp_path: Path, tiny_data: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default maps/ folder is relative to where one runs
    for folder in ("prop", "whatif"):
        (tmp_path / folder).mkdir()
        plan = tmp_path / folder / "regions.csv"
        plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n33CC00,R2\n")
        result = CliRunner().invoke(app, ["map", "--plan", str(plan), "--data", str(tiny_data)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == [
        "prop-regions.html",
        "whatif-regions.html",
    ]
