"""Plans read from CSV: every malformed row, and every code on two rows, reported with its line."""

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


DOUBLE = "vestiging_code,region_id\n11AA00,A\n22BB00,A\n22BB00,B\n33CC00,B\n11AA00,A\n"
"""22BB00 in two regions (rows 3 and 4), 11AA00 twice in one (rows 2 and 6)."""


@pytest.mark.parametrize(
    "command",
    [
        ("check", "{plan}"),
        ("validate", "{plan}"),
        ("budget", "{plan}"),
        ("compare", "actual", "{plan}"),
        ("find", "dorp", "--plan", "{plan}"),
        ("whatif", "--plan", "{plan}", "--leave", "33CC00", "--out", "{out}"),
        ("map", "--plan", "{plan}", "--out", "{out}.html"),
        ("graph", "--plan", "{plan}", "--out", "{out}.gpkg"),
        # Without the refusal, serve fails to bind (no such host) instead of serving forever.
        ("serve", "--plan", "{plan}", "--host", "999.0.0.1"),
        # Without the refusal, propose stops at the --out folder, which is not empty.
        ("propose", "--reference", "{plan}", "--out", "{full}"),
    ],
)
def test_every_command_refuses_a_code_on_two_rows(
    tiny_data: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    plan = write_file(tmp_path / "d.csv", DOUBLE)
    out = tmp_path / "out" / "o"
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("kept")
    args = [a.format(plan=plan, out=out, full=full) for a in command]
    assert_input_error(
        invoke(*args, "--data", tiny_data),
        "Invalid plan d.csv (2 problems)",
        "- code 22BB00: listed in 2 regions: A (row 3), B (row 4) -> keep one row",
        "- code 11AA00: listed 2 times: A (rows 2, 6)",
    )
    assert not (tmp_path / "out").exists() and list(full.iterdir()) == [full / "keep.txt"]


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


def test_a_row_moved_in_a_spreadsheet_does_not_rename_the_region_it_joins(
    tmp_path: Path,
) -> None:
    """Only 03CC00's region_id was edited (R02 -> R01): its stale name is outvoted."""
    path = tmp_path / "regions.csv"
    path.write_text(
        "vestiging_code,region_id,region_name\n"
        "01AA00,R01,Eindhoven\n02BB00,R01,Eindhoven\n03CC00,R01,Helmond\n04DD00,R02,Helmond\n",
        encoding="utf-8",
    )
    plan = read_plan(path)
    assert plan.region_names == {"R01": "Eindhoven", "R02": "Helmond"}
    assert [(s.line, s.code, s.given, s.region_name) for s in plan.stray_names] == [
        (4, "03CC00", "Helmond", "Eindhoven")
    ]


def test_a_school_that_takes_no_part_is_read_as_opted_out(tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(
        "vestiging_code,region_id,region_name\n01AA00,R01,Eindhoven\n02BB00,-,doet niet mee\n",
        encoding="utf-8",
    )
    plan = read_plan(path)
    assert plan.rows == (("01AA00", "R01"),) and plan.opted_out == frozenset({"02BB00"})
    assert plan.region_names == {"R01": "Eindhoven"} and plan.lines == (2,)
    # Leaving opts out; joining again takes the school back.
    left = plan.with_assignment({"01AA00": None})
    assert left.rows == () and left.opted_out == {"01AA00", "02BB00"}
    assert left.with_assignment({"02BB00": "R01"}).opted_out == {"01AA00"}


def test_a_plan_is_named_by_its_folder_and_file(tmp_path: Path) -> None:
    """Every proposal is called regions.csv: the folder tells two apart in titles."""
    for folder in ("before", "after"):
        (tmp_path / folder).mkdir()
        write_file(tmp_path / folder / "regions.csv", "vestiging_code,region_id\n11AA00,A\n")
    assert read_plan(tmp_path / "before" / "regions.csv").name == "before/regions.csv"
    assert read_plan(tmp_path / "after" / "regions.csv").name == "after/regions.csv"


def test_binary_plan(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"vestiging_code,region_id\n\x00\x01\x02")
    assert_input_error(invoke("check", path, "--data", tmp_path), "p.csv", "not a text file")


def test_folder_as_plan(tmp_path: Path) -> None:
    assert_input_error(invoke("check", tmp_path), "is a directory")


def test_an_error_names_its_file_once() -> None:
    from regionopt.errors import InputError, Problem

    one = InputError([Problem("/x/d.csv", "row 3", "bad code")], title="Invalid plan d.csv")
    assert str(one) == "Invalid plan d.csv: row 3: bad code"
    other = InputError([Problem("/x/e.csv", "row 3", "bad code")], title="Invalid plan d.csv")
    assert str(other) == "Invalid plan d.csv: /x/e.csv: row 3: bad code"
