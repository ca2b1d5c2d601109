"""Every user mistake of issue #17: a clear message, exit code 2, no traceback, nothing written.

Each fixture writes one bad file (or passes one bad option) into the miniature data directory
of ``conftest.write_tiny_data``; each test asserts the exit code, that the message names the
file, row or option, that no traceback is printed and that no output appears.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pyproj import Transformer
from typer.testing import CliRunner

from regionopt.budget import budget
from regionopt.cli import app
from regionopt.config import BudgetConfig, ParticipationConfig
from regionopt.errors import InputError
from regionopt.load import FILES, load_all
from regionopt.plan import Plan, read_plan, write_plan_rows

from .conftest import make_instance

runner = CliRunner()
TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def invoke(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def assert_input_error(result: Result, *needles: str) -> None:
    """Exit code 2, every needle in the message, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    text = result.output.replace("\n", " ")
    for needle in needles:
        assert needle in text, (needle, result.output)


def map_fails(data: Path, tmp_path: Path, *needles: str) -> None:
    """``map`` on a broken data directory: exit 2 with the needles, and no map written."""
    out = tmp_path / "maps" / "m.html"
    assert_input_error(invoke("map", "--data", data, "--out", out), *needles)
    assert not out.parent.exists()


def edit_json(path: Path, change: Callable[[object], object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = change(data)
    path.write_text(json.dumps(data if result is None else result), encoding="utf-8")


def to_rd_new(coords: list) -> list:
    """Lon/lat coordinates (nested lists) to RD New metres."""
    if coords and isinstance(coords[0], int | float):
        x, y = TO_RD.transform(coords[0], coords[1])
        return [x, y]
    return [to_rd_new(c) for c in coords]


def set_count(data: Path, code: str, column: str, value: str) -> None:
    """Put ``value`` into one pupil-count cell of the first count row of ``code``."""
    path = data / FILES["counts"]
    lines = path.read_bytes().decode("latin-1").splitlines()
    header = lines[0].split(";")
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[0] + cells[1].zfill(2) == code:
            cells[header.index(column)] = value
            lines[i] = ";".join(cells)
            break
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))


# ---------------------------------------------------------------------------------------------
# Coordinate reference systems


def test_gemeenten_declared_in_rd_new_are_reprojected(tiny_data: Path) -> None:
    before = {s.code: s.gemeente for s in load_all(tiny_data).instance.schools}

    def to_rd(data: dict) -> None:
        data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
        for f in data["features"]:
            f["geometry"]["coordinates"] = to_rd_new(f["geometry"]["coordinates"])

    edit_json(tiny_data / FILES["gemeenten"], to_rd)
    after = {s.code: s.gemeente for s in load_all(tiny_data).instance.schools}
    assert after == before and len(after) == 3


def test_geocoded_declared_in_rd_new_keeps_lon_lat(tiny_data: Path) -> None:
    before = {s.code: (s.lon, s.lat, s.geocode) for s in load_all(tiny_data).instance.schools}

    def to_rd(data: dict) -> None:
        data["crs"] = {"type": "name", "properties": {"name": "EPSG:28992"}}
        for f in data["features"]:
            f["geometry"]["coordinates"] = to_rd_new(f["geometry"]["coordinates"])

    edit_json(tiny_data / FILES["geocoded"], to_rd)
    after = {s.code: (s.lon, s.lat, s.geocode) for s in load_all(tiny_data).instance.schools}
    assert after.keys() == before.keys()
    for code, (lon, lat, how) in after.items():
        assert how == before[code][2]
        assert lon == pytest.approx(before[code][0], abs=1e-6)
        assert lat == pytest.approx(before[code][1], abs=1e-6)


def test_undeclared_rd_coordinates_are_not_taken_for_degrees(
    tiny_data: Path, tmp_path: Path
) -> None:
    def to_rd(data: dict) -> None:
        for f in data["features"]:
            f["geometry"]["coordinates"] = to_rd_new(f["geometry"]["coordinates"])

    edit_json(tiny_data / FILES["gemeenten"], to_rd)
    map_fails(tiny_data, tmp_path, "gemeenten-2022.geojson", "declares no CRS", "EPSG:28992")


def test_unknown_crs_is_an_input_error(tiny_data: Path, tmp_path: Path) -> None:
    def bogus(data: dict) -> None:
        data["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}

    edit_json(tiny_data / FILES["gemeenten"], bogus)
    map_fails(tiny_data, tmp_path, "gemeenten-2022.geojson", "crs", "EPSG:999999", "EPSG:28992")


# ---------------------------------------------------------------------------------------------
# Pupil counts


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


# ---------------------------------------------------------------------------------------------
# Coordinates and the mbo file


def test_nan_school_coordinates(tiny_data: Path, tmp_path: Path) -> None:
    def nan(data: dict) -> None:
        data["features"][1]["geometry"]["coordinates"] = [float("nan"), 52.05]

    edit_json(tiny_data / FILES["geocoded"], nan)
    map_fails(tiny_data, tmp_path, "scholen-geocoded-2024.geojson", "feature 1", "not a finite")


def test_pc4_coordinates_must_be_numbers_in_the_netherlands(
    tiny_data: Path, tmp_path: Path
) -> None:
    path = tiny_data / FILES["pc4"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("52.05,5.04", "abc,5.04").replace("5.16", "50.0"),
        encoding="utf-8",
    )
    map_fails(tiny_data, tmp_path, "pc4-centroids-2019.csv", "row 2 (postcode 3500)", "row 3")


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ({"brinvest": "55MB00"}, ("holds a JSON dict, not a list",)),
        ([1, "x"], ("record 0", "is a JSON int, not an object", "record 1")),
        (
            [{"brinvest": "55MB00", "location_data": {"coordinates": ["abc", 52.0]}}],
            ("record 0", "55MB00", "not numbers"),
        ),
        ("not json", ("not valid JSON",)),
    ],
)
def test_bad_mbo_file(tiny_data: Path, tmp_path: Path, content: object, needles: tuple) -> None:
    path = tiny_data / FILES["mbo"]
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    map_fails(tiny_data, tmp_path, "mbo-locaties-2025.json", *needles)


def test_binary_geojson(tiny_data: Path, tmp_path: Path) -> None:
    (tiny_data / FILES["provincies"]).write_bytes(bytes(range(256)) * 4)
    map_fails(tiny_data, tmp_path, "provincies.geojson", "not valid GeoJSON")


def test_folder_in_place_of_a_file(tiny_data: Path, tmp_path: Path) -> None:
    path = tiny_data / FILES["mbo"]
    path.unlink()
    path.mkdir()
    map_fails(tiny_data, tmp_path, "mbo-locaties-2025.json")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tiny_data: Path, tmp_path: Path) -> None:
    path = tiny_data / FILES["counts"]
    path.chmod(0)
    try:
        map_fails(tiny_data, tmp_path, "leerlingen-vo", "cannot read the file")
    finally:
        path.chmod(0o644)


def test_utf8_bom_files_read(tiny_data: Path) -> None:
    for key in ("pc4", "actual"):
        path = tiny_data / FILES[key]
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    loaded = load_all(tiny_data)
    assert loaded.instance.school("33CC00").geocode == "postcode"
    assert loaded.actual.assignment == {"11AA00": "sto-west"}


# ---------------------------------------------------------------------------------------------
# Plans


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


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
    plan = write(
        tmp_path / "x.csv",
        "vestiging_code,region_id,name\n00AH17,R01,Stedelijk Lyceum, Enschede\n",
    )
    out = tmp_path / "out" / "o"
    args = [a.format(plan=plan, out=out) for a in command]
    assert_input_error(invoke(*args, "--data", tiny_data), "x.csv", "row 2", "4 values", "quotes")
    assert not (tmp_path / "out").exists()


def test_plan_as_saved_by_dutch_excel(tmp_path: Path) -> None:
    text = (
        "Vestiging_code;Region_id;region_name\r\n"
        "\r\n"
        '00ah17;R01;"Regio Mariëndael"\r\n'
        "00AH08 ; R01 ;\r\n"
        ";;\r\n"
    )
    for encoding in ("utf-8-sig", "cp1252"):
        plan = read_plan(write(tmp_path / f"p-{encoding}.csv", text, encoding))
        assert plan.rows == (("00AH17", "R01"), ("00AH08", "R01"))
        assert plan.region_names == {"R01": "Regio Mariëndael"}
        assert plan.lines == (3, 4)


def test_plan_quoted_value_with_separator_and_newline(tmp_path: Path) -> None:
    plan = read_plan(
        write(tmp_path / "q.csv", 'vestiging_code,region_id,name\n00AH17,R01,"Lyceum,\nEnschede"\n')
    )
    assert plan.rows == (("00AH17", "R01"),)


def test_plan_rows_report_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "vestiging_code,region_id\n\n00AH1,R01\n00AH17,\nÉÉÉÉ00,R1\n")
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


@pytest.mark.parametrize("command", [("budget", "{plan}"), ("compare", "{plan}", "actual")])
def test_budget_and_compare_refuse_unknown_and_double_codes(
    tiny_data: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    plan = write(
        tmp_path / "u.csv",
        "vestiging_code,region_id\n11AA00,A\n22BB00,A\n22BB00,B\n99ZZ99,B\n33CC00,B\n",
    )
    args = [a.format(plan=plan) for a in command]
    assert_input_error(
        invoke(*args, "--data", tiny_data),
        "u.csv",
        "row 5: 99ZZ99 is not a participating vestiging",
        "code 22BB00: listed in 2 regions: A (row 3), B (row 4)",
    )


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
    cfg = write(tmp_path / "bad.toml", toml)
    assert_input_error(invoke("config", "--config", cfg), "bad.toml", *needles)
    out = tmp_path / "out"
    result = invoke("budget", "actual", "--config", cfg, "--data", tiny_data)
    assert_input_error(result, "bad.toml", *needles)
    assert not out.exists()


def test_budget_refuses_amounts_that_skipped_validation() -> None:
    inst = make_instance([(0, 0), (1, 0)])
    plan = Plan(rows=(("00AA00", "R1"), ("01AA00", "R1")))
    for amount in (float("inf"), float("nan"), 1e300, -1.0):
        with pytest.raises(InputError, match=r"budget\.structural_national_eur"):
            budget(inst, plan, BudgetConfig.model_construct(structural_national_eur=amount))


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
    afile = write(tmp_path / "afile.txt", "keep me")
    result = invoke("propose", "--out", afile, "--force", "--data", tmp_path / "nowhere")
    assert_input_error(result, "afile.txt", "is a file, but an output directory is expected")
    assert afile.read_text() == "keep me"


def test_graph_out_is_a_directory(tiny_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dir.gpkg"
    folder.mkdir()
    result = invoke("graph", "--out", folder, "--force", "--data", tiny_data)
    assert_input_error(result, "dir.gpkg", "is a directory, but a file is expected")


def test_propose_leaves_no_directory_on_a_load_error(tiny_data: Path, tmp_path: Path) -> None:
    (tiny_data / FILES["mbo"]).write_text("{}")
    out = tmp_path / "new" / "proposal"
    assert_input_error(invoke("propose", "--data", tiny_data, "--out", out), "mbo-locaties")
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------------------------------------
# The error path itself


def test_square_brackets_in_a_path_are_printed_literally(tmp_path: Path) -> None:
    result = invoke("check", tmp_path / "w[/x]" / "[bold]plan.csv")
    assert_input_error(result, "w[/x]", "[bold]plan.csv", "plan file not found")


def test_square_brackets_in_a_region_id(tiny_data: Path, tmp_path: Path) -> None:
    plan = write(tmp_path / "b.csv", "vestiging_code,region_id\n11AA00,[/x]\n22BB00,[/x]\n")
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
    plan = write(tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n33CC00,A\n")
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


# ---------------------------------------------------------------------------------------------
# Rule 6: schools that may join


def test_every_participation_option_names_and_links_every_school(tiny_data: Path) -> None:
    # A vso school only the geocoded file knows, and a tl-only school in the counts.
    def add_vso(data: dict) -> None:
        data["features"].append(
            {
                "type": "Feature",
                "properties": {
                    "vestigingscode": "77VS00",
                    "naam": "De Brug [vso]",
                    "type": "VSO",
                    "leerlingen": 120,
                    "plaats": "Oostdorp",
                    "postcode": "3511AA",
                },
                "geometry": {"type": "Point", "coordinates": [5.13, 52.06]},
            }
        )

    edit_json(tiny_data / FILES["geocoded"], add_vso)
    counts = tiny_data / FILES["counts"]
    header, *rows = counts.read_bytes().decode("latin-1").splitlines()
    tl_row = rows[-2].replace("33CC;0", "66TL;0").replace("Derde", "Mavo Zes")
    counts.write_bytes(("\n".join([header, *rows, tl_row]) + "\n").encode("latin-1"))
    everyone = ParticipationConfig(include_tl_only=True, include_pro=True, include_vso=True)
    inst = load_all(tiny_data, participation=everyone).instance
    vso, tl = inst.school("77VS00"), inst.school("66TL00")
    assert (vso.kind, vso.name, vso.place, vso.pupils.vso) == (
        "vso",
        "De Brug [vso]",
        "Oostdorp",
        120,
    )
    assert (tl.kind, tl.name, tl.pupils.tl) == ("tl", "Mavo Zes", 61)
    assert all(s.name != s.code and s.place for s in inst.schools)
