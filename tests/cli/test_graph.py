"""regionopt graph: its output file guarded like every other."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import assert_input_error, invoke


def test_graph_out_is_a_directory(tiny_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dir.gpkg"
    folder.mkdir()
    result = invoke("graph", "--out", folder, "--force", "--data", tiny_data)
    assert_input_error(result, "dir.gpkg", "is a directory, but a file is expected")


def test_graph_says_a_plan_without_out_changes_nothing_shown(
    tiny_data: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "p.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,A\n22BB00,A\n33CC00,B\n")
    result = invoke("graph", "--plan", plan, "--data", tiny_data)
    assert result.exit_code == 0, result.output
    assert "without --out it changes nothing shown" in result.output.replace("\n", " ")
