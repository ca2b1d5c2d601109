"""regionopt propose: options and codes refused with what is wrong, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import add_joinable_schools, assert_input_error, invoke, write_file


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


def test_exclude_and_lock_codes_are_refused_before_the_loaded_line(
    tiny_data: Path, tmp_path: Path
) -> None:
    vso, _ = add_joinable_schools(tiny_data)
    out = tmp_path / "never"
    res = invoke(
        *("propose", "--exclude", "ZZZZ99", "--exclude", "44DD00", "--exclude", "11AA00"),
        *("--lock", f"{vso}=A", "--lock", "11AA00=A", "--lock", "22BB0=A"),
        *("--out", out, "--data", tiny_data),
    )
    assert_input_error(
        res,
        "Invalid options (5 problems)",
        "--exclude: ZZZZ99: no vestiging in the data has code ZZZZ99",
        "--exclude: 44DD00: 44DD00 (Havo School, Oostdorp) is a school in the data (HAVO/VWO) "
        "that cannot take part",
        "--lock: 77VS00: 77VS00 (De Brug [vso], Oostdorp) is a voortgezet speciaal onderwijs",
        "[participation] include_vso = true",
        "--lock: 22BB0: '22BB0' is not a vestiging code",
        "did you mean 22BB00?",
        "--lock: 11AA00: is also excluded",
    )
    assert "loaded" not in res.output and not out.exists()


def test_a_reference_plan_with_an_unknown_code_is_refused(tiny_data: Path, tmp_path: Path) -> None:
    reference = write_file(
        tmp_path / "ref.csv", "vestiging_code,region_id\n11AA00,A\n22BB09,A\n33CC00,B\n"
    )
    out = tmp_path / "never"
    res = invoke("propose", "--reference", reference, "--out", out, "--data", tiny_data)
    assert_input_error(
        res, "ref.csv: row 3: no vestiging in the data has code 22BB09", "did you mean 22BB00"
    )
    assert not out.exists()


def test_the_terminal_lists_what_each_part_of_the_objective_adds() -> None:
    from regionopt.cli.objective import objective_parts
    from regionopt.model.objective import ObjectiveComponents

    comps = ObjectiveComponents(
        cut_pupils=43563.744,
        compactness_km=3941.277,
        gemeente_splits=15,
        reference_moves=0,
        total=59660.86,
        splits={"gemeente": 15, "rpa": 52, "bestuur": 136},
        contributions={
            "cut_pupils": 43563.75,
            "compactness_km": 197.11,
            "gemeente": 300.0,
            "rpa": 15600.0,
            "bestuur": 0.0,
            "size_balance": 0.0,
            "reference_moves": 0.0,
        },
    )
    assert objective_parts(comps) == [
        ("cut commuting pupils", 43563.744, 43563.75),
        ("km to the penvoerder", 3941.277, 197.11),
        ("gemeente splits", 15.0, 300.0),
        ("labour-market region (RPA) splits", 52.0, 15600.0),
    ]  # parts that add nothing are left out
