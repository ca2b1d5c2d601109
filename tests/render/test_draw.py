"""Drawing a map: named layers, classed regions, rings for what-if changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from regionopt.render import (
    CLASS_PROPOSED,
    LAYER_ACTUAL,
    LAYER_DIFFERENCES,
    LAYER_MBO,
    LAYER_PROPOSED,
    LAYER_SCHOOLS,
    LAYER_TILES,
    render_map,
    write_map,
)
from tests.render.maps import grid_regions, in_page, school_frame, tiny_map_html


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


def test_regions_are_named_on_the_map_from_zoom_nine(tmp_path: Path) -> None:
    from regionopt.render import CLASS_LABEL, LABEL_MIN_ZOOM, LAYER_LABELS

    page, fmap = tiny_map_html(tmp_path)
    names = {getattr(c, "layer_name", None) for c in fmap._children.values()}
    assert LAYER_LABELS in names
    # One name per region (escaped), in a plain marker that lets clicks through.
    assert page.count(f'"className": "{CLASS_LABEL}"') == 9
    shown = [json.loads(m) for m in re.findall(r'"html": ("(?:[^"\\]|\\.)*")', page)]
    names = [re.sub(r"<[^>]*>", "", html) for html in shown]
    assert "Regio R5" in names
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names  # escaped
    # Each name carries its region's area: the larger region's name stays where names overlap.
    ranks = [float(m) for html in shown for m in re.findall(r'data-rank="([^"]+)"', html)]
    assert len(ranks) == 9 and all(r > 0 for r in ranks)
    assert f"map.getZoom() < {LABEL_MIN_ZOOM}" in page and '"interactive": false' in page
    assert "regionoptDeclutter(container" in page


def test_first_view_fills_the_window_and_popups_keep_clear_of_the_title(tmp_path: Path) -> None:
    from regionopt.render import TITLE_ROOM_PX

    page, _ = tiny_map_html(tmp_path)
    assert '"zoomSnap": 0.25' in page  # fractional zoom: the regions fill the window
    room = json.dumps(list(TITLE_ROOM_PX))
    # The first view starts below the title, when the map has room for it (a map in a frame
    # not laid out yet has none: padding would make Leaflet's zoom NaN).
    assert f"paddingTopLeft: {room}" in page and "var room = size.x >" in page
    assert f"autoPanPaddingTopLeft: {room}" in page  # so does an opened popup
