"""Territories of a plan: commuting territories (reused origin cells), or gemeente stand-ins."""

from __future__ import annotations

from collections import Counter, defaultdict

import geopandas as gpd
import numpy as np

from regionopt.commute import CommuteModel, commute_model
from regionopt.config import Config
from regionopt.crs import RD_NEW
from regionopt.instance import Instance
from regionopt.load import Geography
from regionopt.plan import Plan
from regionopt.territory import UNKNOWN, origin_cells, territories


class TerritoryMaker:
    """Plan -> commuting territories (RD New); the origin cells are built once and reused."""

    def __init__(
        self,
        instance: Instance,
        geography: Geography,
        config: Config,
        model: CommuteModel | None = None,
    ) -> None:
        self.instance, self.geography = instance, geography
        self.model = model or commute_model(
            instance, geography.origins_xy, geography.origins_pupils, config.commute
        )
        self.cells = origin_cells(geography, self.model)

    def __call__(self, plan: Plan) -> gpd.GeoDataFrame:
        """Territories of ``plan`` (without the ``unknown`` land)."""
        terr = territories(plan, self.instance, self.geography, self.model, cells=self.cells)
        return terr[terr["region_id"] != UNKNOWN].reset_index(drop=True)


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
        min(votes[c].items(), key=lambda kv: (-kv[1], kv[0]))[0] if votes.get(c) else UNKNOWN
        for c in gm["code"]
    ]
    planned = [s for s in instance.schools if s.code in assignment]
    if fill and planned:
        from scipy.spatial import cKDTree

        tree = cKDTree(np.array([(s.x, s.y) for s in planned]))
        reps = gm.geometry.representative_point()
        for i, r in enumerate(region):
            if r == UNKNOWN:
                _, j = tree.query((reps.iloc[i].x, reps.iloc[i].y))
                region[i] = assignment[planned[int(j)].code]
    out = gpd.GeoDataFrame({"region_id": region}, geometry=gm.geometry.values, crs=RD_NEW)
    out = out.dissolve(by="region_id", as_index=False)
    return out[out["region_id"] != UNKNOWN].reset_index(drop=True)
