"""Finding the data directory and its files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.errors import DataNotFoundError
from regionopt.load import FILES, find_data_dir

runner = CliRunner()


def test_missing_data_dir_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as err:
        find_data_dir(tmp_path / "nowhere")
    assert "nowhere" in str(err.value) and "--data" in str(err.value)


def test_missing_file_is_named(tiny_data: Path) -> None:
    (tiny_data / FILES["mbo"]).unlink()
    with pytest.raises(DataNotFoundError) as err:
        find_data_dir(tiny_data)
    assert "mbo-locaties-2025.json" in str(err.value)


def test_env_variable_points_at_data(tiny_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIONOPT_DATA", str(tiny_data))
    assert find_data_dir() == tiny_data


def test_cli_bad_data_dir_exits_2_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "summary", "--data", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Traceback (most recent" not in result.output
    assert "data directory not found" in result.output
