"""GeoJSON: the declared CRS honoured, unknown CRSs and bad coordinates refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.load import FILES, load_all
from tests.helpers import edit_json, map_fails, to_rd_new


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


def test_nan_school_coordinates(tiny_data: Path, tmp_path: Path) -> None:
    def nan(data: dict) -> None:
        data["features"][1]["geometry"]["coordinates"] = [float("nan"), 52.05]

    edit_json(tiny_data / FILES["geocoded"], nan)
    map_fails(tiny_data, tmp_path, "scholen-geocoded-2024.geojson", "feature 1", "not a finite")


def test_binary_geojson(tiny_data: Path, tmp_path: Path) -> None:
    (tiny_data / FILES["provincies"]).write_bytes(bytes(range(256)) * 4)
    map_fails(tiny_data, tmp_path, "provincies.geojson", "not valid GeoJSON")
