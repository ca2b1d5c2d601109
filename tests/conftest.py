"""Shared fixtures: tiny hand-made instances and data directories, and the real data."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from regionopt.instance import Instance, MboLocation, PupilCounts, School, SchoolKind
from regionopt.plan import Plan

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def make_school(
    i: int,
    x_km: float,
    y_km: float,
    *,
    technical: int = 10,
    beroepsgericht: int = 50,
    gemeente: str = "GM0001",
    kind: SchoolKind = "vmbo",
    code: str | None = None,
    name: str | None = None,
) -> School:
    """A school at (x_km, y_km) in RD-like metres, with ``technical`` PIE pupils."""
    return School(
        id=i,
        code=code or f"{i:02d}AA00",
        name=name or f"School {i}",
        bestuur="1",
        place="Testdorp",
        gemeente=gemeente,
        kind=kind,
        x=100_000 + x_km * 1000,
        y=450_000 + y_km * 1000,
        lon=5.0,
        lat=52.0,
        geocode="address",
        pupils=PupilCounts(beroepsgericht=beroepsgericht, PIE=technical),
        technical_pupils=technical,
    )


def make_instance(
    points: Sequence[tuple[float, float]],
    *,
    technical: Sequence[int] | None = None,
    mbo_km: Sequence[tuple[float, float]] = ((0.0, 0.0),),
    gemeenten: Sequence[str] | None = None,
) -> Instance:
    """An instance of schools at ``points`` (km) with mbo locations at ``mbo_km``."""
    technical = technical if technical is not None else [10] * len(points)
    schools = tuple(
        make_school(
            i,
            x,
            y,
            technical=t,
            gemeente=(gemeenten[i] if gemeenten else "GM0001"),
        )
        for i, ((x, y), t) in enumerate(zip(points, technical, strict=True))
    )
    mbo = tuple(
        MboLocation(
            id=j,
            code=f"{j:02d}MB00",
            name=f"mbo {j}",
            institution=f"{j:02d}MB",
            institution_name=f"roc{j}",
            city="Testdorp",
            x=100_000 + x * 1000,
            y=450_000 + y * 1000,
            lon=5.0,
            lat=52.0,
        )
        for j, (x, y) in enumerate(mbo_km)
    )
    return Instance(schools=schools, mbo=mbo)


@pytest.fixture
def instance_factory() -> Callable[..., Instance]:
    """``make_instance`` as a fixture."""
    return make_instance


# ---------------------------------------------------------------------------------------------
# A tiny but complete data directory, laid out like ../shared/data


LOCATION_HEADER = (
    "PROVINCIE;BEVOEGD GEZAG NUMMER;BRIN NUMMER;VESTIGINGSNUMMER;VESTIGINGSNAAM;STRAATNAAM;"
    "HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;ONDERWIJSSTRUCTUUR"
)
COUNT_HEADER = (
    "BRIN NUMMER;VESTIGINGSNUMMER;INSTELLINGSNAAM VESTIGING;PLAATSNAAM VESTIGING;"
    "PROVINCIE VESTIGING;ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR;VMBO SECTOR;AFDELING;"
    "ELEMENTCODE;OPLEIDINGSNAAM;"
    + ";".join(f"LEER- OF VERBLIJFSJAAR {y} - {s}" for y in range(1, 7) for s in ("MAN", "VROUW"))
)


def _square(lon0: float, lat0: float, size: float = 0.1) -> list:
    return [
        [
            [lon0, lat0],
            [lon0 + size, lat0],
            [lon0 + size, lat0 + size],
            [lon0, lat0 + size],
            [lon0, lat0],
        ]
    ]


def _count_row(code: str, name: str, place: str, otype: str, afdeling: str, lj3: int) -> str:
    counts = ["0"] * 12
    counts[4] = str(lj3)  # leerjaar 3, man
    counts[6] = "1"  # leerjaar 4, man
    return ";".join(
        [
            code[:4],
            code[4:].lstrip("0") or "0",
            name,
            place,
            "Utrecht",
            otype,
            "Techniek",
            afdeling,
            "0001",
            "opl",
            *counts,
        ]
    )


def write_tiny_data(root: Path) -> Path:
    """Write a complete, valid miniature data directory and return it.

    Two square municipalities side by side near Utrecht (5.0-5.2 E, 52.0-52.1 N); three vmbo
    schools: 11AA00 (geocoded, 20+1 PIE pupils), 22BB00 (geocoded, 5+1 BWI), 33CC00 (no point:
    its postcode 3511 gives the location); one havo school; two primary schools; one mbo
    location and one mbo office.
    """
    (root / "duo").mkdir(parents=True)
    for sub in ("cbs", "mbo", "pc4", "sto"):
        (root / sub).mkdir()
    locations = [
        LOCATION_HEADER,
        "Utrecht;100;11AA;11AA00;De Eerste School;Straat;1;3500 AA;WESTDORP;0001;WEST;VBO/MAVO",
        "Utrecht;100;22BB;22BB00;Tweede Schöol;Straat;2;3500 AB;WESTDORP;0001;WEST;VBO",
        "Utrecht;200;33CC;33CC00;Derde School;Straat;3;3511 AC;OOSTDORP;0002;OOST;VBO/MAVO",
        "Utrecht;200;44DD;44DD00;Havo School;Straat;4;3511 AD;OOSTDORP;0002;OOST;HAVO/VWO",
    ]
    (root / "duo/alle-vestigingen-vo-2020.csv").write_bytes(
        ("\n".join(locations) + "\n").encode("latin-1")
    )
    counts = [
        COUNT_HEADER,
        _count_row(
            "11AA00",
            "De Eerste",
            "WESTDORP",
            "VMBO BL lj 3-4",
            "Produceren, installeren en energie",
            20,
        ),
        _count_row("11AA00", "De Eerste", "WESTDORP", "VMBO KL lj 3-4", "Zorg en welzijn", 30),
        _count_row(
            "22BB00", "Tweede", "WESTDORP", "VMBO GL lj 3-4", "Bouwen, wonen en interieur", 5
        ),
        _count_row("33CC00", "Derde", "OOSTDORP", "VMBO KL lj 3-4", "Economie en ondernemen", 40),
        _count_row("33CC00", "Derde", "OOSTDORP", "VMBO TL lj 3-4", "N.v.t.", 60),
        _count_row("44DD00", "Havo", "OOSTDORP", "HAVO lj 4-5", "N.v.t.", 70),
    ]
    (root / "duo/leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv").write_bytes(
        ("\n".join(counts) + "\n").encode("latin-1")
    )

    def point(code: str, kind: str, lon: float, lat: float, pupils: int | None) -> dict:
        return {
            "type": "Feature",
            "properties": {
                "vestigingscode": code,
                "naam": code,
                "type": kind,
                "leerlingen": pupils,
                "postcode": "3500AA",
            },
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }

    geocoded = {
        "type": "FeatureCollection",
        "features": [
            point("11AA00", "VBO/MAVO", 5.03, 52.05, 300),
            point("22BB00", "VBO", 5.06, 52.05, 200),
            point("44DD00", "HAVO/VWO", 5.15, 52.05, 500),
            point("90PO00", "basisschool", 5.02, 52.04, 200),
            point("91PO00", "basisschool", 5.17, 52.06, 250),
        ],
    }
    (root / "duo/scholen-geocoded-2024.geojson").write_text(json.dumps(geocoded))
    gemeenten = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"statcode": "GM0001", "statnaam": "West"},
                "geometry": {"type": "Polygon", "coordinates": _square(5.0, 52.0)},
            },
            {
                "type": "Feature",
                "properties": {"statcode": "GM0002", "statnaam": "Oost"},
                "geometry": {"type": "Polygon", "coordinates": _square(5.1, 52.0)},
            },
        ],
    }
    (root / "cbs/gemeenten-2022.geojson").write_text(json.dumps(gemeenten))
    provincies = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Utrecht"},
                "geometry": {"type": "Polygon", "coordinates": _square(4.9, 51.9, 0.4)},
            },
        ],
    }
    (root / "cbs/provincies.geojson").write_text(json.dumps(provincies))
    (root / "pc4/pc4-centroids-2019.csv").write_text(
        "id,postcode,woonplaats,gemeente,provincie,latitude,longitude\n"
        "1,3500,Westdorp,West,Utrecht,52.05,5.04\n"
        "2,3511,Oostdorp,Oost,Utrecht,52.05,5.16\n",
        encoding="utf-8",
    )
    mbo = [
        {
            "brinvest": "55MB00",
            "name": "Hoofdlocatie",
            "city": "Oostdorp",
            "url": "www.rocx.nl",
            "location_data": {"type": "Point", "coordinates": [5.12, 52.05]},
        },
        {
            "brinvest": "55MB01",
            "name": "Stafdienst",
            "city": "Oostdorp",
            "url": "www.rocx.nl",
            "location_data": {"type": "Point", "coordinates": [5.13, 52.05]},
        },
    ]
    (root / "mbo/mbo-locaties-2025.json").write_text(json.dumps(mbo))
    (root / "sto/actual-regions.csv").write_text(
        "region_id,region_name,registration_no,vestiging_code,school_name_on_page,duo_name,"
        "place,match,completeness,source_url\n"
        "sto-west,Regio West,,11AA00,De Eerste,De Eerste,Westdorp,exact,complete,http://x\n"
        "sto-west,Regio West,,22BB00;33CC00,Tweede,Tweede,Westdorp,ambiguous,partial,http://x\n",
        encoding="utf-8",
    )
    (root / "sto/actual-regions-meta.csv").write_text("region_id,region_name\n", encoding="utf-8")
    return root


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A fresh, valid miniature data directory (see ``write_tiny_data``)."""
    return write_tiny_data(tmp_path / "data")


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real data directory beside the checkout (CI has ../shared there)."""
    assert SHARED_DATA.is_dir(), f"real data expected at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def workspace(real_data: Path):
    """Config, real data, commuting model and graph, loaded once per test session."""
    from regionopt.workspace import open_workspace

    return open_workspace(real_data)


RMC_RULES = Path(__file__).resolve().parent / "rmc-rules.toml"
"""The size rule of the national stand-in plan (large RMC regions): pass as ``--config``."""


@pytest.fixture(scope="session")
def rmc_workspace(workspace):
    """``workspace`` with the size rule of the stand-in plan (``RMC_RULES``)."""
    from regionopt.config import load_config

    return workspace.with_config(load_config(RMC_RULES))


@pytest.fixture(scope="module")
def national(rmc_workspace, tmp_path_factory) -> tuple[Plan, Path]:
    """The stand-in national plan and its ``regions.csv`` (``tests.national.standin_plan``),
    valid under ``RMC_RULES``."""
    from tests.national import standin_plan_csv

    return standin_plan_csv(rmc_workspace, tmp_path_factory.mktemp("national"))
