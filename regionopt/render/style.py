"""Names, classes, panes, colours and labels of the maps: every constant of the look, once."""

from __future__ import annotations

from collections.abc import Mapping

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
LAYER_LABELS = "Namen van de regio's (bij inzoomen)"

CLASS_PROPOSED = "regionopt-proposed"
"""CSS class of every proposed-region polygon (one SVG path per region)."""
CLASS_ACTUAL = "regionopt-actual"
CLASS_SCHOOL = "regionopt-school"
CLASS_MBO = "regionopt-mbo"
CLASS_DIFFERENCE = "regionopt-difference"
CLASS_AMBIGUOUS = "regionopt-ambiguous"
CLASS_LABEL = "regionopt-label"
"""CSS class of a region's name on the map."""
LABEL_MIN_ZOOM = 9
"""Region names show from this zoom level on (below it 77 names overlap into a mass)."""
HIDE_LABELS = "regionopt-labels-hidden"
"""CSS class of the map while it is zoomed out below ``LABEL_MIN_ZOOM``."""
LABEL_OVERLAP = "regionopt-label-overlap"
"""CSS class of a region's name that would overlap a larger region's name (hidden)."""
TITLE_ROOM_PX = (60, 100)
"""Room (left, top) a popup or the first view keeps free for the title box."""

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
