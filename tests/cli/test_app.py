"""Every error of a command becomes a short message and an exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from regionopt.cli import friendly_errors
from tests.helpers import assert_input_error, invoke, write_file


def test_ctrl_c_ends_with_a_message_and_exit_130(capsys: pytest.CaptureFixture[str]) -> None:
    @friendly_errors
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as info:
        interrupted()
    assert info.value.exit_code == 130
    assert "interrupted" in capsys.readouterr().err


def test_square_brackets_in_a_path_are_printed_literally(tmp_path: Path) -> None:
    result = invoke("check", tmp_path / "w[/x]" / "[bold]plan.csv")
    assert_input_error(result, "w[/x]", "[bold]plan.csv", "plan file not found")


def test_square_brackets_in_a_region_id(tiny_data: Path, tmp_path: Path) -> None:
    plan = write_file(tmp_path / "b.csv", "vestiging_code,region_id\n11AA00,[/x]\n22BB00,[/x]\n")
    result = invoke("check", plan, "--data", tiny_data)
    assert result.exit_code in (0, 1), result.output
    assert "[/x]" in result.output and "Traceback" not in result.output
    result = invoke("whatif", "--plan", plan, "--move", "33CC00=[/y]", "--data", tiny_data)
    assert_input_error(result, "[/y]")


def test_square_brackets_in_out(tiny_data: Path, tmp_path: Path) -> None:
    target = tmp_path / "o" / "w[/x].html"
    result = invoke("map", "--data", tiny_data, "--out", target)
    assert result.exit_code == 0, result.output
    assert target.is_file() and "w[/x].html" in result.output.replace("\n", "")
    plan = write_file(
        tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n33CC00,A\n"
    )
    out = tmp_path / "o" / "w[/x]"
    result = invoke(
        "whatif", "--plan", plan, "--leave", "33CC00", "--out", out, "--data", tiny_data
    )
    assert result.exit_code in (0, 1), result.output
    assert (out / "regions.csv").is_file() and "w[/x]" in result.output


def test_unexpected_error_is_one_short_message(
    tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import regionopt.cli.data as data_cli

    def broken(loaded: object) -> dict:
        raise ZeroDivisionError("a bug [/x]")

    monkeypatch.setattr(data_cli, "data_summary", broken)
    result = invoke("data", "summary", "--data", tiny_data)
    assert result.exit_code == 1
    assert "unexpected error: ZeroDivisionError: a bug [/x]" in result.output
    assert "please report it" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
    result = invoke("--debug", "data", "summary", "--data", tiny_data)
    assert result.exit_code == 1 and "Traceback" in result.output


def test_ctrl_c_while_writing_leaves_nothing(
    tiny_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import regionopt.cli.map as map_cli

    def interrupted(loaded: object, plan: object, path: Path, **kwargs: object) -> None:
        Path(path).write_text("<html>half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(map_cli, "write_plan_map", interrupted)
    out = tmp_path / "maps" / "m.html"
    result = invoke("map", "--data", tiny_data, "--out", out)
    assert result.exit_code == 130 and "interrupted" in result.output
    assert not (tmp_path / "maps").exists()
