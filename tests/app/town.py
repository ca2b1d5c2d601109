"""A small town of nine schools for the web app's tests: data directory and a valid plan.

Three square gemeenten side by side (West, Midden, Oost), three vmbo schools in each with 81
technical pupils (PIE), primary schools on a grid as commuting origins and one mbo location in
the middle. The plan puts each gemeente's schools in one region (243 technical pupils each,
valid under the default rules); moving West's eastern school 13AA00 to Midden leaves West
with 162 technical pupils, under the minimum of 200.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import COUNT_HEADER, LOCATION_HEADER

GEMEENTEN = (("GM0001", "West", 5.0), ("GM0002", "Midden", 5.1), ("GM0003", "Oost", 5.2))
SCHOOLS = (
    # code, name, lon, lat, gemeente index
    ("11AA00", "Westpoort College", 5.02, 52.03, 0),
    ("12AA00", "De Brug", 5.05, 52.07, 0),
    ("13AA00", "Het Kanaal", 5.08, 52.04, 0),
    ("21BB00", "Middenhof", 5.12, 52.06, 1),
    ("22BB00", "Stadslyceum vmbo", 5.15, 52.03, 1),
    ("23BB00", "De Molen", 5.18, 52.07, 1),
    ("31CC00", "Oosterlicht", 5.22, 52.04, 2),
    ("32CC00", "Het Veld", 5.25, 52.07, 2),
    ("33CC00", "Grensland College", 5.28, 52.03, 2),
)
PLAN = {code: ("west", "midden", "oost")[g] for code, _, _, _, g in SCHOOLS}
OUTSIDER = ("44VS00", "De Horizon")
"""A vso school in Midden that takes no part under the default settings."""
MOVE_BREAKS = ("13AA00", "midden")
"""A move that breaks the size rule in West (162 technical pupils left)."""
EVIL = "<script>alert('xss')</script><img src=x onerror=alert(2)>"


def _square(lon0: float, lat0: float, size: float = 0.1) -> list:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size]]
    return [[*ring, ring[0]]]


def _polygon(lon0: float, lat0: float, size: float = 0.1) -> dict:
    return {"type": "Polygon", "coordinates": _square(lon0, lat0, size)}


def _count_row(code: str, name: str, place: str, lj3: int) -> str:
    counts = ["0"] * 12
    counts[4], counts[6] = str(lj3), "1"  # leerjaar 3 and 4, man
    afdeling = "Produceren, installeren en energie"
    fields = [code[:4], code[4:].lstrip("0") or "0", name, place, "Utrecht", "VMBO BL lj 3-4"]
    return ";".join([*fields, "Techniek", afdeling, "0001", "opl", *counts])


def _feature(props: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _point(code: str, kind: str, lon: float, lat: float, pupils: int, name: str = "") -> dict:
    props = {"vestigingscode": code, "naam": name or code, "type": kind, "leerlingen": pupils,
             "postcode": "3500AA"}  # fmt: skip
    return _feature(props, {"type": "Point", "coordinates": [lon, lat]})


def write_town_data(root: Path, *, names: dict[str, str] | None = None) -> Path:
    """Write the town's data directory (laid out like ../shared/data) and return it.

    ``names`` overrides school names by code (e.g. a hostile one).
    """
    names = names or {}
    for sub in ("duo", "cbs", "mbo", "pc4", "sto"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    locations, counts, points = [LOCATION_HEADER], [COUNT_HEADER], []
    for code, name, lon, lat, g in SCHOOLS:
        gm, place, _ = GEMEENTEN[g]
        name = names.get(code, name)
        locations.append(
            f"Utrecht;{100 + g};{code[:4]};{code};{name};Straat;1;3500 AA;{place.upper()};"
            f"{gm[2:]};{place.upper()};VBO"
        )
        counts.append(_count_row(code, name, place.upper(), 80))
        points.append(_point(code, "VBO", lon, lat, 400))
    points.append(_point(OUTSIDER[0], "VSO", 5.16, 52.05, 120, name=OUTSIDER[1]))
    for i in range(12):
        for j in range(4):
            lon, lat = 5.0125 + 0.025 * i, 52.0125 + 0.025 * j
            points.append(_point(f"{90 + j}P{i:02d}0", "basisschool", lon, lat, 200))
    (root / "duo/alle-vestigingen-vo-2020.csv").write_bytes(
        ("\n".join(locations) + "\n").encode("latin-1", errors="replace")
    )
    (root / "duo/leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv").write_bytes(
        ("\n".join(counts) + "\n").encode("latin-1", errors="replace")
    )
    geo = {"type": "FeatureCollection", "features": points}
    (root / "duo/scholen-geocoded-2024.geojson").write_text(json.dumps(geo))
    gemeenten = [
        _feature({"statcode": gm, "statnaam": name}, _polygon(lon, 52.0))
        for gm, name, lon in GEMEENTEN
    ]
    (root / "cbs/gemeenten-2022.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": gemeenten})
    )
    province = _feature({"name": "Utrecht"}, _polygon(4.9, 51.9, 0.5))
    (root / "cbs/provincies.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [province]})
    )
    (root / "pc4/pc4-centroids-2019.csv").write_text(
        "id,postcode,woonplaats,gemeente,provincie,latitude,longitude\n"
        "1,3500,West,West,Utrecht,52.05,5.04\n",
        encoding="utf-8",
    )
    mbo = [{"brinvest": "55MB00", "name": "Hoofdlocatie", "city": "Midden", "url": "www.rocx.nl",
            "location_data": {"type": "Point", "coordinates": [5.15, 52.05]}}]  # fmt: skip
    (root / "mbo/mbo-locaties-2025.json").write_text(json.dumps(mbo))
    (root / "sto/actual-regions.csv").write_text(
        "region_id,region_name,registration_no,vestiging_code,school_name_on_page,duo_name,"
        "place,match,completeness,source_url\n"
        "sto-west,Regio West,,11AA00,A,A,West,exact,complete,http://x\n"
        "sto-west,Regio West,,12AA00,B,B,West,exact,complete,http://x\n"
        "sto-oost,Regio Oost,,31CC00,C,C,Oost,exact,partial,http://x\n",
        encoding="utf-8",
    )
    (root / "sto/actual-regions-meta.csv").write_text("region_id,region_name\n", encoding="utf-8")
    return root


def write_town_plan(path: Path) -> Path:
    """The town's valid plan as a CSV (``vestiging_code,region_id``)."""
    lines = ["vestiging_code,region_id", *(f"{c},{r}" for c, r in PLAN.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
