"""Plans read from CSV: every malformed row reported with its line, nothing else refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.errors import InputError
from regionopt.plan import read_plan, write_plan_rows
from tests.helpers import assert_input_error, invoke, write_file


@pytest.mark.parametrize(
    "command",
    [
        ("check", "{plan}"),
        ("budget", "{plan}"),
        ("compare", "{plan}", "actual"),
        ("whatif", "--plan", "{plan}", "--leave", "11AA00", "--out", "{out}"),
        ("graph", "--plan", "{plan}", "--out", "{out}.gpkg"),
    ],
)
def test_plan_row_with_more_values_than_the_header(
    tiny_data: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    plan = write_file(
        tmp_path / "x.csv",
        "vestiging_code,region_id,name\n00AH17,R01,Stedelijk Lyceum, Enschede\n",
    )
    out = tmp_path / "out" / "o"
    args = [a.format(plan=plan, out=out) for a in command]
    assert_input_error(invoke(*args, "--data", tiny_data), "x.csv", "row 2", "4 values", "quotes")
    assert not (tmp_path / "out").exists()


def test_plan_quoted_value_with_separator_and_newline(tmp_path: Path) -> None:
    plan = read_plan(
        write_file(
            tmp_path / "q.csv", 'vestiging_code,region_id,name\n00AH17,R01,"Lyceum,\nEnschede"\n'
        )
    )
    assert plan.rows == (("00AH17", "R01"),)


def test_plan_rows_report_line_numbers(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "b.csv", "vestiging_code,region_id\n\n00AH1,R01\n00AH17,\nÉÉÉÉ00,R1\n"
    )
    with pytest.raises(InputError) as err:
        read_plan(path)
    lines = [p.where for p in err.value.problems]
    assert lines == ["row 3", "row 4", "row 5"]


def test_plan_csv_written_with_bom_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    write_plan_rows(
        path, ["vestiging_code", "region_id", "region_name"], [["00AH17", "R01", "Mariëndael"]]
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    plan = read_plan(path)
    assert plan.rows == (("00AH17", "R01"),) and plan.region_names == {"R01": "Mariëndael"}


def test_binary_plan(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"vestiging_code,region_id\n\x00\x01\x02")
    assert_input_error(invoke("check", path, "--data", tmp_path), "p.csv", "not a text file")


def test_folder_as_plan(tmp_path: Path) -> None:
    assert_input_error(invoke("check", tmp_path), "is a directory")
