"""Geometry for the page: simplified polygons in EPSG:4326, region colours, GeoJSON features."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionopt.crs import RD_NEW, WGS84
from regionopt.render.style import COORD_DECIMALS, DEFAULT_TOLERANCE_M, PALETTE


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


def feature_collection(
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


def points_4326(frame: pd.DataFrame) -> pd.DataFrame:
    """Points as a plain frame with ``lon``/``lat`` (reprojecting point geometry if needed)."""
    if isinstance(frame, gpd.GeoDataFrame) and not {"lon", "lat"} <= set(frame.columns):
        pts = frame.to_crs(WGS84)
        frame = pd.DataFrame(pts.drop(columns=pts.geometry.name))
        frame["lon"], frame["lat"] = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    elif isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return frame


def label_points(regions: gpd.GeoDataFrame) -> pd.DataFrame:
    """Where each region's name goes: inside its largest part, far from its edges.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons in EPSG:4326 (``prepare_polygons``) with ``region_id`` and optionally
        ``name``.

    Returns
    -------
    DataFrame
        ``region_id``, ``name`` (the id when it has none), ``lon``, ``lat`` and ``area`` (of
        the region, in square degrees: which name gives way where names overlap); a row per
        non-empty region.
    """
    from shapely.ops import polylabel

    rows = []
    for rec, geom in zip(regions.to_dict("records"), regions.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda g: g.area)
        try:
            point = polylabel(largest, tolerance=0.002)
        except (ValueError, shapely.errors.GEOSException):
            point = largest.representative_point()
        name = rec.get("name")
        rows.append(
            {
                "region_id": str(rec["region_id"]),
                "name": str(name) if isinstance(name, str) and name else str(rec["region_id"]),
                "lon": round(point.x, COORD_DECIMALS),
                "lat": round(point.y, COORD_DECIMALS),
                "area": float(geom.area),
            }
        )
    return pd.DataFrame(rows, columns=["region_id", "name", "lon", "lat", "area"])
