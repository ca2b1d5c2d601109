"""The mbo locations (KiesMBO): schools' partners, offices dropped."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd

from regionopt.errors import Problem
from regionopt.load.geojson import TO_RD
from regionopt.load.reading import MAX_LISTED, read_bytes, read_csv
from regionopt.plan import CODE_RE

MBO_OFFICE_PATTERN = re.compile(
    r"staf(?:dienst|bureau|afdeling)|centrale diensten|hoofdkantoor|bestuursbureau|"
    r"servicebureau|\bkantoor\b",
    re.IGNORECASE,
)
"""An mbo location whose name matches this is an office that gives no education; dropped."""


def read_mbo(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """KiesMBO locations -> (kept, dropped offices). Coordinates in RD New.

    The file is a JSON list of objects, each with ``brinvest`` and ``location_data`` (a
    GeoJSON point in WGS84 longitude/latitude).
    """
    raw = read_bytes(path, problems)
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
    names = read_institution_names(path.parent / INSTITUTIONS_FILE, problems)
    df["institution_name"] = [
        names.get(code[:4], label)
        for code, label in zip(df["code"], df["institution_name"], strict=True)
    ]
    df["x"], df["y"] = TO_RD.transform(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    office = df["name"].str.contains(MBO_OFFICE_PATTERN)
    return df[~office].reset_index(drop=True), df[office].reset_index(drop=True)


INSTITUTIONS_FILE = "mbo-instellingen-2025.csv"
"""The institutions beside the locations file (``brin,name,...``): each location's institution
by name (``Scalda``, ``ROC van Twente``). Optional: without it, names come from web addresses."""


def read_institution_names(path: Path, problems: list[Problem]) -> dict[str, str]:
    """Institution name per 4-character BRIN from the KiesMBO institutions file ({} if absent)."""
    if not path.is_file():
        return {}
    table = read_csv(path, sep=",", encoding="utf-8", required=("brin", "name"), problems=problems)
    if table is None:
        return {}
    return {
        brin.strip().upper(): name.strip()
        for brin, name in zip(table["brin"], table["name"], strict=True)
        if brin.strip() and name.strip()
    }


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
