"""Loading and validation: tiny hand-made data directories and the real national data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.config import ParticipationConfig
from regionopt.errors import DataNotFoundError, InputError
from regionopt.load import FILES, find_data_dir, load_all

runner = CliRunner()


def test_tiny_data_joins_points_counts_and_fallbacks(tiny_data: Path) -> None:
    loaded = load_all(tiny_data)
    inst = loaded.instance
    assert [s.code for s in inst.schools] == ["11AA00", "22BB00", "33CC00"]
    first, second, third = inst.schools
    # Leerjaar 3 + 4 of the bb/kb/gl rows: (20 + 1) PIE and (30 + 1) Zorg en welzijn.
    assert first.pupils.beroepsgericht == 52 and first.pupils.PIE == 21
    assert first.technical_pupils == 21
    assert second.pupils.BWI == 6 and second.name == "Tweede Schöol"  # latin-1 decoded
    assert third.technical_pupils == 0 and third.pupils.tl == 61
    assert (first.geocode, second.geocode, third.geocode) == ("address", "address", "postcode")
    assert (first.gemeente, third.gemeente) == ("GM0001", "GM0002")
    assert loaded.report.mbo_kept == 1 and loaded.report.mbo_dropped == 1
    assert loaded.instance.mbo[0].institution_name == "rocx"


def test_participation_options_add_kinds(tiny_data: Path) -> None:
    # The havo school has no vmbo pupils at all: it never takes part as vmbo.
    inst = load_all(tiny_data, participation=ParticipationConfig(include_tl_only=True)).instance
    assert "44DD00" not in inst.index


def test_actual_regions_keep_ambiguity(tiny_data: Path) -> None:
    actual = load_all(tiny_data).actual
    assert actual.assignment == {"11AA00": "sto-west"}
    assert actual.ambiguous[0].candidates == ("22BB00", "33CC00")
    assert "sto-west" in actual.partial_regions and not actual.complete


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


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode("latin-1")
    assert old in text
    path.write_bytes(text.replace(old, new).encode("latin-1"))


def test_every_problem_reported_at_once(tiny_data: Path) -> None:
    loc = tiny_data / FILES["locations"]
    counts = tiny_data / FILES["counts"]
    _rewrite(loc, "22BB;22BB00;", "22BB;22B?00;")  # malformed code
    _rewrite(loc, "44DD;44DD00;", "44DD;11AA00;")  # duplicate code
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


def test_missing_column_is_named(tiny_data: Path) -> None:
    _rewrite(tiny_data / FILES["locations"], "POSTCODE;", "PC;")
    with pytest.raises(InputError) as err:
        load_all(tiny_data)
    assert "missing column(s): POSTCODE" in str(err.value)


def test_binary_file_is_rejected(tiny_data: Path) -> None:
    (tiny_data / FILES["counts"]).write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(InputError, match="not a text file"):
        load_all(tiny_data)


def test_utf8_file_is_read_with_a_warning(tiny_data: Path) -> None:
    loc = tiny_data / FILES["locations"]
    loc.write_bytes(loc.read_bytes().decode("latin-1").encode("utf-8"))
    loaded = load_all(tiny_data)
    assert loaded.instance.school("22BB00").name == "Tweede Schöol"
    assert any("UTF-8" in w.message for w in loaded.report.warnings)


def test_point_outside_netherlands_falls_back_to_postcode(tiny_data: Path) -> None:
    geo = tiny_data / FILES["geocoded"]
    data = json.loads(geo.read_text())
    data["features"][0]["geometry"]["coordinates"] = [-70.0, 12.5]  # Caribbean
    geo.write_text(json.dumps(data))
    loaded = load_all(tiny_data)
    assert loaded.instance.school("11AA00").geocode == "postcode"
    assert any("outside the Netherlands" in w.message for w in loaded.report.warnings)


def test_counts_without_any_location_use_place_or_are_dropped(tiny_data: Path) -> None:
    counts = tiny_data / FILES["counts"]
    text = counts.read_bytes().decode("latin-1")
    extra = text.splitlines()[1].replace("11AA;0;De Eerste;WESTDORP", "77ZZ;0;Nieuw;OOSTDORP")
    lost = text.splitlines()[1].replace("11AA;0;De Eerste;WESTDORP", "88YY;0;Kwijt;NERGENS")
    counts.write_bytes((text + extra + "\n" + lost + "\n").encode("latin-1"))
    loaded = load_all(tiny_data)
    assert loaded.instance.school("77ZZ00").geocode == "place"
    assert "88YY00" not in loaded.instance.index
    assert loaded.report.schools_dropped == ("88YY00",)


def test_cli_bad_data_dir_exits_2_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "summary", "--data", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Traceback (most recent" not in result.output
    assert "data directory not found" in result.output


# ---------------------------------------------------------------------------------------------
# Real data


def _independent_national_totals(real_data: Path) -> dict[str, object]:
    """Recompute the national leerjaar 3-4 figures from the raw DUO file with the csv module."""
    profiles = {
        "Bouwen, wonen en interieur": "BWI",
        "Produceren, installeren en energie": "PIE",
        "Mobiliteit en transport": "MT",
        "Maritiem en Techniek": "MaT",
        "Media, vormgeving en ICT": "MVI",
    }
    tech = dict.fromkeys(profiles.values(), 0)
    bg_by_code: dict[str, int] = {}
    tech_codes: set[str] = set()
    path = real_data / FILES["counts"]
    with path.open(encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            otype = row["ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR"]
            if otype not in ("VMBO BL lj 3-4", "VMBO KL lj 3-4", "VMBO GL lj 3-4"):
                continue
            n = sum(
                int(row[f"LEER- OF VERBLIJFSJAAR {y} - {s}"])
                for y in (3, 4)
                for s in ("MAN", "VROUW")
            )
            code = row["BRIN NUMMER"] + row["VESTIGINGSNUMMER"].zfill(2)
            bg_by_code[code] = bg_by_code.get(code, 0) + n
            if row["AFDELING"] in profiles and n > 0:
                tech[profiles[row["AFDELING"]]] += n
                tech_codes.add(code)
    return {
        "schools": sum(1 for v in bg_by_code.values() if v > 0),
        "beroepsgericht": sum(bg_by_code.values()),
        "technical": tech,
        "technical_schools": len(tech_codes),
    }


@pytest.mark.realdata
def test_summary_matches_independent_totals(real_data: Path) -> None:
    expected = _independent_national_totals(real_data)
    result = runner.invoke(app, ["data", "summary", "--json", "--data", str(real_data)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["schools_participating"] == expected["schools"]
    assert summary["pupils_beroepsgericht_lj34"] == expected["beroepsgericht"]
    technical = dict(summary["pupils_technical_lj34"])
    assert technical.pop("total") == sum(expected["technical"].values())  # type: ignore[union-attr]
    assert technical == expected["technical"]
    assert summary["schools_with_technical_pupils"] == expected["technical_schools"]
    assert summary["mbo_locations"] + summary["mbo_locations_dropped"] == len(
        json.loads((real_data / FILES["mbo"]).read_text(encoding="utf-8"))
    )
    assert summary["geocoded_by_postcode"] > 0
    assert summary["schools_dropped"] == []


@pytest.mark.realdata
def test_every_school_lies_in_its_municipality(workspace) -> None:
    inst = workspace.instance
    gm = workspace.loaded.geography.gemeenten.set_index("code")
    codes = [s.code for s in inst.schools]
    assert len(set(codes)) == len(codes)
    points = gpd.GeoSeries(gpd.points_from_xy(inst.xy[:, 0], inst.xy[:, 1]), crs=gm.crs)
    polygons = gpd.GeoSeries([gm.geometry[s.gemeente] for s in inst.schools], crs=gm.crs)
    # Snapped points (in water near the coast) lie within 2 km of their municipality.
    distance = points.distance(polygons)
    assert float(distance.max()) < 2000.0
    inside = shapely.contains(polygons.values, points.values) | (distance.values == 0)
    assert inside.mean() > 0.98


@pytest.mark.realdata
def test_actual_regions_loaded_with_uncertainty(workspace, real_data: Path) -> None:
    actual = workspace.loaded.actual
    with (real_data / FILES["actual"]).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ambiguous = [r for r in rows if r["match"] == "ambiguous"]
    assert len(actual.ambiguous) == len(ambiguous)
    assert {a.candidates for a in actual.ambiguous} == {
        tuple(r["vestiging_code"].split(";")) for r in ambiguous
    }
    assert len(actual.unmatched) == sum(r["match"] == "unmatched" for r in rows)
    assert not actual.complete
