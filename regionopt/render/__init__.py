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

Modules: ``style`` (names, colours, labels), ``text`` (escaped Dutch values), ``tooltips``,
``geometry`` (simplified polygons, colouring), ``layers`` (one function per layer), ``page``
(Leaflet inlined, title, legend, the file) and ``draw`` (``render_map``).
"""

from regionopt.render.draw import MapLayers, render_layers, render_map
from regionopt.render.geometry import colour_regions, prepare_polygons, region_adjacency
from regionopt.render.page import external_resources, leaflet_assets, map_page, write_map
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
    DEFAULT_TOLERANCE_M,
    LABEL_MIN_ZOOM,
    LAYER_ACTUAL,
    LAYER_BEFORE,
    LAYER_CHANGES,
    LAYER_DIFFERENCES,
    LAYER_LABELS,
    LAYER_MBO,
    LAYER_PROPOSED,
    LAYER_PROVINCES,
    LAYER_SCHOOLS,
    LAYER_TILES,
    MAX_LISTED_PARTNERS,
    NO_REGION_COLOUR,
    PALETTE,
    PROFILE_LABELS,
    TITLE_ROOM_PX,
)
from regionopt.render.tooltips import (
    actual_tooltip,
    ambiguous_tooltip,
    mbo_tooltip,
    region_tooltip,
    school_tooltip,
)

__all__ = [
    "CHANGE_COLOURS",
    "CHANGE_LABELS",
    "CLASS_ACTUAL",
    "CLASS_AMBIGUOUS",
    "CLASS_DIFFERENCE",
    "CLASS_LABEL",
    "CLASS_MBO",
    "CLASS_PROPOSED",
    "CLASS_SCHOOL",
    "DEFAULT_TOLERANCE_M",
    "LABEL_MIN_ZOOM",
    "LAYER_ACTUAL",
    "LAYER_BEFORE",
    "LAYER_CHANGES",
    "LAYER_DIFFERENCES",
    "LAYER_LABELS",
    "LAYER_MBO",
    "LAYER_PROPOSED",
    "LAYER_PROVINCES",
    "LAYER_SCHOOLS",
    "LAYER_TILES",
    "MAX_LISTED_PARTNERS",
    "NO_REGION_COLOUR",
    "PALETTE",
    "PROFILE_LABELS",
    "TITLE_ROOM_PX",
    "MapLayers",
    "actual_tooltip",
    "ambiguous_tooltip",
    "colour_regions",
    "external_resources",
    "leaflet_assets",
    "map_page",
    "mbo_tooltip",
    "prepare_polygons",
    "region_adjacency",
    "region_tooltip",
    "render_layers",
    "render_map",
    "school_tooltip",
    "write_map",
]
