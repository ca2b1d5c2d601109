"""The page: a self-contained Leaflet map (no CDN), its title, legend and the HTML file."""

from __future__ import annotations

import base64
import importlib.resources
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from regionopt.render.style import (
    CHANGE_COLOURS,
    CHANGE_LABELS,
    DIFFERENCE_COLOUR,
    LAYER_ACTUAL,
    LAYER_TILES,
    MBO_COLOUR,
    OSM_ATTRIBUTION,
    OSM_TILES,
    PANE_ACTUAL,
    PANE_POINTS,
    PANE_REGIONS,
    TITLE_ROOM_PX,
)
from regionopt.render.text import esc

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
.regionopt-popup .leaflet-popup-content { font-size: 12.5px; line-height: 1.35; margin: 10px 14px; }
.regionopt-popup table { border-collapse: collapse; font-size: inherit; }
.regionopt-popup th { text-align: left; font-weight: normal; color: #555; padding: 0 8px 0 0;
  vertical-align: top; }
.regionopt-popup td { text-align: right; vertical-align: top; }
.regionopt-popup .ro-note { color: #a00; }
.regionopt-label { pointer-events: none; }
.regionopt-label span { position: absolute; transform: translate(-50%, -50%);
  white-space: nowrap; font-size: 11px; font-weight: 600; color: #1b1b1b;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff, 0 0 1px #fff; }
.regionopt-labels-hidden .regionopt-label { display: none; }
.regionopt-label span.regionopt-label-overlap { visibility: hidden; }
"""


# A hatch pattern that partial actual regions use as their fill (SVG ``url(#...)``).
_HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="regionopt-hatch" patternUnits="userSpaceOnUse" width="9" height="9" '
    'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="9" stroke="#333" '
    'stroke-width="2.2" stroke-opacity="0.55"/></pattern></defs></svg>'
)


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


def figure(fmap: folium.Map) -> Figure:
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
    header = figure(fmap).header
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


def base_map(bounds: tuple[float, float, float, float]) -> folium.Map:
    """The empty self-contained map with its panes, hatch pattern and (off) background tiles."""
    x0, y0, x1, y1 = bounds
    # Fractional zoom: the first view fills the window with the regions (whole zoom levels
    # leave the Netherlands at half the window's height or less).
    fmap = _self_contained_map(
        location=[(y0 + y1) / 2, (x0 + x1) / 2],
        zoom_start=8,
        control_scale=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    for pane, z in ((PANE_REGIONS, 410), (PANE_ACTUAL, 420), (PANE_POINTS, 450)):
        folium.map.CustomPane(pane, z_index=z).add_to(fmap)
    figure(fmap).html.add_child(Element(_HATCH_SVG), name="regionopt_hatch")
    folium.TileLayer(
        OSM_TILES, attr=OSM_ATTRIBUTION, name=LAYER_TILES, overlay=True, show=False, max_zoom=19
    ).add_to(fmap)
    return fmap


class _FitView(MacroElement):
    """Fit the first view to ``bounds``, clear of the title box when the map has room for it.

    A map in a frame that is not laid out yet (a report's map while the page loads) has no
    size: padding would then make Leaflet's zoom NaN, so it fits without.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
    (function (map) {
        var size = map.getSize();
        var room = size.x > {{ this.min_x }} && size.y > {{ this.min_y }};
        map.fitBounds({{ this.bounds|tojson }}, room ? {
            paddingTopLeft: {{ this.top_left|tojson }},
            paddingBottomRight: {{ this.bottom_right|tojson }}
        } : {});
    })({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(
        self,
        bounds: list[list[float]],
        top_left: tuple[int, int],
        bottom_right: tuple[int, int],
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "FitView"
        self.bounds = bounds
        self.top_left, self.bottom_right = list(top_left), list(bottom_right)
        # At least 100 px of map left between the paddings.
        self.min_x = top_left[0] + bottom_right[0] + 100
        self.min_y = top_left[1] + bottom_right[1] + 100


def fit_view(
    fmap: folium.Map,
    bounds: list[list[float]],
    top_left: tuple[int, int] = TITLE_ROOM_PX,
    bottom_right: tuple[int, int] = (10, 10),
) -> None:
    """The first view: ``bounds`` ([[south, west], [north, east]]) fill the map below the
    title box (``TITLE_ROOM_PX``), or the whole map when it has no room for that."""
    _FitView(bounds, top_left, bottom_right).add_to(fmap)


def add_title(fmap: folium.Map, title: str, subtitle: str) -> None:
    """The map's title and subtitle, top left; also the page's <title>."""
    root = figure(fmap)
    sub = f"<p>{esc(subtitle)}</p>" if subtitle else ""
    root.html.add_child(
        Element(f'<div class="regionopt-title"><h1>{esc(title)}</h1>{sub}</div>'),
        name="regionopt_title",
    )
    root.title = esc(title)  # branca puts it into <title> unescaped


def _swatch(style: str) -> str:
    return f'<svg width="26" height="14"><rect x="1" y="1" width="24" height="12" {style}/></svg>'


def _dot(r: float, style: str) -> str:
    return f'<svg width="26" height="18"><circle cx="13" cy="9" r="{r}" {style}/></svg>'


def legend_html(
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
        items.append((_swatch(f'{fill} stroke="#111" stroke-width="2"'), esc(reference)))
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


def map_page(fmap: folium.Map) -> str:
    """The map as one self-contained HTML page.

    Raises
    ------
    RuntimeError
        If the page would load any external script or stylesheet (a folium default crept in).
    """
    page = figure(fmap).render()
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
