"""Parameters: defaults, TOML round trip and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.config import Config, load_config
from regionopt.errors import InputError


def test_printed_config_reads_back_as_the_defaults(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code == 0
    path = tmp_path / "c.toml"
    path.write_text(result.output, encoding="utf-8")
    assert load_config(path) == Config()
    # A list (schools taking part one by one) reads back too.
    path.write_text('[participation]\nschools = ["01JO02", "25MG02"]\n', encoding="utf-8")
    printed = CliRunner().invoke(app, ["config", "--config", str(path)]).output
    again = tmp_path / "again.toml"
    again.write_text(printed, encoding="utf-8")
    assert load_config(again).participation.schools == ("01JO02", "25MG02")


def test_partial_config_keeps_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[rules]\nmin_technical_pupils = 250\n", encoding="utf-8")
    cfg = load_config(path)
    assert cfg.rules.min_technical_pupils == 250 and cfg.rules.min_vmbo == Config().rules.min_vmbo


def test_every_bad_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[rules]\nmin_vmbo = "two"\nmin_pupils = 3\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(path)
    where = {p.where for p in err.value.problems}
    assert where == {"rules.min_vmbo", "rules.min_pupils"}


def test_a_misspelt_key_gets_the_closest_key_and_a_flag_gets_true_or_false(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[rule]\nmin_vmbo = 2\n[rules]\nmin_vmob = 3\ntogether_hard = "nee"\n')
    with pytest.raises(InputError) as err:
        load_config(path)
    fixes = {p.where: p.fix for p in err.value.problems}
    assert fixes["rule"].startswith("did you mean 'rules'?")
    assert fixes["rules.min_vmob"].startswith("did you mean 'min_vmbo'?")
    assert fixes["rules.together_hard"] == "use true or false (default true)"


def test_a_quoted_number_or_a_fraction_for_a_count_is_refused(tmp_path: Path) -> None:
    """TOML has numbers; a string (as a spreadsheet would write it) is not read as one."""
    path = tmp_path / "c.toml"
    path.write_text(
        '[rules]\nmin_technical_pupils = "150"\nmin_vmbo = 2.5\n[weights]\ncut_pupils = 2\n'
    )
    with pytest.raises(InputError) as err:
        load_config(path)
    fixes = {p.where: p.fix for p in err.value.problems}
    assert set(fixes) == {"rules.min_technical_pupils", "rules.min_vmbo"}
    assert fixes["rules.min_technical_pupils"].startswith("use a whole number >= ")


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[rules\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(path)


@pytest.mark.parametrize(
    "rules",
    ["min_technical_pupils = 700", "min_technical_pupils = 300\nmax_technical_pupils = 250"],
)
def test_a_minimum_above_the_maximum_is_refused(tmp_path: Path, rules: str) -> None:
    """Also when only the minimum is given and the maximum is the default (600)."""
    path = tmp_path / "c.toml"
    path.write_text(f"[rules]\n{rules}\n", encoding="utf-8")
    with pytest.raises(InputError, match="is below min_technical_pupils") as err:
        load_config(path)
    (problem,) = err.value.problems
    default = "" if "max_technical_pupils" in rules else ", the default"
    assert problem.message.startswith(f"max_technical_pupils ({600 if default else 250}{default})")
    assert (
        problem.fix
        == "set max_technical_pupils to at least min_technical_pupils (its default is 600)"
    )
