"""The map's layers, one function each: provinces, regions, reference regions, points."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from regionopt.render.geometry import (
    feature_collection,
    label_points,
    points_4326,
    prepare_polygons,
)
from regionopt.render.style import (
    CHANGE_COLOURS,
    CHANGE_LABELS,
    CLASS_ACTUAL,
    CLASS_AMBIGUOUS,
    CLASS_DIFFERENCE,
    CLASS_LABEL,
    CLASS_MBO,
    CLASS_PROPOSED,
    CLASS_SCHOOL,
    DIFFERENCE_COLOUR,
    HIDE_LABELS,
    LABEL_MIN_ZOOM,
    LABEL_OVERLAP,
    LAYER_LABELS,
    LAYER_MBO,
    LAYER_PROPOSED,
    LAYER_PROVINCES,
    LAYER_SCHOOLS,
    MBO_COLOUR,
    NO_REGION_COLOUR,
    PANE_ACTUAL,
    PANE_POINTS,
    PANE_REGIONS,
    TITLE_ROOM_PX,
)
from regionopt.render.text import as_number, cell, esc
from regionopt.render.tooltips import (
    ambiguous_tooltip,
    mbo_tooltip,
    reference_tooltip,
    region_tooltip,
    school_tooltip,
)

# Binds each feature's pre-escaped tooltip (also as popup, for touch screens) and a hover
# highlight. The HTML in ``properties.tooltip`` was built and escaped in Python. A popup pans
# the map so that it opens clear of the title box.
_ON_EACH_FEATURE = JsCode(
    """function(feature, layer) {
    var p = feature.properties || {};
    if (p.tooltip) {
        layer.bindTooltip(p.tooltip, {sticky: true, className: "regionopt-tooltip"});
        layer.bindPopup(p.tooltip, {maxWidth: 420, className: "regionopt-popup",
            autoPanPaddingTopLeft: """
    + json.dumps(list(TITLE_ROOM_PX))
    + """, autoPanPaddingBottomRight: [20, 20]});
    }
    if (p.hover && layer.setStyle) {
        layer.on("mouseover", function(e) { e.target.setStyle(p.hover); });
        layer.on("mouseout", function(e) { e.target.setStyle(p.style); });
    }
}"""
)


# Points get their own pane (above every polygon pane, also after a layer is toggled).
_POINT_TO_LAYER = JsCode(
    "function(feature, latlng) {\n"
    f'    return L.circleMarker(latlng, Object.assign({{pane: "{PANE_POINTS}"}}, '
    "feature.properties.style));\n}"
)


def _radius(technical: object) -> float:
    """Marker radius in pixels: area grows with the technical pupils."""
    n = as_number(technical) or 0.0
    return float(round(3.0 + np.sqrt(max(n, 0.0)) / 2.2, 1))


def add_provinces(fmap: folium.Map, provinces: gpd.GeoDataFrame, tolerance_m: float) -> None:
    """Province borders: thin grey outlines for orientation, not interactive."""
    prov = prepare_polygons(provinces[[provinces.geometry.name]], tolerance_m=tolerance_m)
    style = {"color": "#777", "weight": 1, "fill": False, "interactive": False}
    folium.GeoJson(
        feature_collection(prov, lambda _r: {"style": style}),
        name=LAYER_PROVINCES,
        interactive=False,
        pane=PANE_REGIONS,
    ).add_to(fmap)


def add_regions(fmap: folium.Map, regions: gpd.GeoDataFrame, colours: Mapping[str, str]) -> None:
    """The main (proposed) regions, filled in their colours."""

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        colour = colours.get(str(rec["region_id"]), NO_REGION_COLOUR)
        style = {"color": "#444", "weight": 1, "fillColor": colour, "fillOpacity": 0.5}
        hover = {**style, "weight": 3, "color": "#000", "fillOpacity": 0.65}
        return {"tooltip": region_tooltip(rec), "style": style, "hover": hover}

    folium.GeoJson(
        feature_collection(regions, props),
        name=LAYER_PROPOSED,
        on_each_feature=_ON_EACH_FEATURE,
        class_name=CLASS_PROPOSED,
        pane=PANE_REGIONS,
    ).add_to(fmap)


DECLUTTER_JS = importlib.resources.files("regionopt.render").joinpath("declutter.js")
"""The script that hides a name overlapping a larger region's (shared with the web app)."""


class _LabelsByZoom(MacroElement):
    """Marks the map's container while zoomed out below ``LABEL_MIN_ZOOM`` (CSS hides the
    region names then), and hides names that would overlap a larger region's."""

    _template = Template(
        """{% macro script(this, kwargs) %}
    {{ this.declutter }}
    (function (map) {
        function labels() {
            var container = map.getContainer();
            container.classList.toggle(
                {{ this.hide|tojson }}, map.getZoom() < {{ this.min_zoom }});
            regionoptDeclutter(container, {{ this.selector|tojson }}, {{ this.overlap|tojson }});
        }
        map.on("zoomend resize overlayadd", labels);
        labels();
    })({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, hide: str, min_zoom: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "LabelsByZoom"
        self.hide = hide
        self.min_zoom = min_zoom
        self.selector = f".{CLASS_LABEL} span"
        self.overlap = LABEL_OVERLAP
        self.declutter = DECLUTTER_JS.read_text(encoding="utf-8")


def add_region_labels(fmap: folium.Map, regions: gpd.GeoDataFrame) -> None:
    """Each region's name, small, inside its largest part; shown from ``LABEL_MIN_ZOOM`` on.

    Plain markers (not tooltips), so hovering a region or school still shows its own
    tooltip; the names let every click through.
    """
    points = label_points(regions)
    group = folium.FeatureGroup(name=LAYER_LABELS, show=True)
    for rec in points.to_dict("records"):
        icon = folium.DivIcon(
            html=f'<span data-rank="{rec["area"]:.6g}">{esc(rec["name"])}</span>',
            icon_size=(0, 0),
            class_name=CLASS_LABEL,
        )
        folium.Marker(
            [rec["lat"], rec["lon"]], icon=icon, interactive=False, keyboard=False
        ).add_to(group)
    group.add_to(fmap)
    _LabelsByZoom(HIDE_LABELS, LABEL_MIN_ZOOM).add_to(fmap)


def add_reference(
    group: folium.FeatureGroup,
    reference: gpd.GeoDataFrame,
    colours: Mapping[str, str],
    *,
    standalone: bool,
) -> None:
    """Reference regions (actual, or the plan before a change): outlines over the main ones.

    ``standalone`` (no main regions): filled, as the map's main layer.
    """

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        partial = bool(cell(rec, "partial", False))
        style: dict[str, Any] = {
            "color": "#111",
            "weight": 2.5,
            "dashArray": "6 5" if partial else None,
        }
        if standalone:
            colour = colours.get(str(rec["region_id"]), NO_REGION_COLOUR)
            style |= {"fillColor": colour, "fillOpacity": 0.5}
        else:
            # Outline only, so the proposed regions beneath stay visible and hoverable.
            style |= {"fill": False}
        return {
            "tooltip": reference_tooltip(rec),
            "style": style,
            "hover": {**style, "weight": 4.5},
        }

    folium.GeoJson(
        feature_collection(reference, props),
        on_each_feature=_ON_EACH_FEATURE,
        class_name=CLASS_ACTUAL,
        pane=PANE_ACTUAL,
    ).add_to(group)


def add_hatch(group: folium.FeatureGroup, reference: gpd.GeoDataFrame) -> None:
    """Hatching over the reference regions flagged ``partial`` (documented in part)."""
    if "partial" not in reference.columns:
        return
    partial_rows = reference[reference["partial"].fillna(False).astype(bool)]
    if not len(partial_rows):
        return
    hatch = {
        "stroke": False,
        "fillColor": "url(#regionopt-hatch)",
        "fillOpacity": 1,
        "interactive": False,
    }
    folium.GeoJson(
        feature_collection(partial_rows[[reference.geometry.name]], lambda _r: {"style": hatch}),
        interactive=False,
        pane=PANE_ACTUAL,
    ).add_to(group)


def add_ambiguous(group: folium.FeatureGroup, ambiguous: pd.DataFrame) -> None:
    """Dashed rings at the candidate locations of ambiguous documented members."""
    style = {
        "radius": 6,
        "color": "#111",
        "weight": 1.5,
        "dashArray": "2 2",
        "fill": True,
        "fillOpacity": 0.0,
        "className": CLASS_AMBIGUOUS,
    }
    folium.GeoJson(
        feature_collection(
            points_4326(ambiguous), lambda rec: {"tooltip": ambiguous_tooltip(rec), "style": style}
        ),
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(group)


def add_schools(
    fmap: folium.Map, points: pd.DataFrame, colours: Mapping[str, str], colour_column: str
) -> None:
    """Every school as a circle in its region's colour, sized by technical pupils."""

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        region = cell(rec, colour_column)
        colour = colours.get(str(region), NO_REGION_COLOUR) if region else NO_REGION_COLOUR
        technical = bool(cell(rec, "has_technical", False))
        style = {
            "radius": _radius(cell(rec, "technical", 0)),
            "color": "#222" if technical else "#777",
            "weight": 1.5 if technical else 1,
            "fill": True,
            "fillColor": colour,
            "fillOpacity": 0.95 if technical else 0.35,
            "className": CLASS_SCHOOL,
        }
        return {"tooltip": school_tooltip(rec), "style": style}

    folium.GeoJson(
        feature_collection(points, props),
        name=LAYER_SCHOOLS,
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(fmap)


def add_differences(fmap: folium.Map, points: pd.DataFrame, label: str) -> int:
    """Rings around the schools flagged ``differs``; coloured by ``change`` when given."""
    differing = points[points["differs"].fillna(False).astype(bool)]

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        kind = cell(rec, "change")
        style = {
            "radius": _radius(cell(rec, "technical", 0)) + 4,
            "color": CHANGE_COLOURS.get(str(kind), DIFFERENCE_COLOUR),
            "weight": 3 if kind else 2.5,
            "fill": False,
            "className": CLASS_DIFFERENCE,
        }
        return {"tooltip": school_tooltip(rec), "style": style}

    folium.GeoJson(
        feature_collection(differing, props),
        name=f"{label} ({len(differing)})",
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(fmap)
    return len(differing)


def add_mbo(fmap: folium.Map, mbo: pd.DataFrame) -> None:
    """Every mbo location as a small dark dot."""
    style = {
        "radius": 4,
        "color": "#ffffff",
        "weight": 1.5,
        "fill": True,
        "fillColor": MBO_COLOUR,
        "fillOpacity": 1,
        "className": CLASS_MBO,
    }
    folium.GeoJson(
        feature_collection(
            points_4326(mbo), lambda rec: {"tooltip": mbo_tooltip(rec), "style": style}
        ),
        name=LAYER_MBO,
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
        show=True,
    ).add_to(fmap)


def change_kinds(schools: pd.DataFrame | None) -> list[str]:
    """The change kinds present among the flagged schools, in ``CHANGE_LABELS`` order."""
    if schools is None or "change" not in schools.columns:
        return []
    present = set(schools["change"].dropna().astype(str)) - {""}
    return [k for k in CHANGE_LABELS if k in present]
