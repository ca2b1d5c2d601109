"""Reading GeoJSON in RD New, honouring the CRS a file declares; where the Netherlands is."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from regionopt.crs import RD_NEW, WGS84
from regionopt.errors import Problem
from regionopt.load.reading import read_bytes

# Generous box around the European Netherlands in RD New metres (incl. the Wadden islands).
NL_BOX_RD = (0.0, 300_000.0, 290_000.0, 630_000.0)

TO_RD = Transformer.from_crs(WGS84, RD_NEW, always_xy=True)
"""WGS84 longitude/latitude -> RD New metres."""


def in_nl_box(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x0, x1, y0, y1 = NL_BOX_RD
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def _declared_crs(data: object, path: Path, problems: list[Problem]) -> CRS | None:
    """The CRS a GeoJSON declares, or WGS84 when it declares none (RFC 7946).

    The old ``crs`` member (``{"type": "name", "properties": {"name": ...}}``) is honoured;
    a name that no CRS database knows, or a linked CRS, is a problem, never a guess.
    """
    if not isinstance(data, dict):
        problems.append(
            Problem(
                str(path),
                "",
                "not a GeoJSON object (the file must hold one FeatureCollection)",
                "use the documented download",
            )
        )
        return None
    member = data.get("crs")
    if member is None:
        return CRS.from_user_input(WGS84)
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if isinstance(member, dict) and member.get("type") == "name" and isinstance(name, str):
        try:
            return CRS.from_user_input(name)
        except CRSError:
            pass
    problems.append(
        Problem(
            str(path),
            "crs",
            f"declares a CRS that is not known: {json.dumps(member)[:200]}",
            'declare it by name, e.g. "crs": {"type": "name", "properties": {"name": '
            '"EPSG:28992"}}, or leave "crs" out for WGS84 longitude/latitude',
        )
    )
    return None


def read_geojson(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Read a GeoJSON file in RD New, honouring the CRS it declares.

    A broken file, an unknown CRS, a missing or non-finite geometry become problems.
    """
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        problems.append(
            Problem(str(path), "", f"not valid GeoJSON: {exc}"[:300], "use the documented download")
        )
        return None
    crs = _declared_crs(data, path, problems)
    if crs is None:
        return None
    declared = isinstance(data, dict) and "crs" in data
    del data
    try:
        with warnings.catch_warnings():
            # GDAL's notes on odd values; the checks below report what matters.
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(io.BytesIO(raw))
    except Exception as exc:  # pyogrio raises several types for a broken file
        problems.append(
            Problem(
                str(path), "", f"cannot read GeoJSON: {exc}"[:300], "use the documented download"
            )
        )
        return None
    gdf = gdf.set_crs(crs, allow_override=True)
    wrong = _geometry_problem(gdf, path)
    if wrong is not None:
        problems.append(wrong)
        return None
    rd = gdf.to_crs(RD_NEW)
    wrong = _placement_problem(rd, path, crs, declared=declared)
    if wrong is not None:
        problems.append(wrong)
        return None
    return rd


def _geometry_problem(gdf: gpd.GeoDataFrame, path: Path) -> Problem | None:
    """A feature without geometry, or with a coordinate that is not finite (``None``: fine)."""
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        return Problem(
            str(path),
            f"feature {int(np.flatnonzero(missing.to_numpy())[0])}"
            + (f" and {int(missing.sum()) - 1} more" if missing.sum() > 1 else ""),
            "has no geometry (or one that cannot be read)",
            "give every feature a point or polygon with numeric coordinates",
        )
    bounds = gdf.geometry.bounds.to_numpy(dtype=float)
    if not np.isfinite(bounds).all():
        first = int(np.flatnonzero(~np.isfinite(bounds).all(axis=1))[0])
        return Problem(
            str(path),
            f"feature {first}",
            "has a coordinate that is not a finite number (NaN or infinity)",
            "give every coordinate a number",
        )
    return None


def _placement_problem(
    rd: gpd.GeoDataFrame, path: Path, crs: CRS, *, declared: bool
) -> Problem | None:
    """Most features outside the Netherlands: the coordinates are not in ``crs``."""
    rd_bounds = rd.geometry.bounds.to_numpy(dtype=float)
    inside = np.isfinite(rd_bounds).all(axis=1) & in_nl_box(rd_bounds[:, 0], rd_bounds[:, 1])
    if not len(rd) or inside.mean() >= 0.5:
        return None
    return Problem(
        str(path),
        "crs",
        f"{int((~inside).sum())} of {len(rd)} features do not lie in the Netherlands "
        f"when read as {crs.to_string()}"
        + ("" if declared else " (it declares no CRS, so it is WGS84 longitude/latitude)"),
        "declare the CRS the coordinates are in (e.g. EPSG:28992 for RD New metres)",
    )


def polygons(gdf: gpd.GeoDataFrame, path: Path, problems: list[Problem]) -> bool:
    """True when every feature is a (multi)polygon; else one problem naming the first."""
    kinds = gdf.geometry.geom_type
    bad = ~kinds.isin(("Polygon", "MultiPolygon"))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        problems.append(
            Problem(
                str(path),
                f"feature {first}",
                f"is a {kinds.iloc[first]}, not a polygon",
                "use a file of municipality or province polygons",
            )
        )
        return False
    return True
