"""Self-contained HTML maps (folium/Leaflet) of proposed and actual regions.

The renderer draws, it never decides: every figure, flag, name and difference it shows arrives
in the frames passed to ``render_map`` (or a ``MapLayers``). ``regionopt.mapdata`` gathers
those frames from a plan (territories, per-region figures and money, names, differences);
``map``, ``whatif`` and ``propose`` call it. ``render_map`` adds one layer per function.

Self-contained means: Leaflet's JavaScript and CSS (from the PyPI package
``django-js-lib-leaflet``, never from a CDN) are inlined into the HTML, no other script or
stylesheet is linked, and the region layers draw with no network at all. Background tiles
are an optional overlay, off by default, that simply stays blank offline.

Every text that comes from data is HTML-escaped here, in Python, before it reaches the page.
"""

from __future__ import annotations

import base64
import html
import importlib.resources
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium.utilities import JsCode

from regionopt.crs import RD_NEW, WGS84
from regionopt.instance import PROFILES

DEFAULT_TOLERANCE_M = 150.0
"""Simplification tolerance in RD New metres: invisible at national zoom, keeps maps < 5 MB."""
COORD_DECIMALS = 5
"""Decimals kept in lon/lat (1e-5 degree is about 1 m)."""

LAYER_PROPOSED = "Voorgestelde regio's"
LAYER_ACTUAL = "Huidige regio's (gedocumenteerd)"
LAYER_SCHOOLS = "Scholen (vmbo-vestigingen)"
LAYER_MBO = "Mbo-locaties"
LAYER_DIFFERENCES = "Verschillen voorstel / huidig"
LAYER_BEFORE = "Regio's vóór de wijziging"
LAYER_CHANGES = "Gewijzigde scholen"
LAYER_PROVINCES = "Provinciegrenzen"
LAYER_TILES = "Achtergrondkaart OpenStreetMap (alleen online)"

CLASS_PROPOSED = "regionopt-proposed"
"""CSS class of every proposed-region polygon (one SVG path per region)."""
CLASS_ACTUAL = "regionopt-actual"
CLASS_SCHOOL = "regionopt-school"
CLASS_MBO = "regionopt-mbo"
CLASS_DIFFERENCE = "regionopt-difference"
CLASS_AMBIGUOUS = "regionopt-ambiguous"

PANE_REGIONS, PANE_ACTUAL, PANE_POINTS = "regionopt-regions", "regionopt-actual", "regionopt-points"

PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#a0cbe8",
    "#8cd17d",
    "#ffbe7d",
    "#d4a6c8",
)
"""Region fill colours (no strong red: red marks differences)."""
NO_REGION_COLOUR = "#bdbdbd"
DIFFERENCE_COLOUR = "#d7191c"
MBO_COLOUR = "#222222"
CHANGE_LABELS: Mapping[str, str] = {
    "left": "school stapt uit",
    "joined": "school sluit aan",
    "moved": "school verhuist (gevraagd)",
    "repaired": "school verhuist (reparatie)",
}
"""What-if change kind of a school -> legend text."""
CHANGE_COLOURS: Mapping[str, str] = {
    "left": "#d7191c",
    "joined": "#1a9641",
    "moved": "#7b3294",
    "repaired": "#e66101",
}
NL_BOUNDS = (3.3, 50.7, 7.3, 53.6)
"""lon/lat box of the European Netherlands: the view when nothing has a position."""

PROFILE_LABELS: Mapping[str, str] = {
    "BWI": "BWI",
    "PIE": "PIE",
    "MT": "M&T",
    "MaT": "MaT",
    "MVI": "MVI",
}
"""Profile key -> how Dutch users write it."""

MAX_LISTED_PARTNERS = 6
"""A tooltip lists at most this many mbo partners, then says how many more there are."""

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

# Binds each feature's pre-escaped tooltip (also as popup, for touch screens) and a hover
# highlight. The HTML in ``properties.tooltip`` was built and escaped in Python.
_ON_EACH_FEATURE = JsCode(
    """function(feature, layer) {
    var p = feature.properties || {};
    if (p.tooltip) {
        layer.bindTooltip(p.tooltip, {sticky: true, className: "regionopt-tooltip"});
        layer.bindPopup(p.tooltip, {maxWidth: 420});
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

_CSS = """
body, .leaflet-container { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
.leaflet-container { background: #eef2f5; font-size: 13px; line-height: 1.35; }
.leaflet-control-layers { font-size: 12.5px; }
.regionopt-title { position: absolute; top: 10px; left: 60px; right: 350px; z-index: 1000;
  background: rgba(255,255,255,.92); padding: 6px 12px; border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); pointer-events: none; }
.regionopt-title h1 { font-size: 17px; margin: 0 0 2px 0; }
.regionopt-title p { font-size: 12px; margin: 0; color: #444; }
.regionopt-legend { position: absolute; bottom: 50px; left: 10px; z-index: 1000;
  background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); font-size: 12px; max-width: 300px; }
.regionopt-legend h2 { font-size: 13px; margin: 0 0 4px 0; }
.regionopt-legend div { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.regionopt-legend svg { flex: none; }
.regionopt-tooltip { font-size: 12.5px; white-space: normal; width: max-content;
  max-width: 380px; }
.regionopt-tooltip table { border-collapse: collapse; font-size: inherit; }
.regionopt-tooltip th { text-align: left; font-weight: normal; color: #555; padding: 0 8px 0 0;
  white-space: nowrap; vertical-align: top; }
.regionopt-tooltip td { text-align: right; vertical-align: top; }
.regionopt-tooltip .ro-note { color: #a00; max-width: 300px; white-space: normal; }
"""

# A hatch pattern that partial actual regions use as their fill (SVG ``url(#...)``).
_HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="regionopt-hatch" patternUnits="userSpaceOnUse" width="9" height="9" '
    'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="9" stroke="#333" '
    'stroke-width="2.2" stroke-opacity="0.55"/></pattern></defs></svg>'
)


# --------------------------------------------------------------------------------------------
# Small helpers


def _e(value: object) -> str:
    """HTML-escape any value for the page (``None`` and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _number(value: object) -> float | None:
    """A figure as a float; ``None`` for a missing value, NaN or anything not a number."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _int(value: object) -> str:
    """A whole number in Dutch notation (``12.345``), or ``onbekend``."""
    number = _number(value)
    return "onbekend" if number is None else f"{int(number):,}".replace(",", ".")


def _euro(value: object) -> str:
    number = _number(value)
    return "onbekend" if number is None else "€ " + f"{round(number):,}".replace(",", ".")


def _yes_no(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "onbekend"
    return "ja" if bool(value) else "nee"


def _get(row: Mapping[str, Any], key: str, default: object = None) -> object:
    value = row.get(key, default)
    if isinstance(value, float) and np.isnan(value):
        return default
    return value


def _rows_html(rows: Iterable[tuple[str, str]]) -> str:
    """Table rows; labels are ours, values must already be escaped."""
    return "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)


def _profile_rows(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [(f"&nbsp;&nbsp;{_e(PROFILE_LABELS[p])}", _int(_get(row, p))) for p in PROFILES]
    return rows


# --------------------------------------------------------------------------------------------
# Geometry


def prepare_polygons(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """Simplify polygons in RD New, reproject to EPSG:4326 and round the coordinates.

    Topology-preserving: when the polygons form a valid coverage (no overlaps, matching
    edges, as dissolved territories do), ``shapely.coverage_simplify`` keeps shared borders
    shared; otherwise each polygon is simplified on its own with ``preserve_topology``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons with a CRS (RD New or anything pyproj knows).
    tolerance_m : float
        Simplification tolerance in metres (0 disables simplification).

    Returns
    -------
    GeoDataFrame
        Same rows and columns in EPSG:4326; empty geometries are dropped.
    """
    if gdf.crs is None:
        raise ValueError("polygons need a CRS (RD New EPSG:28992 or EPSG:4326)")
    out = gdf.to_crs(RD_NEW) if gdf.crs != RD_NEW else gdf.copy()
    geoms = shapely.make_valid(out.geometry.values)
    if tolerance_m > 0 and len(geoms):
        try:
            valid_coverage = bool(shapely.coverage_is_valid(geoms))
        except shapely.errors.GEOSException:
            valid_coverage = False
        if valid_coverage:
            geoms = shapely.coverage_simplify(geoms, tolerance_m, simplify_boundary=True)
        else:
            geoms = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    out = gpd.GeoDataFrame(out.drop(columns="geometry"), geometry=list(geoms), crs=RD_NEW)
    out = out.to_crs(WGS84)
    rounded = shapely.transform(
        out.geometry.values, lambda coords: np.round(coords, COORD_DECIMALS)
    )
    out["geometry"] = rounded
    return out[~out.geometry.is_empty & out.geometry.notna()]


def region_adjacency(gdf: gpd.GeoDataFrame, *, id_column: str = "region_id") -> dict[str, set[str]]:
    """Region id -> ids of the regions it touches (also at a corner).

    Works in the frame's CRS: a metre of slack in a projected CRS, about a metre in degrees.
    """
    ids = gdf[id_column].astype(str).tolist()
    slack = 1e-5 if (gdf.crs is not None and gdf.crs.is_geographic) else 1.0
    left, right = gdf.sindex.query(gdf.geometry.values, predicate="dwithin", distance=slack)
    neighbours: dict[str, set[str]] = {r: set() for r in ids}
    for i, j in zip(left, right, strict=True):
        if ids[i] != ids[j]:
            neighbours[ids[i]].add(ids[j])
            neighbours[ids[j]].add(ids[i])
    return neighbours


def colour_regions(
    adjacency: Mapping[str, Iterable[str]], palette: Sequence[str] = PALETTE
) -> dict[str, str]:
    """Greedy graph colouring: neighbouring regions never share a colour.

    Regions are coloured most-connected first; each takes, among the colours its coloured
    neighbours do not use, the least used so far (so the palette is spread evenly). Only when
    a region has ``len(palette)`` or more coloured neighbours does a colour repeat.
    Deterministic for a given adjacency.
    """
    order = sorted(adjacency, key=lambda r: (-len(set(adjacency[r])), r))
    used: Counter[int] = Counter()
    colour_of: dict[str, int] = {}
    for region in order:
        taken = {colour_of[n] for n in adjacency[region] if n in colour_of}
        free = [c for c in range(len(palette)) if c not in taken] or list(range(len(palette)))
        pick = min(free, key=lambda c: (used[c], c))
        colour_of[region] = pick
        used[pick] += 1
    return {r: palette[c] for r, c in colour_of.items()}


def _feature_collection(
    gdf: gpd.GeoDataFrame | pd.DataFrame,
    properties: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection; points come from ``lon``/``lat`` when there is no geometry."""
    features = []
    has_geometry = isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.name in gdf.columns
    for _, row in gdf.iterrows():
        rec = row.to_dict()
        if has_geometry:
            geom = rec.pop(gdf.geometry.name)
            geometry = shapely.geometry.mapping(geom)
        else:
            lon = round(float(rec["lon"]), COORD_DECIMALS)
            lat = round(float(rec["lat"]), COORD_DECIMALS)
            geometry = {"type": "Point", "coordinates": (lon, lat)}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties(rec)})
    return {"type": "FeatureCollection", "features": features}


def _points_4326(frame: pd.DataFrame) -> pd.DataFrame:
    """Points as a plain frame with ``lon``/``lat`` (reprojecting point geometry if needed)."""
    if isinstance(frame, gpd.GeoDataFrame) and not {"lon", "lat"} <= set(frame.columns):
        pts = frame.to_crs(WGS84)
        frame = pd.DataFrame(pts.drop(columns=pts.geometry.name))
        frame["lon"], frame["lat"] = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    elif isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return frame


def _require(frame: pd.DataFrame | None, columns: Sequence[str], what: str) -> None:
    if frame is None:
        return
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")


# --------------------------------------------------------------------------------------------
# Vendored Leaflet (inlined from the django-js-lib-leaflet wheel)


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the ``js_lib_leaflet`` package, ready to inline.

    The CSS's image URLs (layer-control icon, default marker) become ``data:`` URIs, so the
    page requests nothing. Returns ``(javascript, css)``.
    """
    root = importlib.resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    js = (root / "leaflet.js").read_text(encoding="utf-8")
    css = (root / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = (root / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    # An inline script ends at the first "</script"; Leaflet has none, but be sure.
    js = js.replace("</script", "<\\/script")
    return js, css


def _figure(fmap: folium.Map) -> Figure:
    """The page (branca ``Figure``) a map is drawn in."""
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root


def _self_contained_map(**kwargs: Any) -> folium.Map:
    """A folium Map that links no CDN: only the inlined Leaflet, no jQuery/Bootstrap/icons."""
    fmap = folium.Map(tiles=None, **kwargs)
    # Instance attributes shadow folium's class-level CDN lists (read in JSCSSMixin.render).
    fmap.default_js = []
    fmap.default_css = []
    js, css = leaflet_assets()
    header = _figure(fmap).header
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    header.add_child(Element(f"<style>{_CSS}</style>"), name="regionopt_css")
    return fmap


_EXTERNAL_RESOURCE = re.compile(
    r"<(?:script|img|iframe)\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def external_resources(page: str) -> list[str]:
    """Every external script, stylesheet, image or import the HTML would load (should be none)."""
    return [m.group(0) for m in _EXTERNAL_RESOURCE.finditer(page)]


# --------------------------------------------------------------------------------------------
# Tooltips (every data value escaped)


def region_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a proposed region: name, schools, pupils per profile, money."""
    rows = [
        ("Aantal scholen", _int(_get(row, "n_schools"))),
        ("Techniekleerlingen lj 3-4", _int(_get(row, "technical"))),
        *_profile_rows(row),
        ("Beroepsgericht lj 3-4", _int(_get(row, "beroepsgericht"))),
        ("Techniekarm", _yes_no(_get(row, "techniekarm"))),
        ("Penvoerder", _e(_get(row, "penvoerder")) or "onbekend"),
        ("Mbo-partners", _e(_get(row, "mbo_partners")) or "onbekend"),
        ("Budget per jaar (structureel)", _euro(_get(row, "budget_eur"))),
    ]
    if _get(row, "transition_eur") is not None:
        rows.append(("Budget transitiefase", _euro(_get(row, "transition_eur"))))
    if _get(row, "cofunding_eur") is not None:
        rows.append(("Cofinanciering bedrijven", _euro(_get(row, "cofunding_eur"))))
    note = _e(_get(row, "note"))
    return (
        f"<b>{_e(_get(row, 'name') or row['region_id'])}</b> "
        f"<small>({_e(row['region_id'])})</small><table>{_rows_html(rows)}</table>"
        + (f'<div class="ro-note">{note}</div>' if note else "")
    )


def actual_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a documented actual region, saying how complete the record is."""
    partial = bool(_get(row, "partial", False))
    rows = [
        ("Gedocumenteerde scholen", _int(_get(row, "n_documented"))),
        ("Ambigue leden", _int(_get(row, "n_ambiguous", 0))),
        ("Techniekleerlingen lj 3-4 (gedocumenteerd)", _int(_get(row, "technical"))),
        ("Volledig gedocumenteerd", "nee (ondergrens)" if partial else "ja"),
    ]
    return (
        f"<b>{_e(_get(row, 'name') or row['region_id'])}</b> "
        f"<small>(huidige regio, {_e(row['region_id'])})</small><table>{_rows_html(rows)}</table>"
    )


def school_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a school: code, name, place, pupils per profile and its regions."""
    rows = [
        ("Code", _e(row["code"])),
        ("Plaats", _e(_get(row, "place"))),
        ("Techniekleerlingen lj 3-4", _int(_get(row, "technical"))),
        *_profile_rows(row),
        ("Beroepsgericht lj 3-4", _int(_get(row, "beroepsgericht"))),
        ("Technisch profiel", _yes_no(_get(row, "has_technical"))),
        ("Regio", _e(_get(row, "region_name") or _get(row, "region_id")) or "geen"),
    ]
    if "actual_region_id" in row:
        actual = _get(row, "actual_region_name") or _get(row, "actual_region_id")
        title = _e(_get(row, "actual_label"))
        rows.append(
            (title or "Huidige regio", _e(actual) or ("geen" if title else "niet gedocumenteerd"))
        )
    note = _e(_get(row, "difference"))
    return f"<b>{_e(row['name'])}</b><table>{_rows_html(rows)}</table>" + (
        f'<div class="ro-note">{note}</div>' if note else ""
    )


def mbo_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of an mbo location."""
    code = _e(_get(row, "code"))
    return f"<b>{_e(row['name'])}</b><br>mbo-locatie, {_e(_get(row, 'city'))}" + (
        f"<br><small>{code}</small>" if code else ""
    )


def ambiguous_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a candidate location of an ambiguous documented member."""
    return (
        f"<b>{_e(row['name'])}</b> <small>({_e(row['code'])})</small><br>"
        f"Ambigu lid van <b>{_e(_get(row, 'region_name') or row['region_id'])}</b>: "
        f"de bron noemt &laquo;{_e(_get(row, 'label'))}&raquo;, "
        f"een van: {_e(_get(row, 'candidates'))}"
    )


def reference_tooltip(row: Mapping[str, Any]) -> str:
    """Tooltip of a reference region: a documented actual one, or the plan before a change."""
    if "n_documented" in row:
        return actual_tooltip(row)
    return region_tooltip(row)


# --------------------------------------------------------------------------------------------
# The map: one function per layer


def _radius(technical: object) -> float:
    """Marker radius in pixels: area grows with the technical pupils."""
    n = _number(technical) or 0.0
    return round(3.0 + np.sqrt(max(n, 0.0)) / 2.2, 1)


def _swatch(style: str) -> str:
    return f'<svg width="26" height="14"><rect x="1" y="1" width="24" height="12" {style}/></svg>'


def _dot(r: float, style: str) -> str:
    return f'<svg width="26" height="18"><circle cx="13" cy="9" r="{r}" {style}/></svg>'


def _legend_html(
    *,
    proposed: bool,
    reference: str | None,
    differences: str | None,
    changes: Sequence[str],
    ambiguous: bool,
) -> str:
    """The legend; ``reference``/``differences`` are the layer labels (``None``: not drawn)."""
    items = []
    if proposed:
        items.append((_swatch('fill="#4e79a7" fill-opacity=".5" stroke="#555"'), "regio"))
    if reference is not None:
        fill = 'fill="none"' if proposed else 'fill="#f28e2b" fill-opacity=".5"'
        items.append((_swatch(f'{fill} stroke="#111" stroke-width="2"'), _e(reference)))
        if reference == LAYER_ACTUAL:
            items.append(
                (
                    _swatch('fill="url(#regionopt-hatch)" stroke="#111" stroke-dasharray="5 3"'),
                    "huidige regio, deels gedocumenteerd",
                )
            )
    items += [
        (
            _dot(8, 'fill="#59a14f" stroke="#222" stroke-width="1.5"'),
            "school met technisch profiel",
        ),
        (
            _dot(4, 'fill="#59a14f" fill-opacity=".35" stroke="#777"'),
            "school zonder technisch profiel",
        ),
        (_dot(3, 'fill="#bbb" stroke="#777"'), "grootte: techniekleerlingen lj 3-4"),
        (_dot(4.5, f'fill="{MBO_COLOUR}" stroke="#fff" stroke-width="1.5"'), "mbo-locatie"),
    ]
    if differences is not None and not changes:
        ring = f'fill="none" stroke="{DIFFERENCE_COLOUR}" stroke-width="2.5"'
        items.append((_dot(7, ring), "voorstel wijkt af van huidige regio"))
    for kind in changes:
        ring = f'fill="none" stroke="{CHANGE_COLOURS[kind]}" stroke-width="3"'
        items.append((_dot(7, ring), CHANGE_LABELS[kind]))
    if ambiguous:
        ring = 'fill="none" stroke="#111" stroke-width="1.5" stroke-dasharray="2 2"'
        items.append((_dot(5, ring), "ambigu lid (een van enkele locaties)"))
    body = "".join(f"<div>{icon}<span>{label}</span></div>" for icon, label in items)
    return f'<div class="regionopt-legend"><h2>Legenda</h2>{body}</div>'


def _base_map(bounds: tuple[float, float, float, float]) -> folium.Map:
    """The empty self-contained map with its panes, hatch pattern and (off) background tiles."""
    x0, y0, x1, y1 = bounds
    fmap = _self_contained_map(
        location=[(y0 + y1) / 2, (x0 + x1) / 2], zoom_start=8, control_scale=True
    )
    for pane, z in ((PANE_REGIONS, 410), (PANE_ACTUAL, 420), (PANE_POINTS, 450)):
        folium.map.CustomPane(pane, z_index=z).add_to(fmap)
    _figure(fmap).html.add_child(Element(_HATCH_SVG), name="regionopt_hatch")
    folium.TileLayer(
        OSM_TILES, attr=OSM_ATTRIBUTION, name=LAYER_TILES, overlay=True, show=False, max_zoom=19
    ).add_to(fmap)
    return fmap


def _add_provinces(fmap: folium.Map, provinces: gpd.GeoDataFrame, tolerance_m: float) -> None:
    prov = prepare_polygons(provinces[[provinces.geometry.name]], tolerance_m=tolerance_m)
    style = {"color": "#777", "weight": 1, "fill": False, "interactive": False}
    folium.GeoJson(
        _feature_collection(prov, lambda _r: {"style": style}),
        name=LAYER_PROVINCES,
        interactive=False,
        pane=PANE_REGIONS,
    ).add_to(fmap)


def _add_regions(fmap: folium.Map, regions: gpd.GeoDataFrame, colours: Mapping[str, str]) -> None:
    """The main (proposed) regions, filled in their colours."""

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        colour = colours.get(str(rec["region_id"]), NO_REGION_COLOUR)
        style = {"color": "#444", "weight": 1, "fillColor": colour, "fillOpacity": 0.5}
        hover = {**style, "weight": 3, "color": "#000", "fillOpacity": 0.65}
        return {"tooltip": region_tooltip(rec), "style": style, "hover": hover}

    folium.GeoJson(
        _feature_collection(regions, props),
        name=LAYER_PROPOSED,
        on_each_feature=_ON_EACH_FEATURE,
        class_name=CLASS_PROPOSED,
        pane=PANE_REGIONS,
    ).add_to(fmap)


def _add_reference(
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
        partial = bool(_get(rec, "partial", False))
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
        _feature_collection(reference, props),
        on_each_feature=_ON_EACH_FEATURE,
        class_name=CLASS_ACTUAL,
        pane=PANE_ACTUAL,
    ).add_to(group)


def _add_hatch(group: folium.FeatureGroup, reference: gpd.GeoDataFrame) -> None:
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
        _feature_collection(partial_rows[[reference.geometry.name]], lambda _r: {"style": hatch}),
        interactive=False,
        pane=PANE_ACTUAL,
    ).add_to(group)


def _add_ambiguous(group: folium.FeatureGroup, ambiguous: pd.DataFrame) -> None:
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
        _feature_collection(
            _points_4326(ambiguous), lambda rec: {"tooltip": ambiguous_tooltip(rec), "style": style}
        ),
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(group)


def _add_schools(
    fmap: folium.Map, points: pd.DataFrame, colours: Mapping[str, str], colour_column: str
) -> None:
    """Every school as a circle in its region's colour, sized by technical pupils."""

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        region = _get(rec, colour_column)
        colour = colours.get(str(region), NO_REGION_COLOUR) if region else NO_REGION_COLOUR
        technical = bool(_get(rec, "has_technical", False))
        style = {
            "radius": _radius(_get(rec, "technical", 0)),
            "color": "#222" if technical else "#777",
            "weight": 1.5 if technical else 1,
            "fill": True,
            "fillColor": colour,
            "fillOpacity": 0.95 if technical else 0.35,
            "className": CLASS_SCHOOL,
        }
        return {"tooltip": school_tooltip(rec), "style": style}

    folium.GeoJson(
        _feature_collection(points, props),
        name=LAYER_SCHOOLS,
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(fmap)


def _add_differences(fmap: folium.Map, points: pd.DataFrame, label: str) -> int:
    """Rings around the schools flagged ``differs``; coloured by ``change`` when given."""
    differing = points[points["differs"].fillna(False).astype(bool)]

    def props(rec: Mapping[str, Any]) -> dict[str, Any]:
        kind = _get(rec, "change")
        style = {
            "radius": _radius(_get(rec, "technical", 0)) + 4,
            "color": CHANGE_COLOURS.get(str(kind), DIFFERENCE_COLOUR),
            "weight": 3 if kind else 2.5,
            "fill": False,
            "className": CLASS_DIFFERENCE,
        }
        return {"tooltip": school_tooltip(rec), "style": style}

    folium.GeoJson(
        _feature_collection(differing, props),
        name=f"{label} ({len(differing)})",
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
    ).add_to(fmap)
    return len(differing)


def _add_mbo(fmap: folium.Map, mbo: pd.DataFrame) -> None:
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
        _feature_collection(
            _points_4326(mbo), lambda rec: {"tooltip": mbo_tooltip(rec), "style": style}
        ),
        name=LAYER_MBO,
        on_each_feature=_ON_EACH_FEATURE,
        point_to_layer=_POINT_TO_LAYER,
        show=True,
    ).add_to(fmap)


def _add_title(fmap: folium.Map, title: str, subtitle: str) -> None:
    root = _figure(fmap)
    sub = f"<p>{_e(subtitle)}</p>" if subtitle else ""
    root.html.add_child(
        Element(f'<div class="regionopt-title"><h1>{_e(title)}</h1>{sub}</div>'),
        name="regionopt_title",
    )
    root.title = _e(title)  # branca puts it into <title> unescaped


def _change_kinds(schools: pd.DataFrame | None) -> list[str]:
    """The change kinds present among the flagged schools, in ``CHANGE_LABELS`` order."""
    if schools is None or "change" not in schools.columns:
        return []
    present = set(schools["change"].dropna().astype(str)) - {""}
    return [k for k in CHANGE_LABELS if k in present]


@dataclass(frozen=True)
class MapLayers:
    """What ``render_map`` draws; see its parameters. Build it with ``regionopt.mapdata``."""

    regions: gpd.GeoDataFrame | None
    actual: gpd.GeoDataFrame | None = None
    schools: pd.DataFrame | None = None
    mbo: pd.DataFrame | None = None
    ambiguous: pd.DataFrame | None = None
    provinces: gpd.GeoDataFrame | None = None
    reference_label: str = LAYER_ACTUAL
    differences_label: str = LAYER_DIFFERENCES


def render_layers(
    layers: MapLayers, *, title: str, subtitle: str = "", tolerance_m: float = DEFAULT_TOLERANCE_M
) -> folium.Map:
    """``render_map`` of a ``MapLayers``."""
    return render_map(
        regions=layers.regions,
        actual=layers.actual,
        schools=layers.schools,
        mbo=layers.mbo,
        ambiguous=layers.ambiguous,
        provinces=layers.provinces,
        reference_label=layers.reference_label,
        differences_label=layers.differences_label,
        title=title,
        subtitle=subtitle,
        tolerance_m=tolerance_m,
    )


def render_map(
    *,
    regions: gpd.GeoDataFrame | None,
    actual: gpd.GeoDataFrame | None = None,
    schools: pd.DataFrame | None = None,
    mbo: pd.DataFrame | None = None,
    ambiguous: pd.DataFrame | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    title: str,
    subtitle: str = "",
    reference_label: str = LAYER_ACTUAL,
    differences_label: str = LAYER_DIFFERENCES,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> folium.Map:
    """Draw regions, reference regions, schools and mbo locations on one Leaflet map.

    Draws exactly what it is given; it decides nothing.

    Parameters
    ----------
    regions : GeoDataFrame or None
        Main (proposed) region territories (RD New or EPSG:4326), one row per region, columns
        ``region_id`` and optionally ``name``, ``n_schools``, ``technical``, the profiles
        ``BWI PIE MT MaT MVI``, ``beroepsgericht``, ``techniekarm``, ``penvoerder``,
        ``mbo_partners``, ``budget_eur``, ``transition_eur``, ``cofunding_eur``, ``note``.
        ``None`` draws the reference regions only.
    actual : GeoDataFrame, optional
        Reference regions, drawn as outlines: documented actual regions (``region_id``,
        ``name``, ``partial``, ``n_documented``, ``n_ambiguous``, ``technical``) or the plan
        before a change (the columns of ``regions``).
    schools : DataFrame, optional
        ``code``, ``name``, ``place``, ``lon``, ``lat``, ``region_id``, ``region_name``, the
        profiles, ``technical``, ``beroepsgericht``, ``has_technical`` and, when comparing,
        ``actual_region_id``, ``actual_region_name``, ``differs`` (bool), ``difference`` (text)
        and optionally ``change`` (a key of ``CHANGE_LABELS``: the ring's colour).
    mbo : DataFrame, optional
        ``name``, ``city``, ``lon``, ``lat`` (``code`` optional).
    ambiguous : DataFrame, optional
        Candidate locations of ambiguous actual members: ``code``, ``name``, ``lon``, ``lat``,
        ``region_id``, ``region_name``, ``label``, ``candidates``.
    provinces : GeoDataFrame, optional
        Province polygons, drawn as thin outlines for orientation.
    title, subtitle : str
        What the map shows, and which data and parameters made it (escaped here).
    reference_label, differences_label : str
        Names of the reference layer and of the differences layer in the layer control.
    tolerance_m : float
        Simplification tolerance for all polygons, metres in RD New.

    Returns
    -------
    folium.Map
        Write it with ``write_map``.
    """
    if regions is None and actual is None:
        raise ValueError("render_map needs proposed regions, actual regions, or both")
    _require(regions, ["region_id"], "regions")
    _require(actual, ["region_id"], "actual")
    _require(schools, ["code", "name"], "schools")
    _require(mbo, ["name"], "mbo")
    _require(ambiguous, ["code", "name", "region_id"], "ambiguous")
    main = regions if regions is not None else actual
    assert main is not None
    # Colours come from the adjacency before simplification (shared borders are exact there).
    colours = colour_regions(region_adjacency(main))
    regions_4326 = None if regions is None else prepare_polygons(regions, tolerance_m=tolerance_m)
    actual_4326 = None if actual is None else prepare_polygons(actual, tolerance_m=tolerance_m)
    bounds_frame = regions_4326 if regions_4326 is not None else actual_4326
    assert bounds_frame is not None
    bounds = tuple(bounds_frame.total_bounds) if len(bounds_frame) else NL_BOUNDS
    fmap = _base_map(bounds)
    if provinces is not None and len(provinces):
        _add_provinces(fmap, provinces, tolerance_m)
    if regions_4326 is not None:
        _add_regions(fmap, regions_4326, colours)
    if actual_4326 is not None:
        group = folium.FeatureGroup(name=reference_label, show=True)
        group.add_to(fmap)
        _add_reference(group, actual_4326, colours, standalone=regions is None)
        _add_hatch(group, actual_4326)
        if ambiguous is not None and len(ambiguous):
            _add_ambiguous(group, ambiguous)
    has_differences = False
    if schools is not None and len(schools):
        points = _points_4326(schools)
        colour_column = "region_id" if regions is not None else "actual_region_id"
        if colour_column not in points.columns:
            colour_column = "region_id"
        _add_schools(fmap, points, colours, colour_column)
        if regions is not None and "differs" in points.columns:
            _add_differences(fmap, points, differences_label)
            has_differences = True
    if mbo is not None and len(mbo):
        _add_mbo(fmap, mbo)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    x0, y0, x1, y1 = bounds
    fmap.fit_bounds([[y0, x0], [y1, x1]])
    _add_title(fmap, title, subtitle)
    legend = _legend_html(
        proposed=regions is not None,
        reference=reference_label if actual is not None else None,
        differences=differences_label if has_differences else None,
        changes=_change_kinds(schools) if has_differences else [],
        ambiguous=ambiguous is not None and len(ambiguous) > 0,
    )
    _figure(fmap).html.add_child(Element(legend), name="regionopt_legend")
    return fmap


def map_page(fmap: folium.Map) -> str:
    """The map as one self-contained HTML page.

    Raises
    ------
    RuntimeError
        If the page would load any external script or stylesheet (a folium default crept in).
    """
    page = _figure(fmap).render()
    found = external_resources(page)
    if found:
        raise RuntimeError(f"map would load external resources: {found[:3]}")
    return page


def write_map(fmap: folium.Map, path: Path | str) -> int:
    """Write the map as one self-contained HTML file; returns its size in bytes."""
    data = map_page(fmap).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)
