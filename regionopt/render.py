"""Self-contained HTML maps (folium/Leaflet) of proposed and actual regions.

The renderer draws, it never decides: every figure, flag and difference it shows arrives in
the frames passed to ``render_map``. ``build_map_layers`` is the thin adapter that turns
regionopt objects (instance, plans, territories, region table) into those frames, and
``write_plan_map`` is the one call ``map`` and ``propose`` use.

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
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium.utilities import JsCode

from regionopt.instance import PROFILES, Instance
from regionopt.plan import Plan, partner_regions

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"

DEFAULT_TOLERANCE_M = 150.0
"""Simplification tolerance in RD New metres: invisible at national zoom, keeps maps < 5 MB."""
COORD_DECIMALS = 5
"""Decimals kept in lon/lat (1e-5 degree is about 1 m)."""

LAYER_PROPOSED = "Voorgestelde regio's"
LAYER_ACTUAL = "Huidige regio's (gedocumenteerd)"
LAYER_SCHOOLS = "Scholen (vmbo-vestigingen)"
LAYER_MBO = "Mbo-locaties"
LAYER_DIFFERENCES = "Verschillen voorstel / huidig"
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


def _int(value: object) -> str:
    """A whole number in Dutch notation (``12.345``), or ``onbekend``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "onbekend"
    return f"{int(value):,}".replace(",", ".")


def _euro(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "onbekend"
    return "€ " + f"{round(float(value)):,}".replace(",", ".")


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


def _self_contained_map(**kwargs: Any) -> folium.Map:
    """A folium Map that links no CDN: only the inlined Leaflet, no jQuery/Bootstrap/icons."""
    fmap = folium.Map(tiles=None, **kwargs)
    # Instance attributes shadow folium's class-level CDN lists (read in JSCSSMixin.render).
    fmap.default_js = []
    fmap.default_css = []
    js, css = leaflet_assets()
    header = fmap.get_root().header
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
        rows.append(("Huidige regio", _e(actual) or "niet gedocumenteerd"))
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


# --------------------------------------------------------------------------------------------
# The map


def _radius(technical: object) -> float:
    """Marker radius in pixels: area grows with the technical pupils."""
    n = float(technical) if technical is not None and not pd.isna(technical) else 0.0
    return round(3.0 + np.sqrt(max(n, 0.0)) / 2.2, 1)


def _legend_html(*, proposed: bool, actual: bool, differences: bool, ambiguous: bool) -> str:
    def swatch(style: str) -> str:
        return (
            f'<svg width="26" height="14"><rect x="1" y="1" width="24" height="12" {style}/></svg>'
        )

    def dot(r: float, style: str) -> str:
        return f'<svg width="26" height="18"><circle cx="13" cy="9" r="{r}" {style}/></svg>'

    items = []
    if proposed:
        items.append(
            (swatch('fill="#4e79a7" fill-opacity=".5" stroke="#555"'), "voorgestelde regio")
        )
    if actual:
        fill = 'fill="none"' if proposed else 'fill="#f28e2b" fill-opacity=".5"'
        items.append((swatch(f'{fill} stroke="#111" stroke-width="2"'), "huidige regio"))
        items.append(
            (
                swatch('fill="url(#regionopt-hatch)" stroke="#111" stroke-dasharray="5 3"'),
                "huidige regio, deels gedocumenteerd",
            )
        )
    items += [
        (dot(8, 'fill="#59a14f" stroke="#222" stroke-width="1.5"'), "school met technisch profiel"),
        (
            dot(4, 'fill="#59a14f" fill-opacity=".35" stroke="#777"'),
            "school zonder technisch profiel",
        ),
        (dot(3, 'fill="#bbb" stroke="#777"'), "grootte: techniekleerlingen lj 3-4"),
        (dot(4.5, f'fill="{MBO_COLOUR}" stroke="#fff" stroke-width="1.5"'), "mbo-locatie"),
    ]
    if differences:
        items.append(
            (
                dot(7, f'fill="none" stroke="{DIFFERENCE_COLOUR}" stroke-width="2.5"'),
                "voorstel wijkt af van huidige regio",
            )
        )
    if ambiguous:
        items.append(
            (
                dot(5, 'fill="none" stroke="#111" stroke-width="1.5" stroke-dasharray="2 2"'),
                "ambigu lid (een van enkele locaties)",
            )
        )
    body = "".join(f"<div>{icon}<span>{label}</span></div>" for icon, label in items)
    return f'<div class="regionopt-legend"><h2>Legenda</h2>{body}</div>'


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
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> folium.Map:
    """Draw proposed and actual regions, schools and mbo locations on one Leaflet map.

    Draws exactly what it is given; it decides nothing.

    Parameters
    ----------
    regions : GeoDataFrame or None
        Proposed region territories (RD New or EPSG:4326), one row per region, columns
        ``region_id`` and optionally ``name``, ``n_schools``, ``technical``, the profiles
        ``BWI PIE MT MaT MVI``, ``beroepsgericht``, ``techniekarm``, ``penvoerder``,
        ``mbo_partners``, ``budget_eur``, ``note``. ``None`` draws actual regions only.
    actual : GeoDataFrame, optional
        Actual region territories: ``region_id``, ``name``, ``partial`` (documented in part),
        ``n_documented``, ``n_ambiguous``, ``technical``.
    schools : DataFrame, optional
        ``code``, ``name``, ``place``, ``lon``, ``lat``, ``region_id``, ``region_name``, the
        profiles, ``technical``, ``beroepsgericht``, ``has_technical`` and, when comparing,
        ``actual_region_id``, ``actual_region_name``, ``differs`` (bool), ``difference`` (text).
    mbo : DataFrame, optional
        ``name``, ``city``, ``lon``, ``lat`` (``code`` optional).
    ambiguous : DataFrame, optional
        Candidate locations of ambiguous actual members: ``code``, ``name``, ``lon``, ``lat``,
        ``region_id``, ``region_name``, ``label``, ``candidates``.
    provinces : GeoDataFrame, optional
        Province polygons, drawn as thin outlines for orientation.
    title, subtitle : str
        What the map shows, and which data and parameters made it (escaped here).
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
    main_colours = colour_regions(region_adjacency(main))
    regions_4326 = (
        prepare_polygons(regions, tolerance_m=tolerance_m) if regions is not None else None
    )
    actual_4326 = prepare_polygons(actual, tolerance_m=tolerance_m) if actual is not None else None

    bounds_frame = regions_4326 if regions_4326 is not None else actual_4326
    assert bounds_frame is not None
    if len(bounds_frame):
        x0, y0, x1, y1 = bounds_frame.total_bounds
    else:
        x0, y0, x1, y1 = 3.3, 50.7, 7.3, 53.6  # the European Netherlands
    fmap = _self_contained_map(
        location=[(y0 + y1) / 2, (x0 + x1) / 2], zoom_start=8, control_scale=True
    )
    for pane, z in ((PANE_REGIONS, 410), (PANE_ACTUAL, 420), (PANE_POINTS, 450)):
        folium.map.CustomPane(pane, z_index=z).add_to(fmap)
    root = fmap.get_root()
    root.html.add_child(Element(_HATCH_SVG), name="regionopt_hatch")

    folium.TileLayer(
        OSM_TILES, attr=OSM_ATTRIBUTION, name=LAYER_TILES, overlay=True, show=False, max_zoom=19
    ).add_to(fmap)

    if provinces is not None and len(provinces):
        prov = prepare_polygons(provinces[[provinces.geometry.name]], tolerance_m=tolerance_m)
        style = {"color": "#777", "weight": 1, "fill": False, "interactive": False}
        folium.GeoJson(
            _feature_collection(prov, lambda _r: {"style": style}),
            name=LAYER_PROVINCES,
            interactive=False,
            pane=PANE_REGIONS,
        ).add_to(fmap)

    if regions_4326 is not None:

        def region_props(rec: Mapping[str, Any]) -> dict[str, Any]:
            colour = main_colours.get(str(rec["region_id"]), NO_REGION_COLOUR)
            style = {"color": "#444", "weight": 1, "fillColor": colour, "fillOpacity": 0.5}
            hover = {**style, "weight": 3, "color": "#000", "fillOpacity": 0.65}
            return {"tooltip": region_tooltip(rec), "style": style, "hover": hover}

        folium.GeoJson(
            _feature_collection(regions_4326, region_props),
            name=LAYER_PROPOSED,
            on_each_feature=_ON_EACH_FEATURE,
            class_name=CLASS_PROPOSED,
            pane=PANE_REGIONS,
        ).add_to(fmap)

    if actual_4326 is not None:
        group = folium.FeatureGroup(name=LAYER_ACTUAL, show=True).add_to(fmap)
        standalone = regions is None

        def actual_props(rec: Mapping[str, Any]) -> dict[str, Any]:
            partial = bool(_get(rec, "partial", False))
            style: dict[str, Any] = {
                "color": "#111",
                "weight": 2.5,
                "dashArray": "6 5" if partial else None,
            }
            if standalone:
                colour = main_colours.get(str(rec["region_id"]), NO_REGION_COLOUR)
                style |= {"fillColor": colour, "fillOpacity": 0.5}
            else:
                # Outline only, so the proposed regions beneath stay visible and hoverable.
                style |= {"fill": False}
            hover = {**style, "weight": 4.5}
            return {"tooltip": actual_tooltip(rec), "style": style, "hover": hover}

        folium.GeoJson(
            _feature_collection(actual_4326, actual_props),
            on_each_feature=_ON_EACH_FEATURE,
            class_name=CLASS_ACTUAL,
            pane=PANE_ACTUAL,
        ).add_to(group)
        partial_mask = (
            actual_4326["partial"].fillna(False).astype(bool)
            if "partial" in actual_4326.columns
            else pd.Series(False, index=actual_4326.index)
        )
        partial_rows = actual_4326[partial_mask]
        if len(partial_rows):
            hatch = {
                "stroke": False,
                "fillColor": "url(#regionopt-hatch)",
                "fillOpacity": 1,
                "interactive": False,
            }
            folium.GeoJson(
                _feature_collection(
                    partial_rows[[actual_4326.geometry.name]], lambda _r: {"style": hatch}
                ),
                interactive=False,
                pane=PANE_ACTUAL,
            ).add_to(group)
        if ambiguous is not None and len(ambiguous):

            def ambiguous_props(rec: Mapping[str, Any]) -> dict[str, Any]:
                style = {
                    "radius": 6,
                    "color": "#111",
                    "weight": 1.5,
                    "dashArray": "2 2",
                    "fill": True,
                    "fillOpacity": 0.0,
                    "className": CLASS_AMBIGUOUS,
                }
                return {"tooltip": ambiguous_tooltip(rec), "style": style}

            folium.GeoJson(
                _feature_collection(_points_4326(ambiguous), ambiguous_props),
                on_each_feature=_ON_EACH_FEATURE,
                point_to_layer=_POINT_TO_LAYER,
            ).add_to(group)

    has_differences = False
    if schools is not None and len(schools):
        points = _points_4326(schools)
        colour_column = "region_id" if regions is not None else "actual_region_id"
        if colour_column not in points.columns:
            colour_column = "region_id"

        def school_props(rec: Mapping[str, Any]) -> dict[str, Any]:
            region = _get(rec, colour_column)
            colour = main_colours.get(str(region), NO_REGION_COLOUR) if region else NO_REGION_COLOUR
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
            _feature_collection(points, school_props),
            name=LAYER_SCHOOLS,
            on_each_feature=_ON_EACH_FEATURE,
            point_to_layer=_POINT_TO_LAYER,
        ).add_to(fmap)

        if regions is not None and "differs" in points.columns:
            differing = points[points["differs"].fillna(False).astype(bool)]
            has_differences = True

            def difference_props(rec: Mapping[str, Any]) -> dict[str, Any]:
                style = {
                    "radius": _radius(_get(rec, "technical", 0)) + 4,
                    "color": DIFFERENCE_COLOUR,
                    "weight": 2.5,
                    "fill": False,
                    "className": CLASS_DIFFERENCE,
                }
                return {"tooltip": school_tooltip(rec), "style": style}

            folium.GeoJson(
                _feature_collection(differing, difference_props),
                name=f"{LAYER_DIFFERENCES} ({len(differing)})",
                on_each_feature=_ON_EACH_FEATURE,
                point_to_layer=_POINT_TO_LAYER,
            ).add_to(fmap)

    if mbo is not None and len(mbo):
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

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    fmap.fit_bounds([[y0, x0], [y1, x1]])
    sub = f"<p>{_e(subtitle)}</p>" if subtitle else ""
    root.html.add_child(
        Element(f'<div class="regionopt-title"><h1>{_e(title)}</h1>{sub}</div>'),
        name="regionopt_title",
    )
    root.html.add_child(
        Element(
            _legend_html(
                proposed=regions is not None,
                actual=actual is not None,
                differences=has_differences,
                ambiguous=ambiguous is not None and len(ambiguous) > 0,
            )
        ),
        name="regionopt_legend",
    )
    root.title = _e(title)  # branca puts it into <title> unescaped
    return fmap


def write_map(fmap: folium.Map, path: Path | str) -> int:
    """Write the map as one self-contained HTML file; returns its size in bytes.

    Raises
    ------
    RuntimeError
        If the page would load any external script or stylesheet (a folium default crept in).
    """
    page = fmap.get_root().render()
    found = external_resources(page)
    if found:
        raise RuntimeError(f"map would load external resources: {found[:3]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = page.encode("utf-8")
    path.write_bytes(data)
    return len(data)


# --------------------------------------------------------------------------------------------
# Adapter: regionopt objects -> frames


@dataclass(frozen=True)
class MapLayers:
    """The frames ``render_map`` draws (see its parameters)."""

    regions: gpd.GeoDataFrame | None
    actual: gpd.GeoDataFrame | None
    schools: pd.DataFrame
    mbo: pd.DataFrame
    ambiguous: pd.DataFrame
    provinces: gpd.GeoDataFrame | None

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``render_map``."""
        return {
            "regions": self.regions,
            "actual": self.actual,
            "schools": self.schools,
            "mbo": self.mbo,
            "ambiguous": self.ambiguous,
            "provinces": self.provinces,
        }


def gemeente_territories(
    plan: Plan, instance: Instance, gemeenten: gpd.GeoDataFrame, *, fill: bool
) -> gpd.GeoDataFrame:
    """Simple territories: each gemeente goes to the plurality region of its schools.

    A stand-in for ``regionopt.territory.territories`` (tests, and when no commuting model is
    at hand). With ``fill``, a gemeente without planned schools joins the region of the
    nearest planned school; else it stays ``unknown`` (right for partial plans).

    Returns
    -------
    GeoDataFrame
        ``region_id`` and geometry (RD New), one row per region with land.
    """
    assignment = plan.assignment
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for s in instance.schools:
        if s.code in assignment:
            votes[s.gemeente][assignment[s.code]] += 1
    gm = gemeenten.to_crs(RD_NEW)
    region = [
        min(votes[c].items(), key=lambda kv: (-kv[1], kv[0]))[0] if votes.get(c) else "unknown"
        for c in gm["code"]
    ]
    planned = [s for s in instance.schools if s.code in assignment]
    if fill and planned:
        from scipy.spatial import cKDTree

        tree = cKDTree(np.array([(s.x, s.y) for s in planned]))
        reps = gm.geometry.representative_point()
        for i, r in enumerate(region):
            if r == "unknown":
                _, j = tree.query((reps.iloc[i].x, reps.iloc[i].y))
                region[i] = assignment[planned[int(j)].code]
    out = gpd.GeoDataFrame({"region_id": region}, geometry=gm.geometry.values, crs=RD_NEW)
    out = out.dissolve(by="region_id", as_index=False)
    return out[out["region_id"] != "unknown"].reset_index(drop=True)


def plan_differences(plan: Plan, actual: Plan) -> dict[str, str]:
    """Schools whose proposed region differs from their actual one -> a Dutch explanation.

    Region ids of the two plans need not match: actual and proposed regions are paired one to
    one so that paired regions share as many documented schools as possible (Hungarian
    method, as ``regionopt.compare`` does). A documented school differs when its proposed
    region is not the partner of its actual region (a move, or one side of a merge or split).
    Schools only one plan assigns are not compared.
    """
    proposed, current = plan.assignment, actual.assignment
    common = [c for c in current if c in proposed]
    partner = partner_regions(current, proposed)
    out: dict[str, str] = {}
    for code in common:
        a, p = current[code], proposed[code]
        if partner.get(a) != p:
            counterpart = (
                f"; {actual.region_name(a)} komt overeen met {plan.region_name(partner[a])}"
                if a in partner
                else ""
            )
            out[code] = (
                f"Verschil: nu in {actual.region_name(a)}, voorgesteld in "
                f"{plan.region_name(p)}{counterpart}."
            )
    return out


def _stats_records(region_table: Iterable[object] | None) -> dict[str, dict[str, Any]]:
    """Region id -> display figures, from ``regionopt.evaluate.RegionStats`` records.

    Plain mappings with the same keys work too (tests). Budget figures are read from the
    record's ``budget`` mapping (``structural_eur``, ``transition_eur``, ``cofunding_eur``).
    """
    out: dict[str, dict[str, Any]] = {}
    for rec in region_table or ():
        is_record = is_dataclass(rec) and not isinstance(rec, type)
        raw: dict[str, Any] = asdict(rec) if is_record else dict(rec)  # type: ignore
        by_profile = raw.get("technical_by_profile") or {}
        money = raw.get("budget") or {}
        penvoerder = raw.get("penvoerder") or ""
        if penvoerder and raw.get("penvoerder_name"):
            penvoerder = f"{raw['penvoerder_name']} ({penvoerder})"
        partners = raw.get("mbo_partners")
        if isinstance(partners, list | tuple) and len(partners) > MAX_LISTED_PARTNERS:
            extra = len(partners) - MAX_LISTED_PARTNERS
            partners = [*partners[:MAX_LISTED_PARTNERS], f"en {extra} andere"]
        figures: dict[str, Any] = {
            **{p: by_profile.get(p, raw.get(p)) for p in PROFILES},
            "name": raw.get("name"),
            "n_schools": raw.get("n_schools"),
            "technical": raw.get("technical_total", raw.get("technical")),
            "beroepsgericht": raw.get("beroepsgericht"),
            "techniekarm": raw.get("techniekarm"),
            "penvoerder": penvoerder or "geen (geen school met technisch profiel)",
            "mbo_partners": (
                ", ".join(str(m) for m in partners)
                if isinstance(partners, list | tuple)
                else partners
            )
            or "geen binnen bereik",
            "budget_eur": money.get("structural_eur", raw.get("budget_eur")),
            "transition_eur": money.get("transition_eur"),
            "cofunding_eur": money.get("cofunding_eur"),
        }
        out[str(raw["region_id"])] = figures
    return out


def _count_figures(instance: Instance, members: Sequence[str]) -> dict[str, Any]:
    """Sums over a region's member schools (counting only; no rule is applied)."""
    schools = [instance.school(c) for c in members if c in instance.index]
    figures: dict[str, Any] = {p: sum(getattr(s.pupils, p) for s in schools) for p in PROFILES}
    figures["n_schools"] = len(schools)
    figures["technical"] = sum(s.technical_pupils for s in schools)
    figures["beroepsgericht"] = sum(s.pupils.beroepsgericht for s in schools)
    return figures


def build_map_layers(
    instance: Instance,
    plan: Plan | None,
    actual_plan: Plan | None,
    geography: object,
    territories: gpd.GeoDataFrame | None,
    region_table: Iterable[object] | None,
    *,
    actual_territories: gpd.GeoDataFrame | None = None,
    differences: Mapping[str, str] | None = None,
) -> MapLayers:
    """Turn regionopt objects into the frames ``render_map`` draws.

    Parameters
    ----------
    instance : Instance
    plan : Plan or None
        The proposed plan (``None``: map the actual regions only).
    actual_plan : Plan or None
        The documented actual regions (partial, with ambiguous members).
    geography : load.Geography
        For the province outlines and the stand-in territories.
    territories : GeoDataFrame or None
        Proposed territories from ``regionopt.territory.territories`` (RD New, ``region_id``;
        ``unknown`` rows are not drawn). ``None``: gemeente stand-in territories.
    region_table : iterable or None
        ``regionopt.evaluate.region_table`` records of the proposed plan (penvoerder, mbo
        partners, budget, techniekarm). ``None``: pupil sums only, the rest "onbekend".
    actual_territories : GeoDataFrame, optional
        Territories of the actual plan (``None``: gemeente stand-in, not filled).
    differences : mapping, optional
        Code -> explanation of schools whose proposed region differs from the actual one
        (default: ``plan_differences(plan, actual_plan)``).

    Returns
    -------
    MapLayers
    """
    gemeenten = geography.gemeenten  # type: ignore[attr-defined]
    regions = None
    if plan is not None:
        terr = territories
        if terr is None:
            terr = gemeente_territories(plan, instance, gemeenten, fill=True)
        terr = terr[terr["region_id"].isin(plan.regions)].copy()
        stats = _stats_records(region_table)
        rows = []
        for region_id in terr["region_id"]:
            figures = _count_figures(instance, plan.regions[region_id])
            figures.update({k: v for k, v in stats.get(region_id, {}).items() if v is not None})
            figures.setdefault("name", plan.region_name(region_id))
            if figures.get("name") in (None, ""):
                figures["name"] = plan.region_name(region_id)
            rows.append(figures)
        regions = gpd.GeoDataFrame(
            pd.concat([terr.reset_index(drop=True), pd.DataFrame(rows)], axis=1),
            geometry="geometry",
            crs=terr.crs,
        )

    actual = None
    ambiguous_rows: list[dict[str, Any]] = []
    if actual_plan is not None:
        terr = actual_territories
        if terr is None:
            terr = gemeente_territories(actual_plan, instance, gemeenten, fill=False)
        terr = terr[terr["region_id"].isin(actual_plan.regions)].copy()
        n_ambiguous = Counter(a.region_id for a in actual_plan.ambiguous)
        rows = []
        for region_id in terr["region_id"]:
            figures = _count_figures(instance, actual_plan.regions[region_id])
            rows.append(
                {
                    "name": actual_plan.region_name(region_id),
                    "partial": region_id in actual_plan.partial_regions,
                    "n_documented": figures["n_schools"],
                    "n_ambiguous": n_ambiguous.get(region_id, 0),
                    "technical": figures["technical"],
                }
            )
        actual = gpd.GeoDataFrame(
            pd.concat([terr.reset_index(drop=True), pd.DataFrame(rows)], axis=1),
            geometry="geometry",
            crs=terr.crs,
        )
        for amb in actual_plan.ambiguous:
            for code in amb.candidates:
                if code in instance.index:
                    s = instance.school(code)
                    ambiguous_rows.append(
                        {
                            "code": s.code,
                            "name": s.name,
                            "place": s.place,
                            "lon": s.lon,
                            "lat": s.lat,
                            "region_id": amb.region_id,
                            "region_name": actual_plan.region_name(amb.region_id),
                            "label": amb.label,
                            "candidates": ", ".join(amb.candidates),
                        }
                    )

    if differences is None:
        differences = plan_differences(plan, actual_plan) if plan and actual_plan else {}
    school_rows = []
    for s in instance.schools:
        rec: dict[str, Any] = {
            "code": s.code,
            "name": s.name,
            "place": s.place,
            "lon": s.lon,
            "lat": s.lat,
            **{p: getattr(s.pupils, p) for p in PROFILES},
            "technical": s.technical_pupils,
            "beroepsgericht": s.pupils.beroepsgericht,
            "has_technical": s.has_technical_profile,
        }
        if plan is not None:
            region = plan.assignment.get(s.code, "")
            rec["region_id"] = region
            rec["region_name"] = plan.region_name(region) if region else ""
        if actual_plan is not None:
            region = actual_plan.assignment.get(s.code, "")
            rec["actual_region_id"] = region
            rec["actual_region_name"] = actual_plan.region_name(region) if region else ""
            if plan is None:
                rec["region_id"], rec["region_name"] = region, rec["actual_region_name"]
        if plan is not None and actual_plan is not None:
            rec["differs"] = s.code in differences
            rec["difference"] = differences.get(s.code, "")
        school_rows.append(rec)
    mbo = pd.DataFrame(
        [
            {"code": m.code, "name": m.name, "city": m.city, "lon": m.lon, "lat": m.lat}
            for m in instance.mbo
        ],
        columns=["code", "name", "city", "lon", "lat"],
    )
    ambiguous = pd.DataFrame(
        ambiguous_rows,
        columns=[
            "code",
            "name",
            "place",
            "lon",
            "lat",
            "region_id",
            "region_name",
            "label",
            "candidates",
        ],
    )
    provinces = getattr(geography, "provincies", None)
    return MapLayers(
        regions=regions,
        actual=actual,
        schools=pd.DataFrame(school_rows),
        mbo=mbo,
        ambiguous=ambiguous,
        provinces=provinces,
    )


# --------------------------------------------------------------------------------------------
# One call for the CLI (map, propose)


@dataclass(frozen=True)
class MapResult:
    """What ``write_plan_map`` wrote."""

    path: Path
    size_bytes: int
    seconds: float
    n_regions: int
    """Proposed regions drawn (actual regions when there is no plan)."""


def describe_params(params: Mapping[str, object] | None) -> str:
    """``key=value`` pairs for a subtitle, sorted by key."""
    return ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))


def write_plan_map(
    loaded: object,
    plan: Plan | None,
    path: Path | str,
    *,
    title: str | None = None,
    params: Mapping[str, object] | None = None,
    config: object | None = None,
    actual: Plan | None = None,
    region_table: Iterable[object] | None = None,
    territories: gpd.GeoDataFrame | None = None,
) -> MapResult:
    """Render a plan (or only the actual regions) to a self-contained HTML map.

    Parameters
    ----------
    loaded : load.LoadedData
        The loaded data (instance, geography, documented actual regions).
    plan : Plan or None
        The proposed plan; ``None`` maps the documented actual regions only.
    path : path
        The HTML file to write (parent folders are created; existing files are overwritten,
        the CLI guards that).
    title : str, optional
        What the map shows (default says it).
    params : mapping, optional
        Parameters that made the plan, shown in the subtitle.
    config : config.Config, optional
        Used for the commuting territories and the region table when the lead's modules are
        available (default parameters otherwise).
    actual : Plan, optional
        Actual regions to compare with (default: ``loaded.actual``).
    region_table, territories : optional
        Precomputed figures / territories of ``plan`` (computed here when omitted).

    Returns
    -------
    MapResult
    """
    started = time.perf_counter()
    instance = loaded.instance  # type: ignore[attr-defined]
    geography = loaded.geography  # type: ignore[attr-defined]
    actual_plan = actual if actual is not None else loaded.actual  # type: ignore[attr-defined]
    model_territories = _territory_function(loaded, config)
    actual_terr = model_territories(actual_plan) if model_territories else None
    if plan is not None:
        if territories is None and model_territories is not None:
            territories = model_territories(plan)
        if region_table is None:
            region_table = _region_table(instance, plan, config)
    layers = build_map_layers(
        instance,
        plan,
        actual_plan,
        geography,
        territories,
        region_table,
        actual_territories=actual_terr,
    )
    if title is None:
        title = (
            f"Voorgestelde STO-regio's ({plan.name}) en huidige regio's"
            if plan is not None
            else "Huidige STO-regio's, voor zover gedocumenteerd"
        )
    report = getattr(loaded, "report", None)
    data_dir = getattr(report, "data_dir", "")
    n_schools = instance.n
    parts = [
        f"Data: {data_dir} (DUO leerlingen 2019, vestigingen 2020/2024, CBS gemeenten 2022, "
        f"KiesMBO 2025, STO-regiopagina's)",
        f"{n_schools} vmbo-vestigingen",
    ]
    if plan is not None:
        parts.append(f"plan: {plan.name}, {len(plan.regions)} regio's")
    if params:
        parts.append(f"parameters: {describe_params(params)}")
    fmap = render_map(**layers.as_kwargs(), title=title, subtitle=" · ".join(parts))
    size = write_map(fmap, path)
    main = layers.regions if layers.regions is not None else layers.actual
    return MapResult(
        path=Path(path),
        size_bytes=size,
        seconds=time.perf_counter() - started,
        n_regions=0 if main is None else len(main),
    )


def _territory_function(
    loaded: object, config: object | None
) -> Callable[[Plan], gpd.GeoDataFrame]:
    """Plan -> commuting territories via ``regionopt.territory`` (origin cells built once)."""
    from regionopt.commute import commute_model
    from regionopt.territory import origin_cells
    from regionopt.territory import territories as model_territories

    instance = loaded.instance  # type: ignore[attr-defined]
    geography = loaded.geography  # type: ignore[attr-defined]
    commute_config = getattr(config, "commute", None)
    model = commute_model(instance, geography.origins_xy, geography.origins_pupils, commute_config)
    cells = origin_cells(geography, model)

    def make(plan: Plan) -> gpd.GeoDataFrame:
        return model_territories(plan, instance, geography, model, cells=cells)

    return make


def _region_table(instance: Instance, plan: Plan, config: object | None) -> list[object]:
    """Per-region figures and money from ``regionopt.evaluate`` and ``regionopt.budget``."""
    from regionopt.budget import budget as plan_budget
    from regionopt.config import Config
    from regionopt.evaluate import region_table

    cfg = config if isinstance(config, Config) else Config()
    money = {r.region_id: r.as_dict() for r in plan_budget(instance, plan, cfg.budget).regions}
    return list(region_table(instance, plan, rules=cfg.rules, budget=money))
