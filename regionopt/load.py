"""Load the real data: files -> validated frames -> ``Instance`` and ``Geography``.

The only module (with ``territory``/``render`` writing files) that touches the file system for
input data. Every problem in the input is collected and reported together, each naming the
file, the row or code and what to do.

Policy per problem
------------------
Fail (``InputError``, nothing is built; every problem of every file is listed together):
    a missing or unreadable file (no permission, a folder); a file that is not text, not
    CSV or not JSON; a missing column; a row with more values than the header; a malformed
    vestiging code; a duplicate code in the location file; a pupil count that is not a whole
    number from 0 to ``MAX_PUPILS`` (``-5``, ``2.5``, ``abc``, ``1e9``), in the DUO counts or
    as ``leerlingen`` in the geocoded file; a GeoJSON CRS that no CRS database knows; a
    missing, NaN or infinite coordinate; a GeoJSON file whose features mostly lie outside the
    Netherlands under its CRS (an undeclared CRS is WGS84 longitude/latitude, as RFC 7946
    says; a declared one, such as EPSG:28992, is honoured); a PC4 centroid that is not a point
    in the Netherlands; an mbo file that is not a list of objects with a brinvest code and
    numeric coordinates; municipalities that hold fewer than half of the schools. Anything
    else a bad file makes pandas, pyogrio, shapely or pyproj raise also becomes a problem
    naming the file (``UNREADABLE``).
Drop or fall back, with a warning in ``LoadReport.warnings``:
    a geocoded point outside the Netherlands (the postcode centroid is used instead); a code
    listed twice in the geocoded file (the point whose postcode matches the DUO address wins);
    a school with pupils that no location file names and whose place is unknown (dropped);
    a school more than 2 km from every municipality (dropped); an mbo location outside the
    Netherlands (dropped); an mbo location that is an office (dropped, see
    ``MBO_OFFICE_PATTERN``); a primary school with no pupil count (weight 0 in the commuting
    model).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from regionopt.config import ParticipationConfig
from regionopt.errors import DataNotFoundError, InputError, Problem
from regionopt.instance import (
    PROFILE_AFDELING,
    VAKMANSCHAPSROUTE_TECHNIEK,
    Instance,
    MboLocation,
    Municipality,
    PupilCounts,
    School,
)
from regionopt.plan import CODE_RE, AmbiguousMember, Plan

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"

FILES: dict[str, str] = {
    "locations": "duo/alle-vestigingen-vo-2020.csv",
    "counts": "duo/leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv",
    "geocoded": "duo/scholen-geocoded-2024.geojson",
    "mbo": "mbo/mbo-locaties-2025.json",
    "gemeenten": "cbs/gemeenten-2022.geojson",
    "provincies": "cbs/provincies.geojson",
    "pc4": "pc4/pc4-centroids-2019.csv",
    "actual": "sto/actual-regions.csv",
    "actual_meta": "sto/actual-regions-meta.csv",
}
"""Each input, relative to the data directory (see ``../shared/data/README.md``)."""

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
MBO_OFFICE_PATTERN = re.compile(
    r"staf(?:dienst|bureau|afdeling)|centrale diensten|hoofdkantoor|bestuursbureau|"
    r"servicebureau|\bkantoor\b",
    re.IGNORECASE,
)
"""An mbo location whose name matches this is an office that gives no education; dropped."""

# Generous box around the European Netherlands in RD New metres (incl. the Wadden islands).
NL_BOX_RD = (0.0, 300_000.0, 290_000.0, 630_000.0)

MAX_PUPILS = 10_000
"""Upper bound of a pupil count: one cell of the DUO count file, a vestiging's total over
its rows, or a school's ``leerlingen`` in the geocoded file. The largest vestiging in the 2019
counts has 2,892 pupils and the largest school in the 2024 geocoded file 2,882, so a count
above this is a typing or export error (``1e9`` would otherwise become a billion pupils)."""
MAX_LISTED = 50
"""At most this many problems of one kind are listed per file (then a count of the rest)."""

_TO_RD = Transformer.from_crs(WGS84, RD_NEW, always_xy=True)


@dataclass(frozen=True)
class LoadReport:
    """What loading did: counts, fallbacks and every warning."""

    data_dir: str
    locations_read: int
    count_rows_read: int
    geocoded_by: dict[str, int]
    mbo_kept: int
    mbo_dropped: int
    mbo_dropped_names: tuple[str, ...]
    schools_dropped: tuple[str, ...]
    actual_rows_by_match: dict[str, int]
    warnings: tuple[Problem, ...] = ()


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


@dataclass(frozen=True)
class LoadedData:
    """Everything ``load_all`` produces."""

    instance: Instance
    geography: Geography
    actual: Plan
    report: LoadReport
    extra: dict[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Finding the data


def project_root() -> Path:
    """The repository root (the folder holding ``regionopt/``)."""
    return Path(__file__).resolve().parents[1]


def find_data_dir(data: Path | str | None = None) -> Path:
    """Resolve the data directory: ``data``, else ``$REGIONOPT_DATA``, else ``../shared/data``.

    Raises
    ------
    DataNotFoundError
        When the directory, or any file that ``FILES`` names, does not exist.
    """
    if data is not None:
        candidates = [(Path(data), "--data")]
    elif os.environ.get("REGIONOPT_DATA"):
        candidates = [(Path(os.environ["REGIONOPT_DATA"]), "REGIONOPT_DATA")]
    else:
        candidates = [
            (project_root().parent / "shared" / "data", "default"),
            (Path.cwd().parent / "shared" / "data", "default"),
        ]
    for path, _ in candidates:
        if path.is_dir():
            missing = [rel for rel in FILES.values() if not (path / rel).is_file()]
            if missing:
                raise DataNotFoundError(
                    [
                        Problem(
                            str(path / rel),
                            "",
                            "file not found",
                            "point --data (or REGIONOPT_DATA) at a directory laid out like "
                            "../shared/data (see its README)",
                        )
                        for rel in missing
                    ],
                    title="Data files missing",
                )
            return path
    path, source = candidates[0]
    raise DataNotFoundError(
        [
            Problem(
                str(path),
                "",
                f"data directory not found ({source})",
                "pass --data DIR or set REGIONOPT_DATA to the folder holding duo/, cbs/, mbo/, "
                "pc4/ and sto/",
            )
        ],
        title="Data directory missing",
    )


# --------------------------------------------------------------------------------------------
# Reading single files (each returns a frame and appends to ``problems``)


def _read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes; an unreadable file (no permission, a directory) becomes a problem."""
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem(
                str(path),
                "",
                f"cannot read the file: {exc.strerror or exc}",
                "check that it is a readable file (permissions, not a folder)",
            )
        )
        return None


def _read_text(path: Path, encoding: str, problems: list[Problem]) -> str | None:
    raw = _read_bytes(path, problems)
    if raw is None:
        return None
    if b"\x00" in raw[:4096]:
        problems.append(Problem(str(path), "", "not a text file", "use the documented download"))
        return None
    if encoding == "latin-1":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
        if any(ord(ch) > 127 for ch in text):
            problems.append(
                Problem(
                    str(path),
                    "",
                    "file is UTF-8, but DUO publishes latin-1; it was read as UTF-8",
                    "nothing to do if the names look right",
                )
            )
        return text
    try:
        return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                str(path),
                f"byte {exc.start}",
                f"not {encoding} text",
                f"save the file as {encoding}",
            )
        )
        return None


def _read_csv(
    path: Path, *, sep: str, encoding: str, required: tuple[str, ...], problems: list[Problem]
) -> pd.DataFrame | None:
    """A CSV as a frame of text; its index is the file line of each row minus 2.

    Parsed with the ``csv`` module so that a row with more values than the header is reported
    (pandas would silently shift such a file's columns); empty lines are skipped, a short row
    is padded with empty values.
    """
    text = _read_text(path, encoding, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    too_long = 0
    try:
        for record in reader:
            if not any(v.strip() for v in record):
                continue
            if header is None:
                header = [h.strip() for h in record]
                continue
            extra = record[len(header) :]
            if any(v.strip() for v in extra):
                too_long += 1
                if too_long <= MAX_LISTED:
                    problems.append(
                        Problem(
                            str(path),
                            f"row {reader.line_num}",
                            f"{len(record)} values but the header has {len(header)}",
                            f"put quotes around a value that holds '{sep}'",
                        )
                    )
                continue
            rows.append(record[: len(header)] + [""] * (len(header) - len(record)))
            lines.append(reader.line_num)
    except csv.Error as exc:
        problems.append(
            Problem(
                str(path),
                f"row {reader.line_num}",
                f"cannot parse CSV: {exc}",
                f"check that values are separated by '{sep}' and quotes are closed",
            )
        )
        return None
    if too_long > MAX_LISTED:
        problems.append(Problem(str(path), "", f"... and {too_long - MAX_LISTED} more rows", ""))
    if header is None:
        problems.append(Problem(str(path), "", "the file is empty", "use the documented download"))
        return None
    missing = [c for c in required if c not in header]
    doubled = sorted({c for c in required if header.count(c) > 1})
    if missing or doubled:
        what = [f"missing column(s): {', '.join(missing)}"] if missing else []
        what += [f"column(s) named twice: {', '.join(doubled)}"] if doubled else []
        problems.append(
            Problem(
                str(path),
                "header",
                "; ".join(what),
                f"expected a '{sep}'-separated file with these columns",
            )
        )
        return None
    if too_long:
        return None
    columns = _unique(header)
    index = pd.Index(np.asarray(lines, dtype=np.int64) - 2)
    return pd.DataFrame(rows, columns=columns, index=index, dtype=str)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (a repeated name that no reader needs gets a suffix)."""
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        out.append(name if not seen[name] else f"{name}.{seen[name]}")
        seen[name] += 1
    return out


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
    df = _read_csv(path, sep=";", encoding="latin-1", required=LOCATION_REQUIRED, problems=problems)
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
    df = _read_csv(path, sep=";", encoding="latin-1", required=COUNT_REQUIRED, problems=problems)
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


def _read_geojson(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Read a GeoJSON file in RD New, honouring the CRS it declares.

    A broken file, an unknown CRS, a missing or non-finite geometry become problems.
    """
    raw = _read_bytes(path, problems)
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
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        problems.append(
            Problem(
                str(path),
                f"feature {int(np.flatnonzero(missing.to_numpy())[0])}"
                + (f" and {int(missing.sum()) - 1} more" if missing.sum() > 1 else ""),
                "has no geometry (or one that cannot be read)",
                "give every feature a point or polygon with numeric coordinates",
            )
        )
        return None
    bounds = gdf.geometry.bounds.to_numpy(dtype=float)
    if not np.isfinite(bounds).all():
        first = int(np.flatnonzero(~np.isfinite(bounds).all(axis=1))[0])
        problems.append(
            Problem(
                str(path),
                f"feature {first}",
                "has a coordinate that is not a finite number (NaN or infinity)",
                "give every coordinate a number",
            )
        )
        return None
    rd = gdf.to_crs(RD_NEW)
    rd_bounds = rd.geometry.bounds.to_numpy(dtype=float)
    inside = np.isfinite(rd_bounds).all(axis=1) & _in_nl_box(rd_bounds[:, 0], rd_bounds[:, 1])
    if len(rd) and inside.mean() < 0.5:
        problems.append(
            Problem(
                str(path),
                "crs",
                f"{int((~inside).sum())} of {len(rd)} features do not lie in the Netherlands "
                f"when read as {crs.to_string()}"
                + ("" if declared else " (it declares no CRS, so it is WGS84 longitude/latitude)"),
                "declare the CRS the coordinates are in (e.g. EPSG:28992 for RD New metres)",
            )
        )
        return None
    return rd


def read_geocoded(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """DUO geocoded school points (all kinds) in RD New, with WGS84 ``lon``/``lat``.

    ``leerlingen`` must be empty or a whole number of pupils (``MAX_PUPILS`` at most).
    """
    gdf = _read_geojson(path, problems)
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


def read_pc4(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """PC4 centroids with RD New coordinates, keyed by 4-digit postcode string."""
    df = _read_csv(
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
    x, y = _TO_RD.transform(
        df["lon"].where(finite, 0).to_numpy(), df["lat"].where(finite, 0).to_numpy()
    )
    df["x"], df["y"] = x, y
    inside = finite & _in_nl_box(np.asarray(x), np.asarray(y))
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


def read_mbo(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """KiesMBO locations -> (kept, dropped offices). Coordinates in RD New.

    The file is a JSON list of objects, each with ``brinvest`` and ``location_data`` (a
    GeoJSON point in WGS84 longitude/latitude).
    """
    raw = _read_bytes(path, problems)
    if raw is None:
        return None
    try:
        records = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        problems.append(Problem(str(path), "", f"not valid JSON: {exc}"[:300], "re-download it"))
        return None
    if not isinstance(records, list):
        problems.append(
            Problem(
                str(path),
                "",
                f"holds a JSON {type(records).__name__}, not a list of mbo locations",
                "use the KiesMBO export: a list of objects with brinvest and location_data",
            )
        )
        return None
    rows = []
    n_bad = 0
    for i, rec in enumerate(records):
        row, why = _mbo_row(rec)
        if row is None:
            n_bad += 1
            if n_bad <= MAX_LISTED:
                problems.append(
                    Problem(str(path), f"record {i}", why, "add location_data and brinvest")
                )
            continue
        rows.append(row)
    if n_bad > MAX_LISTED:
        problems.append(Problem(str(path), "", f"... and {n_bad - MAX_LISTED} more records", ""))
    df = pd.DataFrame(rows, columns=["code", "name", "city", "institution_name", "lon", "lat"])
    df["x"], df["y"] = _TO_RD.transform(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    office = df["name"].str.contains(MBO_OFFICE_PATTERN)
    return df[~office].reset_index(drop=True), df[office].reset_index(drop=True)


def _mbo_row(rec: object) -> tuple[dict[str, object] | None, str]:
    """One mbo record as a row, or ``None`` and what is wrong with it."""
    if not isinstance(rec, dict):
        return None, f"is a JSON {type(rec).__name__}, not an object"
    name = str(rec.get("name") or "").strip()
    code = str(rec.get("brinvest") or "").strip().upper()
    geom = rec.get("location_data")
    coords = geom.get("coordinates") if isinstance(geom, dict) else None
    if not CODE_RE.match(code):
        return None, f"mbo location {name!r} has no 6-character brinvest code ({code!r})"
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        return None, f"mbo location {code} {name!r} has no point in location_data"
    try:
        lon, lat = float(coords[0]), float(coords[1])
    except (TypeError, ValueError):
        return None, f"mbo location {code} has coordinates {coords[:2]!r} that are not numbers"
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None, f"mbo location {code} has coordinates {coords[:2]!r} that are not finite"
    row = {
        "code": code,
        "name": name,
        "city": str(rec.get("city") or "").strip(),
        "institution_name": _institution_label(str(rec.get("url") or ""), code),
        "lon": lon,
        "lat": lat,
    }
    return row, ""


def _institution_label(url: str, code: str) -> str:
    """A readable mbo institution label from its web address (``www.rocva.nl`` -> ``rocva``)."""
    host = re.sub(r"^https?://", "", url.strip().lower()).split("/")[0]
    host = re.sub(r"^www\.", "", host)
    label = host.rsplit(".", 1)[0] if "." in host else host
    return label or code[:4]


def _polygons(gdf: gpd.GeoDataFrame, path: Path, problems: list[Problem]) -> bool:
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


def read_municipalities(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """CBS municipalities in RD New with columns ``code``, ``name``."""
    gdf = _read_geojson(path, problems)
    if gdf is None:
        return None
    if not {"statcode", "statnaam"} <= set(gdf.columns):
        problems.append(
            Problem(str(path), "properties", "missing statcode/statnaam", "use the CBS file")
        )
        return None
    if not _polygons(gdf, path, problems):
        return None
    gdf = gdf.rename(columns={"statcode": "code", "statnaam": "name"})[["code", "name", "geometry"]]
    gdf["code"] = gdf["code"].astype(str).str.strip()
    gdf["name"] = gdf["name"].astype(str).str.strip()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf.sort_values("code").reset_index(drop=True)


def read_provinces(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Province polygons in RD New with a ``name`` column."""
    gdf = _read_geojson(path, problems)
    if gdf is None:
        return None
    if not _polygons(gdf, path, problems):
        return None
    name_col = next(
        (c for c in ("name", "statnaam", "PROVINCIENAAM", "provincienaam") if c in gdf.columns),
        None,
    )
    gdf["name"] = gdf[name_col].astype(str) if name_col else [f"P{i}" for i in range(len(gdf))]
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf[["name", "geometry"]]


def read_actual_regions(path: Path) -> Plan:
    """The documented actual STO regions as a partial plan, uncertainty kept.

    ``match == ambiguous`` rows (several candidate codes separated by ``;``) become
    ``AmbiguousMember`` entries, never a guessed member; ``unmatched`` rows are listed as
    such; a region whose ``completeness`` is ``partial`` on any row is a partial region.
    """
    return _read_actual(path)[0]


def _read_actual_frame(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    return _read_csv(
        path,
        sep=",",
        encoding="utf-8",
        required=("region_id", "region_name", "vestiging_code", "match", "completeness"),
        problems=problems,
    )


def _read_actual(path: Path) -> tuple[Plan, dict[str, int]]:
    """``read_actual_regions`` plus the number of rows per match quality.

    ``match == ambiguous`` rows (several candidate codes separated by ``;``) become
    ``AmbiguousMember`` entries, never a guessed member; ``unmatched`` rows are listed as
    such; a region whose ``completeness`` is ``partial`` on any row is a partial region.
    """
    problems: list[Problem] = []
    causes: list[BaseException] = []
    df = _guarded(_read_actual_frame, path, problems, causes)
    if df is None:
        raise InputError(problems, title="Cannot read the actual regions") from (
            causes[0] if causes else None
        )
    rows: list[tuple[str, str]] = []
    ambiguous: list[AmbiguousMember] = []
    unmatched: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    partial: set[str] = set()
    for _, r in df.iterrows():
        region = r["region_id"].strip()
        names[region] = r["region_name"].strip()
        label = (r.get("school_name_on_page") or "").strip()
        codes = [c.strip().upper() for c in r["vestiging_code"].split(";") if c.strip()]
        if r["completeness"].strip() != "complete":
            partial.add(region)
        match = r["match"].strip()
        if match == "unmatched" or not codes:
            unmatched.append((region, label))
        elif match == "ambiguous" or len(codes) > 1:
            ambiguous.append(AmbiguousMember(region, tuple(codes), label))
        else:
            rows.append((codes[0], region))
    # A region with ambiguous or unmatched members is only partly known.
    partial |= {a.region_id for a in ambiguous} | {u[0] for u in unmatched}
    plan = Plan(
        rows=tuple(rows),
        name="actual",
        region_names=names,
        partial_regions=frozenset(partial),
        ambiguous=tuple(ambiguous),
        unmatched=tuple(unmatched),
        complete=False,
    )
    return plan, dict(sorted(Counter(df["match"].str.strip()).items()))


# --------------------------------------------------------------------------------------------
# Joining


def _pupils_per_school(
    counts: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Per code: PupilCounts fields; plus per code a display name and place from the count file."""
    otype = counts["ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR"].str.strip()
    afdeling = counts["AFDELING"].str.strip()
    bg = counts[otype.isin(BEROEPSGERICHT_TYPES)]
    table = pd.DataFrame(index=pd.Index(sorted(counts["code"].unique()), name="code"))
    table["beroepsgericht"] = bg.groupby("code")["lj34"].sum()
    for afd, key in PROFILE_AFDELING.items():
        table[key] = bg[bg["AFDELING"].str.strip() == afd].groupby("code")["lj34"].sum()
    table["vakmanschapsroute"] = (
        bg[bg["AFDELING"].str.strip() == VAKMANSCHAPSROUTE_TECHNIEK].groupby("code")["lj34"].sum()
    )
    table["tl"] = counts[otype == TL_TYPE].groupby("code")["lj34"].sum()
    pro_cols = list(COUNT_COLUMNS)
    table["pro"] = counts[otype == PRO_TYPE].groupby("code")[pro_cols].sum().sum(axis=1)
    table = table.fillna(0).astype(np.int64)
    del afdeling
    first = counts.drop_duplicates("code").set_index("code")
    return (
        table,
        first["INSTELLINGSNAAM VESTIGING"].str.strip(),
        first["PLAATSNAAM VESTIGING"].str.strip(),
    )


def place_key(name: str) -> str:
    """Normalise a place name for matching: upper case, accents and punctuation removed."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def _in_nl_box(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x0, x1, y0, y1 = NL_BOX_RD
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def load_all(
    data: Path | str | None = None, *, participation: ParticipationConfig | None = None
) -> LoadedData:
    """Read, validate and join every input file.

    Parameters
    ----------
    data : path, optional
        The data directory (default: ``$REGIONOPT_DATA`` or ``../shared/data``).
    participation : ParticipationConfig, optional
        Who takes part (default: every vestiging with beroepsgerichte leerjaar 3-4 pupils).

    Returns
    -------
    LoadedData
        The instance, the geography, the documented actual regions and a load report.

    Raises
    ------
    InputError
        With every problem found, when any file is unusable.
    """
    participation = participation or ParticipationConfig()
    root = find_data_dir(data)
    paths = {key: root / rel for key, rel in FILES.items()}
    problems: list[Problem] = []
    causes: list[BaseException] = []

    def read(reader: Callable[[Path, list[Problem]], _T | None], key: str) -> _T | None:
        return _guarded(reader, paths[key], problems, causes)

    locations = read(read_locations, "locations")
    counts = read(read_counts, "counts")
    geocoded = read(read_geocoded, "geocoded")
    pc4 = read(read_pc4, "pc4")
    mbo = read(read_mbo, "mbo")
    gemeenten = read(read_municipalities, "gemeenten")
    provincies = read(read_provinces, "provincies")
    # Encoding notes are advice, not failures.
    fatal = [p for p in problems if "was read as UTF-8" not in p.message]
    warnings: list[Problem] = [p for p in problems if p not in fatal]
    if fatal:
        raise InputError(fatal, title="The input data has problems") from (
            causes[0] if causes else None
        )
    assert locations is not None and counts is not None and geocoded is not None
    assert pc4 is not None and mbo is not None and gemeenten is not None
    assert provincies is not None
    try:
        return _join(
            participation,
            root,
            paths,
            locations,
            counts,
            geocoded,
            pc4,
            mbo,
            gemeenten,
            provincies,
            warnings,
        )
    except UNREADABLE as exc:
        # Every file passed its own checks, but together they do not work.
        problem = Problem(
            str(root),
            "",
            f"the data files do not fit together ({type(exc).__name__}: {exc})"[:300],
            "check that every file is the documented download (see the data README); "
            "run with --debug for details",
        )
        raise InputError([problem], title="The input data has problems") from exc


def _join(
    participation: ParticipationConfig,
    root: Path,
    paths: dict[str, Path],
    locations: pd.DataFrame,
    counts: pd.DataFrame,
    geocoded: gpd.GeoDataFrame,
    pc4: pd.DataFrame,
    mbo: tuple[pd.DataFrame, pd.DataFrame],
    gemeenten: gpd.GeoDataFrame,
    provincies: gpd.GeoDataFrame,
    warnings: list[Problem],
) -> LoadedData:
    """Join the validated frames into the instance, the geography and the report."""
    table, count_names, count_places = _pupils_per_school(counts)
    loc = locations.set_index("code")
    kinds = _participants(table, geocoded, participation)
    points, geocode_by, dropped = _locate(kinds, geocoded, loc, pc4, count_places, paths, warnings)
    gm_of = _gemeente_of(points, gemeenten, warnings)
    if len(gm_of) < len(points) / 2:
        # Most schools in no municipality: the municipalities are wrong, not the schools.
        raise InputError(
            [
                Problem(
                    str(paths["gemeenten"]),
                    "",
                    f"{len(points) - len(gm_of)} of {len(points)} participating schools lie in "
                    "none of its municipalities",
                    "check that the file covers the Netherlands and declares the CRS of its "
                    "coordinates (a 'crs' member; without one it is WGS84 longitude/latitude)",
                )
            ],
            title="The input data has problems",
        )
    dropped += [c for c in points if c not in gm_of]
    gemeenten = _with_provinces(gemeenten, provincies)

    geo_names, geo_places, geo_pupils = _geocoded_facts(geocoded)
    gm_names = dict(zip(gemeenten["code"], gemeenten["name"], strict=True))
    schools: list[School] = []
    for code in sorted(gm_of):
        in_counts = code in table.index
        counts_of = {k: int(table.at[code, k]) for k in table.columns} if in_counts else {}
        pupils = PupilCounts(
            **{k: counts_of.get(k, 0) for k in PupilCounts.__dataclass_fields__ if k != "vso"},
            vso=geo_pupils.get(code, 0) if kinds[code] == "vso" else 0,
        )
        x, y, lon, lat = points[code]
        in_loc = code in loc.index
        # The 2020 location file names a vestiging first, then the 2019 counts, then the 2024
        # geocoded file (which alone names many vso schools); the place falls back to the
        # gemeente the point lies in.
        name = _first_text(
            loc.at[code, "VESTIGINGSNAAM"] if in_loc else "",
            count_names.get(code, ""),
            geo_names.get(code, ""),
        )
        place = _first_text(
            loc.at[code, "PLAATSNAAM"] if in_loc else "",
            count_places.get(code, ""),
            geo_places.get(code, ""),
        ).title() or gm_names.get(gm_of[code], "")
        schools.append(
            School(
                id=len(schools),
                code=code,
                name=name or code,
                bestuur=loc.at[code, "BEVOEGD GEZAG NUMMER"] if in_loc else "",
                place=place,
                gemeente=gm_of[code],
                kind=kinds[code],  # type: ignore[arg-type]
                x=float(x),
                y=float(y),
                lon=float(lon),
                lat=float(lat),
                geocode=geocode_by[code],  # type: ignore[arg-type]
                pupils=pupils,
                technical_pupils=pupils.technical(
                    include_vakmanschapsroute=participation.vakmanschapsroute_is_technical
                ),
            )
        )

    kept, offices = mbo
    in_nl = _in_nl_box(kept["x"].to_numpy(), kept["y"].to_numpy())
    for code, name in zip(kept.loc[~in_nl, "code"], kept.loc[~in_nl, "name"], strict=True):
        warnings.append(
            Problem(
                str(paths["mbo"]),
                f"code {code}",
                f"mbo location {name!r} lies outside the Netherlands; dropped",
                "correct its coordinates (WGS84 longitude, latitude)",
            )
        )
    kept = kept[in_nl].reset_index(drop=True)
    mbo_records = tuple(
        MboLocation(
            id=i,
            code=r.code,
            name=r.name,
            institution=r.code[:4],
            institution_name=r.institution_name,
            city=r.city,
            x=float(r.x),
            y=float(r.y),
            lon=float(r.lon),
            lat=float(r.lat),
        )
        for i, r in enumerate(kept.itertuples())
    )
    municipalities = tuple(
        Municipality(id=i, code=r.code, name=r.name, province=r.province)
        for i, r in enumerate(gemeenten.itertuples())
    )
    instance = Instance(
        schools=tuple(schools),
        mbo=mbo_records,
        municipalities=municipalities,
        participation=participation,
    )
    geography = _geography(geocoded, gemeenten, provincies, paths, warnings)
    actual, match_counts = _read_actual(paths["actual"])
    report = LoadReport(
        data_dir=str(root),
        locations_read=len(locations),
        count_rows_read=len(counts),
        geocoded_by=dict(Counter(geocode_by[s.code] for s in schools)),
        mbo_kept=len(mbo_records),
        mbo_dropped=len(offices),
        mbo_dropped_names=tuple(f"{r.code} {r.name}" for r in offices.itertuples()),
        schools_dropped=tuple(dropped),
        actual_rows_by_match=match_counts,
        warnings=tuple(warnings),
    )
    return LoadedData(instance=instance, geography=geography, actual=actual, report=report)


UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RuntimeError,
    ArithmeticError,
    csv.Error,
    shapely.errors.ShapelyError,
)
"""What a file that passed no check can make pandas, pyogrio, shapely or pyproj raise:
an unreadable file (``OSError``: no permission, a folder), bad JSON or text
(``ValueError``), a GDAL error (``RuntimeError``), an invalid geometry
(``ShapelyError``), or values of the wrong shape. Each becomes a problem naming the file."""

_T = TypeVar("_T")


def _guarded(
    reader: Callable[[Path, list[Problem]], _T | None],
    path: Path,
    problems: list[Problem],
    causes: list[BaseException],
) -> _T | None:
    """Run one reader; whatever a bad file makes it raise becomes a problem naming the file."""
    try:
        return reader(path, problems)
    except UNREADABLE as exc:
        causes.append(exc)
        problems.append(
            Problem(
                str(path),
                "",
                f"cannot read the file ({type(exc).__name__}: {exc})"[:300],
                "check that it is the documented download (see the data README); "
                "run with --debug for details",
            )
        )
        return None


def _first_text(*candidates: object) -> str:
    """The first candidate that is a non-empty string (stripped), else ``""``."""
    for text in candidates:
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def _geocoded_facts(
    geocoded: gpd.GeoDataFrame,
) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """Per code in the geocoded file: its name, its place and its pupils (first row wins)."""
    first = geocoded.drop_duplicates("vestigingscode").set_index("vestigingscode")
    names = {c: v for c, v in first["naam"].items() if isinstance(v, str)}
    places = (
        {c: v for c, v in first["plaats"].items() if isinstance(v, str)}
        if "plaats" in first.columns
        else {}
    )
    pupils = {
        c: int(v) for c, v in pd.to_numeric(first["leerlingen"], errors="coerce").items() if v == v
    }
    return names, places, pupils


def _participants(
    table: pd.DataFrame, geocoded: gpd.GeoDataFrame, participation: ParticipationConfig
) -> dict[str, str]:
    """Code -> kind of every participating vestiging (rule 6: who takes part)."""
    kinds: dict[str, str] = {}
    for code, row in table.iterrows():
        if row["beroepsgericht"] > 0:
            kinds[code] = "vmbo"
        elif participation.include_tl_only and row["tl"] > 0:
            kinds[code] = "tl"
        elif participation.include_pro and row["pro"] > 0:
            kinds[code] = "pro"
    if participation.include_vso:
        vso = geocoded.loc[geocoded["type"].isin(VSO_TYPES), "vestigingscode"]
        for code in vso:
            kinds.setdefault(code, "vso")
    return kinds


Point = tuple[float, float, float, float]
"""x, y (RD New metres), lon, lat."""


def _locate(
    kinds: dict[str, str],
    geocoded: gpd.GeoDataFrame,
    loc: pd.DataFrame,
    pc4: pd.DataFrame,
    count_places: pd.Series,
    paths: dict[str, Path],
    warnings: list[Problem],
) -> tuple[dict[str, Point], dict[str, str], list[str]]:
    """Points of the participants: geocoded address, else PC4 centroid, else place centroid.

    Returns the points, per code how it was located, and the codes that could not be.
    """
    geocoded = geocoded[geocoded["vestigingscode"].isin(kinds)]
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
    pc4_idx = pc4.drop_duplicates("postcode").set_index("postcode")
    place_centroids = (
        pc4.assign(key=pc4["woonplaats"].map(place_key))
        .groupby("key")[["x", "y", "lon", "lat"]]
        .mean()
    )
    geocode_by: dict[str, str] = {}
    points: dict[str, Point] = {}
    dropped: list[str] = []
    for code in sorted(kinds):
        pt = geo_pts.get(code)
        if pt is not None and not _in_nl_box(np.array(pt[0]), np.array(pt[1])):
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
        for key, table, how in ((postcode, pc4_idx, "postcode"), (place, place_centroids, "place")):
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


def _gemeente_of(
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


def _with_provinces(gemeenten: gpd.GeoDataFrame, provincies: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add each municipality's province: the one holding its representative point."""
    rep = gpd.GeoDataFrame(
        gemeenten[["code", "name"]], geometry=gemeenten.representative_point(), crs=RD_NEW
    )
    prov = gpd.sjoin_nearest(rep, provincies.rename(columns={"name": "province"}), how="left")
    prov = prov.drop_duplicates("code").set_index("code")["province"]
    return gemeenten.assign(province=gemeenten["code"].map(prov).fillna(""))


def _geography(
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


def load_instance(
    data: Path | str | None = None, *, participation: ParticipationConfig | None = None
) -> Instance:
    """Shortcut: only the ``Instance`` of ``load_all``."""
    return load_all(data, participation=participation).instance
