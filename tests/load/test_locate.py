"""Where each school is: address, postcode or place; its municipality."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from regionopt.load import FILES, load_all


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
