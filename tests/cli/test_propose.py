"""regionopt propose: options and codes refused with what is wrong, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_input_error, invoke


@pytest.mark.parametrize(
    ("regions", "what"),
    [
        ("80-70", "80-70: the range is reversed: MIN 80 is above MAX 70 -> write --regions 70-80"),
        ("0", "0: the number of regions must be at least 1 -> e.g. --regions 77 or 70-80"),
        ("0-5", "0-5: the number of regions must be at least 1"),
        ("7-8-9", "7-8-9: not N or MIN-MAX (whole numbers)"),
        ("many", "many: not N or MIN-MAX (whole numbers)"),
    ],
)
def test_regions_says_what_is_wrong(tmp_path: Path, regions: str, what: str) -> None:
    out = tmp_path / "never"
    assert_input_error(invoke("propose", "--regions", regions, "--out", out), f"--regions: {what}")
    assert not out.exists()
