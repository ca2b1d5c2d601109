"""A small world for the map tests: four schools in two gemeenten of a grid of squares."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from regionopt.instance import Instance, MboLocation, Municipality, PupilCounts, School
from regionopt.load import Geography
from tests.render.maps import RD_NEW, X0, Y0, grid_regions

TO_WGS84 = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True)


def world_school(i: int, code: str, gemeente: str, x_km: float, technical: int) -> School:
    """A school ``x_km`` east of the grid's corner, with ``technical`` PIE pupils."""
    x, y = X0 + x_km * 1000, Y0 + 5000
    lon, lat = TO_WGS84.transform(x, y)
    return School(
        id=i,
        code=code,
        name=f"School {code}",
        bestuur="1",
        place="Westdorp" if gemeente == "GM0001" else "Oostdorp",
        gemeente=gemeente,
        kind="vmbo",
        x=x,
        y=y,
        lon=lon,
        lat=lat,
        geocode="address",
        pupils=PupilCounts(beroepsgericht=100, BWI=technical),
        technical_pupils=technical,
    )


def small_world() -> tuple[Instance, Geography]:
    """Four schools in two 10 km gemeenten side by side (three in the west), one mbo."""
    schools = (
        world_school(0, "01AA00", "GM0001", 2, 10),
        world_school(1, "02AA00", "GM0001", 4, 0),
        world_school(2, "03AA00", "GM0002", 12, 30),
        world_school(3, "04AA00", "GM0001", 8, 5),
    )
    mbo = (
        MboLocation(
            id=0,
            code="55MB00",
            name="ROC",
            institution="55MB",
            institution_name="ROC Test",
            city="Westdorp",
            x=X0 + 3000,
            y=Y0 + 5000,
            lon=5.0,
            lat=52.0,
        ),
    )
    gemeenten = gpd.GeoDataFrame(
        {"code": ["GM0001", "GM0002"], "name": ["West", "Oost"], "province": ["U", "U"]},
        geometry=[grid_regions(2).geometry[0], grid_regions(2).geometry[1]],
        crs=RD_NEW,
    )
    municipalities = (
        Municipality(0, "GM0001", "West", "U"),
        Municipality(1, "GM0002", "Oost", "U"),
    )
    geography = Geography(
        gemeenten=gemeenten,
        provincies=gemeenten[["geometry"]],
        origins_xy=np.zeros((0, 2)),
        origins_pupils=np.zeros(0),
        origins_gemeente=np.zeros(0, dtype=int),
    )
    return Instance(schools=schools, mbo=mbo, municipalities=municipalities), geography
