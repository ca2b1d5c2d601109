"""The map renderer: escaping, no external resources, layers, colouring, geometry size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.instance import PROFILES
from regionopt.render import (
    CLASS_PROPOSED,
    LAYER_ACTUAL,
    LAYER_DIFFERENCES,
    LAYER_MBO,
    LAYER_PROPOSED,
    LAYER_SCHOOLS,
    LAYER_TILES,
    PALETTE,
    colour_regions,
    external_resources,
    prepare_polygons,
    region_adjacency,
    render_map,
    write_map,
)

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


# --------------------------------------------------------------------------------------------
# Colouring


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


# --------------------------------------------------------------------------------------------
# Geometry size


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


# --------------------------------------------------------------------------------------------
# The page


def test_every_data_text_is_escaped(tmp_path: Path) -> None:
    page, _ = tiny_map_html(tmp_path, title=f"Titel {EVIL}")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    # The escaped text is there (as HTML entities, possibly JSON-escaped in a script).
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("\\u0026", "&")
    assert "<title>Titel &lt;script&gt;" in page


def test_page_links_nothing_external(tmp_path: Path) -> None:
    page, _ = tiny_map_html(tmp_path)
    assert external_resources(page) == []
    assert not re.search(r"<script[^>]*\ssrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page, re.IGNORECASE)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page
    assert "Leaflet 1.9.4" in page  # inlined from the django-js-lib-leaflet package
    assert "images/layers.png" not in page  # CSS images became data: URIs


def test_external_resources_finds_cdn_links() -> None:
    page = '<script src="https://cdn.x/l.js"></script><link rel=stylesheet href=//cdn.x/a.css>'
    assert len(external_resources(page)) == 2
    assert external_resources("<script>var u = 'https://tile.x/{z}.png';</script>") == []


def test_layers_are_named_and_regions_classed(tmp_path: Path) -> None:
    page, fmap = tiny_map_html(tmp_path)
    names = {getattr(c, "layer_name", None) for c in fmap._children.values()}
    expected = {
        LAYER_PROPOSED,
        LAYER_ACTUAL,
        LAYER_SCHOOLS,
        LAYER_MBO,
        LAYER_TILES,
        f"{LAYER_DIFFERENCES} (1)",
    }
    assert expected <= names
    assert f'"className": "{CLASS_PROPOSED}"' in page
    assert "url(#regionopt-hatch)" in page  # partial actual regions are hatched
    assert page.count('"tooltip":') >= 9 + 4 + 9 + 1


def test_render_map_requires_some_regions() -> None:
    with pytest.raises(ValueError, match="needs proposed regions"):
        render_map(regions=None, actual=None, title="x")
    with pytest.raises(ValueError, match="region_id"):
        render_map(regions=grid_regions().rename(columns={"region_id": "id"}), title="x")


# --------------------------------------------------------------------------------------------
# The command


def test_map_command_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "kaart.html"
    out.write_text("keep me")
    result = CliRunner().invoke(app, ["map", "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text() == "keep me"


def test_map_command_writes_tiny_map(tmp_path: Path, tiny_data: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n33CC00,R2\n")
    out = tmp_path / "maps" / "plan.html"
    result = CliRunner().invoke(
        app, ["map", "--plan", str(plan), "--out", str(out), "--data", str(tiny_data)]
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output.replace("\n", "") and "MB" in result.output
    page = out.read_text(encoding="utf-8")
    assert external_resources(page) == []
    assert page.count(f'"className": "{CLASS_PROPOSED}"') == 1
    again = CliRunner().invoke(
        app, ["map", "--plan", str(plan), "--out", str(out), "--data", str(tiny_data), "--force"]
    )
    assert again.exit_code == 0, again.output


def test_map_command_without_plan_maps_actual_regions(tmp_path: Path, tiny_data: Path) -> None:
    out = tmp_path / "actual.html"
    args = ["map", "--out", str(out), "--data", str(tiny_data)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert CLASS_PROPOSED not in page and '"className": "regionopt-actual"' in page
    assert "Regio West" in page
    # --actual reads another file laid out like sto/actual-regions.csv.
    other = tmp_path / "other.csv"
    other.write_text(
        (tiny_data / "sto/actual-regions.csv").read_text().replace("Regio West", "Regio Anders")
    )
    again = CliRunner().invoke(app, [*args, "--force", "--actual", str(other)])
    assert again.exit_code == 0, again.output
    assert "Regio Anders" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, [*args, "--force", "--actual", str(tmp_path / "no.csv")])
    assert missing.exit_code == 2 and "not found" in missing.output


# --------------------------------------------------------------------------------------------
# The national map


@pytest.mark.realdata
def test_national_map_is_under_five_megabytes(tmp_path: Path, real_data: Path) -> None:
    from regionopt.load import load_all
    from tests.national import rmc_plan

    loaded = load_all(real_data)
    plan = rmc_plan(loaded.instance, real_data)
    from regionopt.mapdata import write_plan_map

    result = write_plan_map(loaded, plan, tmp_path / "national.html")
    assert result.size_bytes < 5_000_000
    assert result.n_regions == len(plan.regions)
    assert external_resources((tmp_path / "national.html").read_text(encoding="utf-8")) == []


def test_whatif_changes_are_ringed_in_their_colours_and_named(tmp_path: Path) -> None:
    from regionopt.render import CHANGE_COLOURS, CHANGE_LABELS, LAYER_BEFORE, LAYER_CHANGES

    regions = grid_regions(2)
    schools = school_frame(regions)
    schools["differs"] = [True, True, False, False]
    schools["change"] = ["left", "repaired", "", ""]
    schools["difference"] = ["Stapt uit", "Verhuist (reparatie)", "", ""]
    schools["actual_label"] = "Vóór de wijziging"
    before = regions[["region_id", "geometry"]].copy()
    before["name"] = "Vóór"
    fmap = render_map(
        regions=regions,
        actual=before,
        schools=schools,
        title="What-if",
        reference_label=LAYER_BEFORE,
        differences_label=LAYER_CHANGES,
    )
    path = tmp_path / "whatif.html"
    write_map(fmap, path)
    page = path.read_text(encoding="utf-8")
    names = {getattr(c, "layer_name", None) for c in fmap._children.values()}
    assert {LAYER_BEFORE, f"{LAYER_CHANGES} (2)"} <= names
    assert LAYER_ACTUAL not in names and f"{LAYER_DIFFERENCES} (2)" not in names
    for kind in ("left", "repaired"):
        assert CHANGE_COLOURS[kind] in page and CHANGE_LABELS[kind] in page
    assert CHANGE_LABELS["joined"] not in page  # the legend lists only kinds present
    assert in_page("Vóór de wijziging", page)


def in_page(text: str, page: str) -> bool:
    """True when ``text`` is on the page as is, or JSON-escaped inside a script."""
    return text in page or json.dumps(text)[1:-1] in page
