"""Every user mistake of issue #17: a clear message, exit code 2, no traceback, nothing written.

Each fixture writes one bad file (or passes one bad option) into the miniature data directory
of ``conftest.write_tiny_data``; each test asserts the exit code, that the message names the
file, row or option, that no traceback is printed and that no output appears.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.load import FILES
from tests.helpers import assert_input_error, invoke, write_file

# ---------------------------------------------------------------------------------------------
# Config


@pytest.mark.parametrize(
    ("toml", "needles"),
    [
        ("[rules]\nmax_technical_pupils = -5\n", ("rules.max_technical_pupils", "> 0")),
        (
            "[rules]\nmin_technical_pupils = 200\nmax_technical_pupils = 150\n",
            ("max_technical_pupils (150) is below min_technical_pupils (200)",),
        ),
        ("[rules]\ntogether_km = 1000\n", ("rules.together_km", "<= 10")),
        ("[weights]\ncut_pupils = inf\n", ("weights.cut_pupils", "finite number")),
        ("[weights]\nreference_move = nan\n", ("weights.reference_move", "finite number")),
        ("[budget]\nstructural_national_eur = inf\n", ("budget.structural_national_eur",)),
        ("[budget]\nstructural_national_eur = 1e300\n", ("<= 100,000,000,000",)),
        ("[commute]\ndecay_km = 0\n", ("commute.decay_km", "> 0")),
        ("[rules]\nmin_technical_pupils = 2.5\n", ("rules.min_technical_pupils", "whole number")),
    ],
)
def test_config_numbers_are_checked(
    tiny_data: Path, tmp_path: Path, toml: str, needles: tuple[str, ...]
) -> None:
    cfg = write_file(tmp_path / "bad.toml", toml)
    assert_input_error(invoke("config", "--config", cfg), "bad.toml", *needles)
    out = tmp_path / "out"
    result = invoke("budget", "actual", "--config", cfg, "--data", tiny_data)
    assert_input_error(result, "bad.toml", *needles)
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# Options of propose


def test_propose_numeric_options_all_reported_before_loading(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "propose",
        *("--radius", "-5", "--max-moves", "-1", "--reference-weight", "-1000"),
        *("--time-limit", "nan", "--bound-time", "inf", "--improve-time", "-1"),
        *("--workers", "0", "--seed", "-1", "--reference", "actual"),
        *("--data", tmp_path / "nowhere", "--out", out),
    )
    assert_input_error(
        result,
        "Invalid options (8 problems)",
        "--radius: -5.0: Input should be greater than 0 -> use a finite number > 0",
        "--max-moves: -1",
        "--reference-weight: -1000.0: must be a finite number from 0 to 10,000",
        "--time-limit: nan: Input should be a finite number",
        "--bound-time: inf",
        "--improve-time: -1.0",
        "--workers: 0",
        "--seed: -1",
    )
    assert "nowhere" not in result.output and not out.exists()


def test_propose_lock_twice_with_different_regions(tmp_path: Path) -> None:
    result = invoke(
        "propose",
        *("--lock", "00BD00=A", "--lock", "00bd00=B", "--lock", "00AH17=A", "--lock", "00AH17=A"),
        *("--data", tmp_path / "nowhere", "--out", tmp_path / "out"),
    )
    assert_input_error(result, "--lock: 00BD00: locked to both A and B")
    assert "00AH17" not in result.output


def test_propose_out_is_a_file(tmp_path: Path) -> None:
    afile = write_file(tmp_path / "afile.txt", "keep me")
    result = invoke("propose", "--out", afile, "--force", "--data", tmp_path / "nowhere")
    assert_input_error(result, "afile.txt", "is a file, but an output directory is expected")
    assert afile.read_text() == "keep me"


def test_propose_leaves_no_directory_on_a_load_error(tiny_data: Path, tmp_path: Path) -> None:
    (tiny_data / FILES["mbo"]).write_text("{}")
    out = tmp_path / "new" / "proposal"
    assert_input_error(invoke("propose", "--data", tiny_data, "--out", out), "mbo-locaties")
    assert not (tmp_path / "new").exists()
