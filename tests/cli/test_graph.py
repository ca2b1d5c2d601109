"""regionopt graph: its output file guarded like every other."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import assert_input_error, invoke


def test_graph_out_is_a_directory(tiny_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dir.gpkg"
    folder.mkdir()
    result = invoke("graph", "--out", folder, "--force", "--data", tiny_data)
    assert_input_error(result, "dir.gpkg", "is a directory, but a file is expected")
