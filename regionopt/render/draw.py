"""Draw a map: every layer it is given, on one self-contained page. It decides nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from regionopt.render.geometry import (
    colour_regions,
    points_4326,
    prepare_polygons,
    region_adjacency,
)
from regionopt.render.layers import (
    add_ambiguous,
    add_differences,
    add_hatch,
    add_mbo,
    add_provinces,
    add_reference,
    add_region_labels,
    add_regions,
    add_schools,
    change_kinds,
)
from regionopt.render.page import add_title, base_map, figure, fit_view, legend_html
from regionopt.render.style import (
    DEFAULT_TOLERANCE_M,
    LAYER_ACTUAL,
    LAYER_DIFFERENCES,
    NL_BOUNDS,
)


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
    """Draw the frames of ``layers`` on one map; see ``render_map`` for what each holds."""
    _check(layers)
    main = layers.regions if layers.regions is not None else layers.actual
    assert main is not None
    # Colours come from the adjacency before simplification (shared borders are exact there).
    colours = colour_regions(region_adjacency(main))
    regions = _polygons_4326(layers.regions, tolerance_m)
    actual = _polygons_4326(layers.actual, tolerance_m)
    bounds_frame = regions if regions is not None else actual
    assert bounds_frame is not None
    x0, y0, x1, y1 = tuple(bounds_frame.total_bounds) if len(bounds_frame) else NL_BOUNDS
    fmap = base_map((x0, y0, x1, y1))
    if layers.provinces is not None and len(layers.provinces):
        add_provinces(fmap, layers.provinces, tolerance_m)
    if regions is not None:
        add_regions(fmap, regions, colours)
    if actual is not None:
        group = folium.FeatureGroup(name=layers.reference_label, show=True)
        group.add_to(fmap)
        add_reference(group, actual, colours, standalone=regions is None)
        add_hatch(group, actual)
        if layers.ambiguous is not None and len(layers.ambiguous):
            add_ambiguous(group, layers.ambiguous)
    has_differences = _add_points(fmap, layers, colours)
    labelled = regions if regions is not None else actual
    if labelled is not None and len(labelled):
        add_region_labels(fmap, labelled)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    # The regions fill the first view (the Netherlands, for a national plan), below the title.
    fit_view(fmap, [[y0, x0], [y1, x1]])
    add_title(fmap, title, subtitle)
    legend = legend_html(
        proposed=layers.regions is not None,
        reference=layers.reference_label if layers.actual is not None else None,
        differences=layers.differences_label if has_differences else None,
        changes=change_kinds(layers.schools) if has_differences else [],
        ambiguous=layers.ambiguous is not None and len(layers.ambiguous) > 0,
    )
    figure(fmap).html.add_child(Element(legend), name="regionopt_legend")
    return fmap


def _polygons_4326(frame: gpd.GeoDataFrame | None, tolerance_m: float) -> gpd.GeoDataFrame | None:
    return None if frame is None else prepare_polygons(frame, tolerance_m=tolerance_m)


def _add_points(fmap: folium.Map, layers: MapLayers, colours: Mapping[str, str]) -> bool:
    """Schools (with rings where they differ) and mbo locations; True when rings are drawn."""
    has_differences = False
    schools = layers.schools
    if schools is not None and len(schools):
        points = points_4326(schools)
        colour_column = "region_id" if layers.regions is not None else "actual_region_id"
        if colour_column not in points.columns:
            colour_column = "region_id"
        add_schools(fmap, points, colours, colour_column)
        if layers.regions is not None and "differs" in points.columns:
            add_differences(fmap, points, layers.differences_label)
            has_differences = True
    if layers.mbo is not None and len(layers.mbo):
        add_mbo(fmap, layers.mbo)
    return has_differences


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
    layers = MapLayers(
        regions=regions,
        actual=actual,
        schools=schools,
        mbo=mbo,
        ambiguous=ambiguous,
        provinces=provinces,
        reference_label=reference_label,
        differences_label=differences_label,
    )
    return render_layers(layers, title=title, subtitle=subtitle, tolerance_m=tolerance_m)


def _check(layers: MapLayers) -> None:
    """Some regions to draw, and every frame with the columns the layers need."""
    if layers.regions is None and layers.actual is None:
        raise ValueError("render_map needs proposed regions, actual regions, or both")
    _require(layers.regions, ["region_id"], "regions")
    _require(layers.actual, ["region_id"], "actual")
    _require(layers.schools, ["code", "name"], "schools")
    _require(layers.mbo, ["name"], "mbo")
    _require(layers.ambiguous, ["code", "name", "region_id"], "ambiguous")


def _require(frame: pd.DataFrame | None, columns: Sequence[str], what: str) -> None:
    if frame is None:
        return
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")
