"""Geography: where each participating school is, its gemeente, and the commuting origins."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from regionopt.crs import RD_NEW
from regionopt.errors import Problem
from regionopt.instance import Geocode
from regionopt.load.geojson import in_nl_box


@dataclass(frozen=True)
class Geography:
    """Geometry and origins for the commuting model, territories and maps (RD New)."""

    gemeenten: gpd.GeoDataFrame
    """Columns ``code``, ``name``, ``province``, geometry (RD New)."""
    provincies: gpd.GeoDataFrame
    origins_xy: np.ndarray
    """Primary schools (where families live), shape (k, 2), RD New metres."""
    origins_pupils: np.ndarray
    """Pupils per primary school, shape (k,)."""
    origins_gemeente: np.ndarray
    """Index into ``gemeenten`` per origin (-1 when outside every polygon)."""


Point = tuple[float, float, float, float]
"""x, y (RD New metres), lon, lat."""


def place_key(name: str) -> str:
    """Normalise a place name for matching: upper case, accents and punctuation removed."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def locate(
    kinds: Mapping[str, str],
    geocoded: gpd.GeoDataFrame,
    loc: pd.DataFrame,
    pc4: pd.DataFrame,
    count_places: pd.Series,
    paths: dict[str, Path],
    warnings: list[Problem],
) -> tuple[dict[str, Point], dict[str, Geocode], list[str]]:
    """Points of the participants: geocoded address, else PC4 centroid, else place centroid.

    Returns the points, per code how it was located, and the codes that could not be.
    """
    geo_pts = _address_points(
        geocoded[geocoded["vestigingscode"].isin(kinds)], loc, paths, warnings
    )
    pc4_idx = pc4.drop_duplicates("postcode").set_index("postcode")
    place_centroids = (
        pc4.assign(key=pc4["woonplaats"].map(place_key))
        .groupby("key")[["x", "y", "lon", "lat"]]
        .mean()
    )
    geocode_by: dict[str, Geocode] = {}
    points: dict[str, Point] = {}
    dropped: list[str] = []
    for code in sorted(kinds):
        pt = geo_pts.get(code)
        if pt is not None and not in_nl_box(np.array(pt[0]), np.array(pt[1])):
            warnings.append(
                Problem(
                    str(paths["geocoded"]),
                    f"code {code}",
                    "point lies outside the Netherlands; the postcode centroid is used",
                    "correct the coordinates",
                )
            )
            pt = None
        if pt is not None:
            points[code], geocode_by[code] = pt, "address"
            continue
        postcode = loc.at[code, "POSTCODE"][:4] if code in loc.index else ""
        place = place_key(count_places.get(code) or "")
        fallbacks: tuple[tuple[str, pd.DataFrame, Geocode], ...] = (
            (postcode, pc4_idx, "postcode"),
            (place, place_centroids, "place"),
        )
        for key, table, how in fallbacks:
            if key and key in table.index:
                r = table.loc[key]
                points[code], geocode_by[code] = (r["x"], r["y"], r["lon"], r["lat"]), how
                break
        else:
            dropped.append(code)
            warnings.append(
                Problem(
                    str(paths["counts"]),
                    f"code {code}",
                    f"has pupils but no location, postcode or known place ({place or 'none'}); "
                    "dropped",
                    "add the vestiging to the location file",
                )
            )
    return points, geocode_by, dropped


def _address_points(
    geocoded: gpd.GeoDataFrame, loc: pd.DataFrame, paths: dict[str, Path], warnings: list[Problem]
) -> dict[str, Point]:
    """The geocoded point of each code; of a code listed twice, the one at its DUO postcode."""
    geo_pts: dict[str, Point] = {}
    dup_codes = set(geocoded.loc[geocoded["vestigingscode"].duplicated(), "vestigingscode"])
    for code, grp in geocoded.groupby("vestigingscode"):
        pick = grp
        if code in dup_codes and code in loc.index and "postcode" in grp.columns:
            want = loc.at[code, "POSTCODE"].replace(" ", "")
            same = grp[grp["postcode"].astype(str).str.replace(" ", "") == want]
            pick = same if len(same) else grp
        p = pick.iloc[0]
        geo_pts[code] = (p.geometry.x, p.geometry.y, p["lon"], p["lat"])
    if dup_codes:
        warnings.append(
            Problem(
                str(paths["geocoded"]),
                f"{len(dup_codes)} code(s), e.g. {sorted(dup_codes)[0]}",
                "participating code listed more than once; the point at the DUO postcode is used",
                "",
            )
        )
    return geo_pts


def gemeente_of(
    points: dict[str, Point], gemeenten: gpd.GeoDataFrame, warnings: list[Problem]
) -> dict[str, str]:
    """Gemeente code per point in polygon; a point in water snaps to one within 2 km."""
    codes = sorted(points)
    xy = np.array([points[c][:2] for c in codes], dtype=float).reshape(-1, 2)
    pts = gpd.GeoDataFrame(
        {"code": codes}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=RD_NEW
    )
    joined = gpd.sjoin_nearest(
        pts,
        gemeenten[["code", "geometry"]].rename(columns={"code": "gm"}),
        max_distance=2000.0,
        how="left",
    ).drop_duplicates("code")
    found = {
        c: gm for c, gm in zip(joined["code"], joined["gm"], strict=True) if isinstance(gm, str)
    }
    for code in codes:
        if code not in found:
            warnings.append(
                Problem(
                    "",
                    f"code {code}",
                    "point lies in no Dutch municipality (over 2 km away); dropped",
                    "correct the coordinates",
                )
            )
    return found


def with_provinces(gemeenten: gpd.GeoDataFrame, provincies: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add each municipality's province: the one holding its representative point."""
    rep = gpd.GeoDataFrame(
        gemeenten[["code", "name"]], geometry=gemeenten.representative_point(), crs=RD_NEW
    )
    prov = gpd.sjoin_nearest(rep, provincies.rename(columns={"name": "province"}), how="left")
    prov = prov.drop_duplicates("code").set_index("code")["province"]
    return gemeenten.assign(province=gemeenten["code"].map(prov).fillna(""))


def build_geography(
    geocoded: gpd.GeoDataFrame,
    gemeenten: gpd.GeoDataFrame,
    provincies: gpd.GeoDataFrame,
    paths: dict[str, Path],
    warnings: list[Problem],
) -> Geography:
    """Geometry plus the origins of the commuting model: primary schools and their pupils."""
    prim = geocoded[geocoded["type"] == "basisschool"]
    pupils = pd.to_numeric(prim["leerlingen"], errors="coerce")
    if pupils.isna().any():
        warnings.append(
            Problem(
                str(paths["geocoded"]),
                f"{int(pupils.isna().sum())} basisschool rows",
                "no pupil count; they weigh 0 in the commuting model",
                "",
            )
        )
    origins_xy = np.column_stack([prim.geometry.x.to_numpy(), prim.geometry.y.to_numpy()])
    points = gpd.GeoDataFrame(geometry=prim.geometry.values, crs=RD_NEW)
    joined = gpd.sjoin(points, gemeenten[["geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    return Geography(
        gemeenten=gemeenten,
        provincies=provincies,
        origins_xy=origins_xy,
        origins_pupils=pupils.fillna(0).to_numpy(dtype=float),
        origins_gemeente=joined["index_right"].fillna(-1).astype(int).to_numpy(),
    )
