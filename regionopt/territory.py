"""Territories: turn any plan into non-overlapping region polygons that cover the land.

The land is cut into origin cells: the Voronoi cell of each primary school (an origin of the
commuting model), clipped to the municipality polygons. A cell goes to the region that receives
most of its modelled pupils; cells are dissolved per region. For a partial plan (the
documented actual regions) the schools outside the plan form the bucket ``unknown``, so
undocumented land stays "unknown" rather than being handed to a documented neighbour.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionopt.commute import CommuteModel
from regionopt.crs import RD_NEW
from regionopt.instance import Instance
from regionopt.load import Geography
from regionopt.plan import Plan

UNKNOWN = "unknown"


def origin_cells(geography: Geography, model: CommuteModel) -> gpd.GeoDataFrame:
    """Voronoi cells of the origins clipped to the land (municipality polygons).

    Returns
    -------
    GeoDataFrame
        One or more pieces per origin, columns ``origin`` (row of ``model.flows``),
        ``gemeente`` and geometry (RD New). Pieces tile the municipalities without overlap.
    """
    gemeenten = geography.gemeenten
    xy = model.origins_xy
    # Duplicate points would give one cell for two origins; jitter by a millimetre.
    _, first = np.unique(np.round(xy, 3), axis=0, return_index=True)
    keep = np.sort(first)
    pts = shapely.points(xy[keep])
    envelope = shapely.box(*gemeenten.total_bounds).buffer(10_000)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=envelope)
    cell_list = list(shapely.get_parts(cells))
    # voronoi_polygons does not keep input order: match each cell to the origin inside it.
    cell_gdf = gpd.GeoDataFrame(geometry=cell_list, crs=RD_NEW)
    pts_gdf = gpd.GeoDataFrame({"origin": keep}, geometry=pts, crs=RD_NEW)
    hit = gpd.sjoin(pts_gdf, cell_gdf, predicate="within", how="left")
    hit = hit[~hit.index.duplicated()]
    cell_gdf["origin"] = -1
    cell_gdf.loc[hit["index_right"].dropna().astype(int).to_numpy(), "origin"] = hit.loc[
        hit["index_right"].notna(), "origin"
    ].to_numpy()
    cell_gdf = cell_gdf[cell_gdf["origin"] >= 0]
    pieces = gpd.overlay(
        cell_gdf, gemeenten[["code", "geometry"]], how="intersection", keep_geom_type=True
    )
    return pieces.rename(columns={"code": "gemeente"})


def cell_regions(
    plan: Plan,
    instance: Instance,
    model: CommuteModel,
    cells: gpd.GeoDataFrame,
) -> np.ndarray:
    """The region each origin cell goes to (``UNKNOWN`` where no region wins it).

    Parameters
    ----------
    plan : Plan
        Any plan; schools outside it count towards ``unknown``.
    instance : Instance
    model : CommuteModel
        Modelled flows from origins to schools.
    cells : GeoDataFrame
        ``origin_cells`` (they do not depend on the plan).

    Returns
    -------
    ndarray of str (object)
        Region id per row of ``cells``; ``territories`` dissolves the cells by it.
    """
    labels, region_ids = plan.labels(s.code for s in instance.schools)
    unassigned = np.flatnonzero(labels < 0)
    # Each school outside the plan is a bucket of its own: otherwise the many undocumented
    # schools together would outweigh every documented region. Their cells become unknown.
    col = labels.copy()
    col[unassigned] = len(region_ids) + np.arange(len(unassigned))
    n_buckets = len(region_ids) + len(unassigned)
    onehot = np.zeros((instance.n, n_buckets))
    onehot[np.arange(instance.n), col] = 1.0
    by_bucket = np.asarray(model.flows @ onehot)
    reached = by_bucket.sum(axis=1) > 0
    winner = np.where(reached, by_bucket.argmax(axis=1), n_buckets)
    winner = np.minimum(winner, len(region_ids))  # every non-region bucket -> unknown
    names = np.array((*region_ids, UNKNOWN), dtype=object)
    origin = cells["origin"].to_numpy()
    region = names[np.where(reached[origin], winner[origin], _gemeente_fallback(cells, winner))]
    return _claim_school_cells(region, cells, plan, instance)


def territories(
    plan: Plan,
    instance: Instance,
    geography: Geography,
    model: CommuteModel,
    *,
    cells: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Region polygons of a plan (RD New), disjoint, covering the land.

    Parameters
    ----------
    plan : Plan
        Any plan; schools outside it count towards ``unknown``.
    instance : Instance
    geography : load.Geography
        Municipality polygons (``gemeenten``).
    model : CommuteModel
        Modelled flows from origins to schools.
    cells : GeoDataFrame, optional
        Precomputed ``origin_cells`` (reuse them across plans: they do not depend on it).

    Returns
    -------
    GeoDataFrame
        Columns ``region_id``, ``area_km2``, geometry; one row per region with land, plus
        ``unknown`` where the modelled pupils mostly go to schools outside the plan.
    """
    cells = origin_cells(geography, model) if cells is None else cells
    region = cell_regions(plan, instance, model, cells)
    pieces = gpd.GeoDataFrame({"region_id": region}, geometry=cells.geometry.values, crs=RD_NEW)
    out = pieces.dissolve(by="region_id", as_index=False)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    out["area_km2"] = (out.geometry.area / 1e6).round(1)
    return out[["region_id", "area_km2", "geometry"]]


def _claim_school_cells(
    region: np.ndarray, cells: gpd.GeoDataFrame, plan: Plan, instance: Instance
) -> np.ndarray:
    """Give a region that won no cell the cells its own schools stand in.

    A small region between larger ones can lose every cell's plurality vote; without land it
    would vanish from the map, so it keeps at least the ground under its schools.
    """
    landless = sorted(set(plan.regions) - set(region))
    codes = [c for r in landless for c in plan.regions[r] if c in instance.index]
    if not codes:
        return region
    xy = np.array([(instance.school(c).x, instance.school(c).y) for c in codes])
    tree = shapely.STRtree(cells.geometry.values)
    school_idx, cell_idx = tree.query(shapely.points(xy), predicate="within")
    region = region.copy()
    for s, c in zip(school_idx, cell_idx, strict=True):
        region[c] = plan.assignment[codes[s]]
    return region


def _gemeente_fallback(cells: gpd.GeoDataFrame, winner: np.ndarray) -> np.ndarray:
    """For a cell whose origin reaches no school: its municipality's most common winner."""
    frame = pd.DataFrame({"gemeente": cells["gemeente"].to_numpy(), "w": winner[cells["origin"]]})
    mode = frame.groupby("gemeente")["w"].agg(lambda s: s.value_counts().index[0])
    return np.asarray(frame["gemeente"].map(mode).to_numpy())
