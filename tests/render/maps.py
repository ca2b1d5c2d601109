"""Tiny maps of the renderer's tests: a grid of square regions, hostile school names."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Transformer

from regionopt.instance import PROFILES
from regionopt.render import render_map, write_map

RD_NEW = "EPSG:28992"
TO_WGS84 = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True)
EVIL = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(1)>"
X0, Y0, SIDE = 140_000.0, 440_000.0, 10_000.0


def grid_regions(n: int = 3) -> gpd.GeoDataFrame:
    """An n x n grid of 10 km squares in RD New, region ids R1..R(n*n), row by row."""
    ids, geoms = [], []
    for row in range(n):
        for col in range(n):
            ids.append(f"R{row * n + col + 1}")
            x, y = X0 + col * SIDE, Y0 + row * SIDE
            geoms.append(shapely.box(x, y, x + SIDE, y + SIDE))
    return gpd.GeoDataFrame({"region_id": ids}, geometry=geoms, crs=RD_NEW)


def school_frame(regions: gpd.GeoDataFrame) -> pd.DataFrame:
    """One school at the centre of each region; the first one has a hostile name."""
    rows = []
    for i, (rid, geom) in enumerate(zip(regions["region_id"], regions.geometry, strict=True)):
        c = geom.centroid
        lon, lat = TO_WGS84.transform(c.x, c.y)
        rows.append(
            {
                "code": f"{i:02d}AA00",
                "name": EVIL if i == 0 else f"School {i}",
                "place": EVIL_IMG if i == 0 else "Testdorp",
                "lon": lon,
                "lat": lat,
                "region_id": rid,
                "region_name": f"Regio {rid}",
                **{p: 3 for p in PROFILES},
                "technical": 15,
                "beroepsgericht": 60,
                "has_technical": True,
                "actual_region_id": rid,
                "actual_region_name": f"Regio {rid}",
                "differs": i == 4,
                "difference": "Verschil" if i == 4 else "",
            }
        )
    return pd.DataFrame(rows)


def tiny_map_html(tmp_path: Path, *, title: str = "Testkaart") -> tuple[str, object]:
    regions = grid_regions()
    regions["name"] = [EVIL if r == "R1" else f"Regio {r}" for r in regions["region_id"]]
    regions["n_schools"] = 1
    regions["technical"] = 15
    actual = regions[["region_id", "geometry"]].iloc[:4].copy()
    actual["name"] = "Huidig"
    actual["partial"] = [True, False, True, False]
    mbo = pd.DataFrame([{"name": EVIL, "city": "Oost", "lon": 5.1, "lat": 52.0}])
    fmap = render_map(
        regions=regions,
        actual=actual,
        schools=school_frame(regions),
        mbo=mbo,
        title=title,
        subtitle=f"data {EVIL_IMG}",
    )
    out = tmp_path / "tiny.html"
    write_map(fmap, out)
    return out.read_text(encoding="utf-8"), fmap


def in_page(text: str, page: str) -> bool:
    """True when ``text`` is on the page as is, or JSON-escaped inside a script."""
    return text in page or json.dumps(text)[1:-1] in page
