"""The DUO files: codes and pupil counts checked, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.errors import InputError
from regionopt.load import FILES, load_all
from tests.helpers import edit_json, map_fails, rewrite_latin1, set_count


def test_every_problem_reported_at_once(tiny_data: Path) -> None:
    loc = tiny_data / FILES["locations"]
    counts = tiny_data / FILES["counts"]
    rewrite_latin1(loc, "22BB;22BB00;", "22BB;22B?00;")  # malformed code
    rewrite_latin1(loc, "44DD;44DD00;", "44DD;11AA00;")  # duplicate code
    text = counts.read_bytes().decode("latin-1").splitlines()
    fields = text[1].split(";")
    fields[14] = "-3"  # negative leerjaar-3 count
    text[1] = ";".join(fields)
    fields = text[2].split(";")
    fields[14] = "veel"  # non-numeric
    text[2] = ";".join(fields)
    counts.write_bytes(("\n".join(text) + "\n").encode("latin-1"))
    with pytest.raises(InputError) as err:
        load_all(tiny_data)
    messages = [str(p) for p in err.value.problems]
    assert any("22B?00" in m and "row 3" in m for m in messages)
    assert any("11AA00" in m and "listed 2 times" in m for m in messages)
    assert any("'-3'" in m and "row 2" in m for m in messages)
    assert any("'veel'" in m and "row 3" in m for m in messages)
    assert all(p.file for p in err.value.problems)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (-100000, "is negative"),
        (1e9, "more than 10,000 pupils"),
        (2.5, "is not a whole number"),
        ("abc", "is not a number"),
    ],
)
def test_bad_primary_school_pupils(
    tiny_data: Path, tmp_path: Path, value: object, reason: str
) -> None:
    def set_pupils(data: dict) -> None:
        data["features"][3]["properties"]["leerlingen"] = value  # 90PO00, a basisschool

    edit_json(tiny_data / FILES["geocoded"], set_pupils)
    map_fails(tiny_data, tmp_path, "scholen-geocoded-2024.geojson", "90PO00", "leerlingen", reason)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-5", "is negative"),
        ("2.5", "is not a whole number"),
        ("abc", "is not a number"),
        ("1e9", "more than 10,000 pupils"),
        ("inf", "is not a number"),
    ],
)
def test_bad_count_cells(tiny_data: Path, tmp_path: Path, value: str, reason: str) -> None:
    set_count(tiny_data, "11AA00", "LEER- OF VERBLIJFSJAAR 3 - MAN", value)
    map_fails(
        tiny_data,
        tmp_path,
        "leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv",
        "row 2 (11AA00)",
        "LEER- OF VERBLIJFSJAAR 3 - MAN",
        reason,
    )


def test_vestiging_total_is_bounded_too(tiny_data: Path, tmp_path: Path) -> None:
    set_count(tiny_data, "11AA00", "LEER- OF VERBLIJFSJAAR 1 - MAN", "6000")
    set_count(tiny_data, "11AA00", "LEER- OF VERBLIJFSJAAR 2 - MAN", "6000")
    map_fails(tiny_data, tmp_path, "code 11AA00", "12,052 pupils", "correct the counts")
