"""Load the real data: files -> validated frames -> ``Instance`` and ``Geography``.

The only module (with ``territory``/``render`` writing files) that touches the file system for
input data. Every problem in the input is collected and reported together, each naming the
file, the row or code and what to do.

Policy per problem
------------------
Fail (``InputError``, nothing is built):
    a missing file or column; a file that is not text; a malformed vestiging code; a duplicate
    code in the location file; a non-numeric or negative pupil count.
Drop or fall back, with a warning in ``LoadReport.warnings``:
    a geocoded point outside the Netherlands (the postcode centroid is used instead); a code
    listed twice in the geocoded file (the point whose postcode matches the DUO address wins);
    a school with pupils that no location file names and whose place is unknown (dropped);
    an mbo location that is an office (dropped, see ``MBO_OFFICE_PATTERN``); a primary school
    with no pupil count (weight 0 in the commuting model).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

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


def _read_text(path: Path, encoding: str, problems: list[Problem]) -> str | None:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        problems.append(Problem(str(path), "", "not a text file", "use the DUO CSV download"))
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
        return raw.decode(encoding)
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
    from io import StringIO

    text = _read_text(path, encoding, problems)
    if text is None:
        return None
    try:
        df = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(Problem(str(path), "", f"cannot parse CSV: {exc}", "check the separator"))
        return None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        problems.append(
            Problem(
                str(path),
                "header",
                f"missing column(s): {', '.join(missing)}",
                f"expected a '{sep}'-separated DUO file with these columns",
            )
        )
        return None
    return df


def _check_codes(codes: pd.Series, path: Path, problems: list[Problem], *, what: str) -> pd.Series:
    """Report malformed codes; returns the mask of good ones. Row numbers are file lines."""
    ok = codes.str.fullmatch(CODE_RE.pattern).fillna(False).astype(bool)
    for idx in codes.index[~ok][:50]:
        problems.append(
            Problem(
                str(path),
                f"row {idx + 2}",
                f"{what} {codes[idx]!r} is not a 4-character BRIN + 2-digit location number",
                "correct the code (e.g. 02QZ00)",
            )
        )
    return ok


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
    """DUO pupil counts per vestiging x onderwijstype x afdeling (latin-1, ``;``)."""
    df = _read_csv(path, sep=";", encoding="latin-1", required=COUNT_REQUIRED, problems=problems)
    if df is None:
        return None
    df = df.copy()
    df["code"] = df["BRIN NUMMER"].str.strip().str.upper() + df[
        "VESTIGINGSNUMMER"
    ].str.strip().str.zfill(2)
    ok = _check_codes(df["code"], path, problems, what="BRIN NUMMER + VESTIGINGSNUMMER")
    present = [c for c in COUNT_COLUMNS if c in df.columns]
    bad_rows = 0
    for col in present:
        values = pd.to_numeric(df[col].str.strip(), errors="coerce")
        bad = values.isna() | (values < 0)
        for idx in df.index[bad]:
            bad_rows += 1
            if bad_rows <= 50:
                problems.append(
                    Problem(
                        str(path),
                        f"row {idx + 2} ({df.at[idx, 'code']}), column {col!r}",
                        f"pupil count {df.at[idx, col]!r} is not a non-negative whole number",
                        "fix the count (0 when there are none)",
                    )
                )
        df[col] = values.fillna(0).clip(lower=0).astype(np.int64)
    if bad_rows > 50:
        problems.append(Problem(str(path), "", f"... and {bad_rows - 50} more bad counts", ""))
    df["lj34"] = df[list(LJ34_COLUMNS)].sum(axis=1)
    return df[ok]


def _read_geojson(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Read a GeoJSON file; a broken file becomes a problem, not a traceback."""
    try:
        return gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a broken file
        problems.append(Problem(str(path), "", f"cannot read GeoJSON: {exc}", "re-download it"))
        return None


def read_geocoded(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """DUO geocoded school points (all kinds), reprojected to RD New."""
    gdf = _read_geojson(path, problems)
    if gdf is None:
        return None
    missing = [c for c in ("vestigingscode", "naam", "type", "leerlingen") if c not in gdf.columns]
    if missing:
        problems.append(
            Problem(str(path), "properties", f"missing: {', '.join(missing)}", "use the DUO file")
        )
        return None
    gdf = gdf[gdf.geometry.notna() & (gdf.geometry.geom_type == "Point")].copy()
    gdf["vestigingscode"] = gdf["vestigingscode"].astype(str).str.strip().str.upper()
    gdf = gdf.set_crs(WGS84, allow_override=True)
    gdf["lon"] = gdf.geometry.x
    gdf["lat"] = gdf.geometry.y
    return gdf.to_crs(RD_NEW)


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
    df["lat"] = pd.to_numeric(df["latitude"], errors="coerce")
    df["lon"] = pd.to_numeric(df["longitude"], errors="coerce")
    df = df.dropna(subset=["lat", "lon"])
    df["x"], df["y"] = _TO_RD.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
    df["postcode"] = df["postcode"].str.strip().str.zfill(4)
    return df


def read_mbo(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """KiesMBO locations -> (kept, dropped offices). Coordinates in RD New."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), "", f"not valid JSON: {exc}", "re-download it"))
        return None
    rows = []
    for i, rec in enumerate(records):
        geom = (rec or {}).get("location_data") or {}
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        code = str(rec.get("brinvest") or "").strip().upper()
        if not coords or len(coords) < 2 or not CODE_RE.match(code):
            problems.append(
                Problem(
                    str(path),
                    f"record {i}",
                    f"mbo location {rec.get('name')!r} lacks a point or a 6-character brinvest",
                    "add location_data and brinvest",
                )
            )
            continue
        rows.append(
            {
                "code": code,
                "name": str(rec.get("name") or "").strip(),
                "city": str(rec.get("city") or "").strip(),
                "institution_name": _institution_label(str(rec.get("url") or ""), code),
                "lon": float(coords[0]),
                "lat": float(coords[1]),
            }
        )
    df = pd.DataFrame(rows, columns=["code", "name", "city", "institution_name", "lon", "lat"])
    df["x"], df["y"] = _TO_RD.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
    office = df["name"].str.contains(MBO_OFFICE_PATTERN)
    return df[~office].reset_index(drop=True), df[office].reset_index(drop=True)


def _institution_label(url: str, code: str) -> str:
    """A readable mbo institution label from its web address (``www.rocva.nl`` -> ``rocva``)."""
    host = re.sub(r"^https?://", "", url.strip().lower()).split("/")[0]
    host = re.sub(r"^www\.", "", host)
    label = host.rsplit(".", 1)[0] if "." in host else host
    return label or code[:4]


def read_municipalities(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """CBS municipalities in RD New with columns ``code``, ``name``."""
    gdf = _read_geojson(path, problems)
    if gdf is None:
        return None
    if not {"statcode", "statnaam"} <= set(gdf.columns):
        problems.append(Problem(str(path), "properties", "missing statcode/statnaam", ""))
        return None
    gdf = gdf.set_crs(WGS84, allow_override=True).to_crs(RD_NEW)
    gdf = gdf.rename(columns={"statcode": "code", "statnaam": "name"})[["code", "name", "geometry"]]
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf.sort_values("code").reset_index(drop=True)


def read_provinces(path: Path, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Province polygons in RD New with a ``name`` column."""
    gdf = _read_geojson(path, problems)
    if gdf is None:
        return None
    name_col = next(
        (c for c in ("name", "statnaam", "PROVINCIENAAM", "provincienaam") if c in gdf.columns),
        None,
    )
    gdf = gdf.set_crs(WGS84, allow_override=True).to_crs(RD_NEW)
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


def _read_actual(path: Path) -> tuple[Plan, dict[str, int]]:
    """``read_actual_regions`` plus the number of rows per match quality.

    ``match == ambiguous`` rows (several candidate codes separated by ``;``) become
    ``AmbiguousMember`` entries, never a guessed member; ``unmatched`` rows are listed as
    such; a region whose ``completeness`` is ``partial`` on any row is a partial region.
    """
    problems: list[Problem] = []
    df = _read_csv(
        path,
        sep=",",
        encoding="utf-8",
        required=("region_id", "region_name", "vestiging_code", "match", "completeness"),
        problems=problems,
    )
    if df is None:
        raise InputError(problems, title="Cannot read the actual regions")
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
    locations = read_locations(paths["locations"], problems)
    counts = read_counts(paths["counts"], problems)
    geocoded = read_geocoded(paths["geocoded"], problems)
    pc4 = read_pc4(paths["pc4"], problems)
    mbo = read_mbo(paths["mbo"], problems)
    gemeenten = read_municipalities(paths["gemeenten"], problems)
    provincies = read_provinces(paths["provincies"], problems)
    # Encoding notes are advice, not failures.
    fatal = [p for p in problems if "was read as UTF-8" not in p.message]
    warnings: list[Problem] = [p for p in problems if p not in fatal]
    if fatal:
        raise InputError(fatal, title="The input data has problems")
    assert locations is not None and counts is not None and geocoded is not None
    assert pc4 is not None and mbo is not None and gemeenten is not None
    assert provincies is not None

    table, count_names, count_places = _pupils_per_school(counts)
    loc = locations.set_index("code")
    kinds = _participants(table, geocoded, participation)
    points, geocode_by, dropped = _locate(kinds, geocoded, loc, pc4, count_places, paths, warnings)
    gm_of = _gemeente_of(points, gemeenten, warnings)
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
    kept = kept[_in_nl_box(kept["x"].to_numpy(), kept["y"].to_numpy())].reset_index(drop=True)
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
