"""The DUO files: vestigingen, pupil counts per vestiging, and geocoded schools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from regionopt.crs import WGS84
from regionopt.errors import Problem
from regionopt.load.geojson import read_geojson
from regionopt.load.reading import MAX_LISTED, read_csv
from regionopt.plan import CODE_RE

BEROEPSGERICHT_TYPES = ("VMBO BL lj 3-4", "VMBO KL lj 3-4", "VMBO GL lj 3-4")
TL_TYPE = "VMBO TL lj 3-4"
PRO_TYPE = "Praktijkonderwijs alle vj"
LJ34_COLUMNS = (
    "LEER- OF VERBLIJFSJAAR 3 - MAN",
    "LEER- OF VERBLIJFSJAAR 3 - VROUW",
    "LEER- OF VERBLIJFSJAAR 4 - MAN",
    "LEER- OF VERBLIJFSJAAR 4 - VROUW",
)
COUNT_COLUMNS = tuple(
    f"LEER- OF VERBLIJFSJAAR {y} - {s}" for y in range(1, 7) for s in ("MAN", "VROUW")
)
LOCATION_REQUIRED = (
    "BEVOEGD GEZAG NUMMER",
    "VESTIGINGSNUMMER",
    "VESTIGINGSNAAM",
    "POSTCODE",
    "PLAATSNAAM",
    "ONDERWIJSSTRUCTUUR",
)
COUNT_REQUIRED = (
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "INSTELLINGSNAAM VESTIGING",
    "PLAATSNAAM VESTIGING",
    "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR",
    "AFDELING",
    *LJ34_COLUMNS,
)
VSO_TYPES = ("VSO", "(V)SO")

MAX_PUPILS = 10_000
"""Upper bound of a pupil count: one cell of the DUO count file, a vestiging's total over
its rows, or a school's ``leerlingen`` in the geocoded file. The largest vestiging in the 2019
counts has 2,892 pupils and the largest school in the 2024 geocoded file 2,882, so a count
above this is a typing or export error (``1e9`` would otherwise become a billion pupils)."""


def _check_codes(codes: pd.Series, path: Path, problems: list[Problem], *, what: str) -> pd.Series:
    """Report malformed codes; returns the mask of good ones. Row numbers are file lines."""
    ok = codes.str.fullmatch(CODE_RE.pattern).fillna(False).astype(bool)
    for idx in codes.index[~ok][:MAX_LISTED]:
        problems.append(
            Problem(
                str(path),
                f"row {idx + 2}",
                f"{what} {codes[idx]!r} is not a 4-character BRIN + 2-digit location number",
                "correct the code (e.g. 02QZ00)",
            )
        )
    if (~ok).sum() > MAX_LISTED:
        problems.append(Problem(str(path), "", f"... and {(~ok).sum() - MAX_LISTED} more", ""))
    return ok


def pupil_count_problems(values: pd.Series) -> pd.Series:
    """What is wrong with each pupil count ("" when it is fine).

    A count is a whole number from 0 to ``MAX_PUPILS``; missing values are the caller's
    business (they are reported here as "not a number" when given as text).
    """
    text = values.astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    finite = np.isfinite(numbers.to_numpy())
    why = pd.Series("", index=values.index, dtype=object)
    why[~finite] = "is not a number"
    ok = finite
    with np.errstate(invalid="ignore"):
        why[ok & (numbers.to_numpy() < 0)] = "is negative"
        whole = np.equal(np.mod(numbers.to_numpy(), 1), 0)
        why[ok & (numbers.to_numpy() >= 0) & ~whole] = "is not a whole number"
        why[ok & whole & (numbers.to_numpy() > MAX_PUPILS)] = (
            f"is more than {MAX_PUPILS:,} pupils, more than any Dutch school has"
        )
    return why


def _report_counts(
    why: pd.Series,
    shown: pd.Series,
    where: Callable[[Any], str],
    path: Path,
    problems: list[Problem],
    budget: list[int],
) -> None:
    """One problem per bad count (``why`` non-empty), at most ``MAX_LISTED`` per file."""
    for idx in why.index[why != ""]:
        budget[0] += 1
        if budget[0] <= MAX_LISTED:
            problems.append(
                Problem(
                    str(path),
                    where(idx),
                    f"pupil count {shown[idx]!r} {why[idx]}",
                    "write a whole number of pupils (0 when there are none)",
                )
            )


def read_locations(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """DUO "Alle vestigingen vo" (latin-1, ``;``): one row per vestiging."""
    df = read_csv(path, sep=";", encoding="latin-1", required=LOCATION_REQUIRED, problems=problems)
    if df is None:
        return None
    df = df.apply(lambda s: s.str.strip())
    df["code"] = df["VESTIGINGSNUMMER"].str.upper()
    ok = _check_codes(df["code"], path, problems, what="VESTIGINGSNUMMER")
    dup = df["code"].duplicated(keep=False) & ok
    for code, rows in df[dup].groupby("code").groups.items():
        problems.append(
            Problem(
                str(path),
                f"code {code}",
                f"listed {len(rows)} times (rows {', '.join(str(r + 2) for r in rows)})",
                "keep one row per vestiging",
            )
        )
    return df[ok]


def read_counts(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """DUO pupil counts per vestiging x onderwijstype x afdeling (latin-1, ``;``).

    Every count must be a whole number from 0 to ``MAX_PUPILS``, and so must each
    vestiging's total over its rows.
    """
    df = read_csv(path, sep=";", encoding="latin-1", required=COUNT_REQUIRED, problems=problems)
    if df is None:
        return None
    df = df.copy()
    df["code"] = df["BRIN NUMMER"].str.strip().str.upper() + df[
        "VESTIGINGSNUMMER"
    ].str.strip().str.zfill(2)
    ok = _check_codes(df["code"], path, problems, what="BRIN NUMMER + VESTIGINGSNUMMER")
    present = [c for c in COUNT_COLUMNS if c in df.columns]
    bad = [0]
    for col in present:

        def where(idx: int, col: str = col) -> str:
            return f"row {idx + 2} ({df.at[idx, 'code']}), column {col!r}"

        why = pupil_count_problems(df[col])
        _report_counts(why, df[col], where, path, problems, bad)
        values = pd.to_numeric(df[col].str.strip(), errors="coerce").where(why == "", 0)
        df[col] = values.astype(np.int64)
    if bad[0] > MAX_LISTED:
        problems.append(
            Problem(str(path), "", f"... and {bad[0] - MAX_LISTED} more bad counts", "")
        )
    if not bad[0] and present:
        totals = df[ok].groupby("code")[present].sum().sum(axis=1)
        for code, total in totals[totals > MAX_PUPILS].items():
            problems.append(
                Problem(
                    str(path),
                    f"code {code}",
                    f"{int(total):,} pupils over its rows, more than any Dutch school has "
                    f"(at most {MAX_PUPILS:,})",
                    "correct the counts of this vestiging",
                )
            )
    df["lj34"] = df[list(LJ34_COLUMNS)].sum(axis=1)
    return df[ok]


def read_geocoded(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """DUO geocoded school points (all kinds) in RD New, with WGS84 ``lon``/``lat``.

    ``leerlingen`` must be empty or a whole number of pupils (``MAX_PUPILS`` at most).
    """
    gdf = read_geojson(path, problems)
    if gdf is None:
        return None
    missing = [c for c in ("vestigingscode", "naam", "type", "leerlingen") if c not in gdf.columns]
    if missing:
        problems.append(
            Problem(str(path), "properties", f"missing: {', '.join(missing)}", "use the DUO file")
        )
        return None
    gdf = gdf[gdf.geometry.geom_type == "Point"].copy()
    gdf["vestigingscode"] = gdf["vestigingscode"].astype(str).str.strip().str.upper()
    gdf["type"] = gdf["type"].astype(str).str.strip()
    given = gdf["leerlingen"].notna() & (gdf["leerlingen"].astype(str).str.strip() != "")
    why = pupil_count_problems(gdf["leerlingen"]).where(given, "")
    _report_counts(
        why,
        gdf["leerlingen"],
        lambda idx: f"feature {idx} ({gdf.at[idx, 'vestigingscode']}), leerlingen",
        path,
        problems,
        [0],
    )
    gdf["leerlingen"] = pd.to_numeric(gdf["leerlingen"], errors="coerce").where(why == "")
    wgs = gdf.geometry.to_crs(WGS84)
    gdf["lon"] = wgs.x
    gdf["lat"] = wgs.y
    return gdf
