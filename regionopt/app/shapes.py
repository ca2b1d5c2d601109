"""Region polygons of any plan, fast enough to redraw after every change.

A plan's territories are unions of origin cells (``regionopt.territory``). The cells are built
once at start-up; for each plan only the per-cell labels are recomputed
(``territory.cell_regions``, tens of milliseconds), and a region whose set of cells did not
change reuses its union from a bounded cache. The polygons are then simplified together
(``render.prepare_polygons``: shared borders stay shared) and sent as GeoJSON (EPSG:4326).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from regionopt.commute import CommuteModel
from regionopt.crs import RD_NEW
from regionopt.instance import Instance
from regionopt.load import Geography
from regionopt.plan import Plan
from regionopt.render import prepare_polygons
from regionopt.territory import UNKNOWN, cell_regions, origin_cells

UNION_CACHE_SIZE = 2000
"""Region unions kept (one per distinct set of cells); a national plan has about 80."""


class RegionShapes:
    """Plan -> region polygons (RD New) and their GeoJSON, with the cell unions cached.

    Thread-safe: the cache is guarded by a lock; the cells are read-only.
    """

    def __init__(self, instance: Instance, geography: Geography, model: CommuteModel) -> None:
        self.instance, self.model = instance, model
        self.cells = origin_cells(geography, model)
        self._geoms = self.cells.geometry.values
        self._unions: OrderedDict[bytes, BaseGeometry] = OrderedDict()
        self._lock = threading.Lock()

    def _union(self, idx: np.ndarray) -> BaseGeometry:
        key = hashlib.blake2b(idx.tobytes(), digest_size=16).digest()
        with self._lock:
            if key in self._unions:
                self._unions.move_to_end(key)
                return self._unions[key]
        geom = shapely.make_valid(shapely.union_all(self._geoms[idx]))
        with self._lock:
            self._unions[key] = geom
            while len(self._unions) > UNION_CACHE_SIZE:
                self._unions.popitem(last=False)
        return geom

    def polygons(self, plan: Plan) -> gpd.GeoDataFrame:
        """Territories of ``plan`` (RD New, ``region_id``), without the ``unknown`` land."""
        labels = cell_regions(plan, self.instance, self.model, self.cells)
        ids = sorted(set(labels) - {UNKNOWN})
        geoms = [self._union(np.flatnonzero(labels == r)) for r in ids]
        return gpd.GeoDataFrame({"region_id": ids}, geometry=geoms, crs=RD_NEW)

    def geojson(
        self, plan: Plan, properties: Mapping[str, Mapping[str, Any]] | None = None
    ) -> dict[str, Any]:
        """The plan's regions as a GeoJSON FeatureCollection (EPSG:4326, simplified).

        Parameters
        ----------
        plan : Plan
        properties : mapping, optional
            Region id -> extra properties of its feature (name, colour); ``region_id`` is
            always there.
        """
        return feature_collection(prepare_polygons(self.polygons(plan)), properties)


def feature_collection(
    gdf: gpd.GeoDataFrame, properties: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Polygons in EPSG:4326 with a ``region_id`` column -> a GeoJSON FeatureCollection."""
    props = properties or {}
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {"region_id": rid, **props.get(rid, {})},
        }
        for rid, geom in zip(gdf["region_id"], gdf.geometry.values, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
