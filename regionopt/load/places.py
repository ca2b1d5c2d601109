"""Where places are: PC4 postcode centroids, CBS municipalities and provinces (RD New)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionopt.errors import Problem
from regionopt.load.geojson import TO_RD, in_nl_box, polygons, read_geojson
from regionopt.load.reading import MAX_LISTED, read_csv


def read_pc4(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """PC4 centroids with RD New coordinates, keyed by 4-digit postcode string."""
    df = read_csv(
        path,
        sep=",",
        encoding="utf-8",
        required=("postcode", "woonplaats", "latitude", "longitude"),
        problems=problems,
    )
    if df is None:
        return None
    df = df.copy()
    df["lat"] = pd.to_numeric(df["latitude"].str.strip(), errors="coerce").astype(float)
    df["lon"] = pd.to_numeric(df["longitude"].str.strip(), errors="coerce").astype(float)
    finite = np.isfinite(df["lat"].to_numpy()) & np.isfinite(df["lon"].to_numpy())
    x, y = TO_RD.transform(
        df["lon"].where(finite, 0).to_numpy(), df["lat"].where(finite, 0).to_numpy()
    )
    df["x"], df["y"] = x, y
    inside = finite & in_nl_box(np.asarray(x), np.asarray(y))
    for n, idx in enumerate(df.index[~inside]):
        if n == MAX_LISTED:
            problems.append(Problem(str(path), "", f"... and {(~inside).sum() - n} more", ""))
            break
        problems.append(
            Problem(
                str(path),
                f"row {int(idx) + 2} (postcode {df.at[idx, 'postcode']})",
                f"latitude {df.at[idx, 'latitude']!r}, longitude {df.at[idx, 'longitude']!r} is "
                "not a point in the Netherlands",
                "give WGS84 degrees, e.g. latitude 52.09, longitude 5.12",
            )
        )
    df["postcode"] = df["postcode"].str.strip().str.zfill(4)
    return df[inside]


def read_municipalities(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """CBS municipalities in RD New with columns ``code``, ``name``."""
    gdf = read_geojson(path, problems)
    if gdf is None:
        return None
    if not {"statcode", "statnaam"} <= set(gdf.columns):
        problems.append(
            Problem(str(path), "properties", "missing statcode/statnaam", "use the CBS file")
        )
        return None
    if not polygons(gdf, path, problems):
        return None
    gdf = gdf.rename(columns={"statcode": "code", "statnaam": "name"})[["code", "name", "geometry"]]
    gdf["code"] = gdf["code"].astype(str).str.strip()
    gdf["name"] = gdf["name"].astype(str).str.strip()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf.sort_values("code").reset_index(drop=True)


def read_provinces(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Province polygons in RD New with a ``name`` column."""
    gdf = read_geojson(path, problems)
    if gdf is None:
        return None
    if not polygons(gdf, path, problems):
        return None
    name_col = next(
        (c for c in ("name", "statnaam", "PROVINCIENAAM", "provincienaam") if c in gdf.columns),
        None,
    )
    gdf["name"] = gdf[name_col].astype(str) if name_col else [f"P{i}" for i in range(len(gdf))]
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf[["name", "geometry"]]
