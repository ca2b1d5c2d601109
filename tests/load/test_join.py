"""Loading and validation: tiny hand-made data directories and the real national data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.config import ParticipationConfig
from regionopt.load import FILES, load_all
from tests.helpers import edit_json

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
