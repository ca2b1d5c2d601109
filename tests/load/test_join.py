"""Loading and validation: tiny hand-made data directories and the real national data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.load import FILES, load_all

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


def test_mbo_institutions_are_named_from_the_institutions_file(tiny_data: Path) -> None:
    brin = load_all(tiny_data).instance.mbo[0].code[:4]
    institutions = tiny_data / "mbo" / "mbo-instellingen-2025.csv"
    institutions.write_text(f"brin,name,main_city\n{brin},ROC Xstad,Xstad\n", encoding="utf-8")
    assert load_all(tiny_data).instance.mbo[0].institution_name == "ROC Xstad"
    # A file without the name column is a problem that names the file and the column.
    institutions.write_text(f"brin,naam\n{brin},ROC Xstad\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "summary", "--data", str(tiny_data)])
    assert result.exit_code == 2
    assert "mbo-instellingen-2025.csv" in result.output and "name" in result.output


@pytest.mark.realdata
def test_mbo_partners_on_the_real_data_are_institution_names(workspace) -> None:
    names = {m.institution_name for m in workspace.instance.mbo}
    assert {"Scalda", "ROC van Twente", "Albeda"} <= names


@pytest.mark.realdata
def test_places_and_labour_markets_on_the_real_data(workspace) -> None:
    schools = workspace.instance.schools
    places = {s.place for s in schools}
    # Dutch spelling, as people write the places: not DUO's upper case title-cased.
    assert {"'s-Hertogenbosch", "Capelle aan den IJssel", "Bergen op Zoom"} <= places
    assert not [p for p in places if p.startswith("'S-") or " Aan " in p or p.endswith(" Gn")]
    # Every school's labour-market region, as the objective's RPA family has it.
    named = [s for s in schools if s.labour_market]
    family = workspace.labour_markets
    assert len(named) == int((family.index >= 0).sum())
    assert {s.labour_market for s in schools if s.place == "Goes"} == {"Zeeland"}
    # Street, number and postcode tell locations of one name apart (every school in the
    # location file has them).
    addresses = [s.address for s in schools if s.name.startswith("Bonhoeffer College")]
    assert len(addresses) == len(set(addresses)) >= 2
    assert all(re.fullmatch(r".+ \d+.*, \d{4} [A-Z]{2}", a) for a in addresses), addresses
    # Where families live: primary-school pupils per place (about 1.36 million in all).
    families = dict(workspace.instance.place_families)
    assert 1_300_000 < sum(families.values()) < 1_450_000
    assert families["Amsterdam"] > families["Goes"] > 0


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
