"""Geometry for the page: region adjacency and colouring, simplified polygons."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from regionopt.render import (
    PALETTE,
    colour_regions,
    prepare_polygons,
    region_adjacency,
)
from tests.render.maps import RD_NEW, X0, Y0, grid_regions


def test_region_adjacency_counts_edges_and_corners() -> None:
    adjacency = region_adjacency(grid_regions())
    assert adjacency["R5"] == {f"R{i}" for i in range(1, 10)} - {"R5"}
    assert adjacency["R1"] == {"R2", "R4", "R5"}


def test_colour_regions_gives_neighbours_different_colours() -> None:
    adjacency = region_adjacency(grid_regions(4))
    colours = colour_regions(adjacency)
    assert set(colours) == set(adjacency)
    for region, neighbours in adjacency.items():
        for other in neighbours:
            assert colours[region] != colours[other], (region, other)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=80),
)
def test_colouring_is_proper_when_degree_is_below_palette(
    n: int, edges: list[tuple[int, int]]
) -> None:
    adjacency: dict[str, set[str]] = {f"R{i}": set() for i in range(n)}
    for a, b in edges:
        a, b = a % n, b % n
        if a == b:
            continue
        ra, rb = f"R{a}", f"R{b}"
        # Keep every degree below the palette size, where a proper colouring is guaranteed.
        if len(adjacency[ra]) >= len(PALETTE) - 1 or len(adjacency[rb]) >= len(PALETTE) - 1:
            continue
        adjacency[ra].add(rb)
        adjacency[rb].add(ra)
    colours = colour_regions(adjacency)
    assert colours == colour_regions(adjacency)  # deterministic
    for region, neighbours in adjacency.items():
        assert all(colours[region] != colours[o] for o in neighbours)


def wiggly_pair() -> gpd.GeoDataFrame:
    """Two regions sharing a border with 20,000 one-metre wiggles (a detailed coastline)."""
    ys = np.linspace(Y0, Y0 + 50_000, 20_000)
    xs = X0 + 20_000 + np.sin(ys / 3.0) * 1.0 + np.sin(ys / 4000.0) * 3_000
    border = list(zip(xs, ys, strict=True))
    west = shapely.Polygon([(X0, Y0), *border, (X0, Y0 + 50_000)])
    east = shapely.Polygon([*border, (X0 + 40_000, Y0 + 50_000), (X0 + 40_000, Y0)])
    return gpd.GeoDataFrame({"region_id": ["W", "E"]}, geometry=[west, east], crs=RD_NEW)


def test_prepare_polygons_shrinks_and_keeps_shared_borders() -> None:
    pair = wiggly_pair()
    before = int(shapely.get_num_coordinates(pair.geometry.values).sum())
    out = prepare_polygons(pair, tolerance_m=150)
    after = int(shapely.get_num_coordinates(out.geometry.values).sum())
    assert out.crs.to_epsg() == 4326
    assert after < before / 50
    assert region_adjacency(out)["W"] == {"E"}
    # Coverage simplification keeps the border shared: no overlap, no gap worth a hectare.
    back = out.to_crs(RD_NEW).geometry.values
    assert back[0].intersection(back[1]).area < 1e4
    union_area = shapely.union_all(back).area
    assert abs(union_area - pair.geometry.area.sum()) / pair.geometry.area.sum() < 0.01
    coords = shapely.get_coordinates(out.geometry.values)
    assert np.allclose(coords, np.round(coords, 5))
