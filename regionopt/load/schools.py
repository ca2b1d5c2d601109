"""The participating vestigingen: who takes part, their pupils, names and places, as records."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from regionopt.config import ParticipationConfig
from regionopt.instance import (
    PROFILE_AFDELING,
    VAKMANSCHAPSROUTE_TECHNIEK,
    Geocode,
    Outsider,
    PupilCounts,
    School,
    SchoolKind,
)
from regionopt.load.duo import BEROEPSGERICHT_TYPES, COUNT_COLUMNS, PRO_TYPE, TL_TYPE, VSO_TYPES
from regionopt.load.locate import Point

LABOUR_MARKET_NAME = "RPA-GEBIED NAAM"
"""The location file's column naming each vestiging's labour-market region."""


def pupils_per_school(
    counts: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Per code: PupilCounts fields; plus per code a display name and place from the count file."""
    otype = counts["ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR"].str.strip()
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
    first = counts.drop_duplicates("code").set_index("code")
    return (
        table,
        first["INSTELLINGSNAAM VESTIGING"].str.strip(),
        first["PLAATSNAAM VESTIGING"].str.strip(),
    )


def participants(
    table: pd.DataFrame, geocoded: gpd.GeoDataFrame, participation: ParticipationConfig
) -> dict[str, SchoolKind]:
    """Code -> kind of every participating vestiging (rule 6: who takes part)."""
    kinds: dict[str, SchoolKind] = {}
    for code, row in table.iterrows():
        if row["beroepsgericht"] > 0:
            kinds[code] = "vmbo"
        elif participation.include_tl_only and row["tl"] > 0:
            kinds[code] = "tl"
        elif participation.include_pro and row["pro"] > 0:
            kinds[code] = "pro"
    vso_codes = geocoded.loc[geocoded["type"].isin(VSO_TYPES), "vestigingscode"]
    if participation.include_vso:
        for code in vso_codes:
            kinds.setdefault(code, "vso")
    vso = set(vso_codes)
    for code in participation.schools:  # named one by one: whatever the settings say
        if code in kinds:
            continue
        if code in table.index and table.at[code, "tl"] > 0:
            kinds[code] = "tl"
        elif code in table.index and table.at[code, "pro"] > 0:
            kinds[code] = "pro"
        elif code in vso:
            kinds[code] = "vso"
    return kinds


@dataclass(frozen=True)
class Places:
    """Names and places of the vestigingen, from every file that names them."""

    loc: pd.DataFrame
    count_names: pd.Series
    count_places: pd.Series
    geo_names: dict[str, str]
    geo_places: dict[str, str]
    pupils: dict[str, int]
    """Pupils per code in the geocoded file (the own pupils of a vso school)."""

    def labour_market(self, code: str) -> str:
        """The vestiging's RPA-gebied name in the location file ("" when not listed)."""
        if code not in self.loc.index or LABOUR_MARKET_NAME not in self.loc.columns:
            return ""
        return _first_text(self.loc.at[code, LABOUR_MARKET_NAME])

    def address(self, code: str) -> str:
        """Street, number and postcode in the location file ("" when not listed)."""
        if code not in self.loc.index:
            return ""
        row = self.loc.loc[code]
        street = " ".join(
            _first_text(row.get(column)) for column in ("STRAATNAAM", "HUISNUMMER-TOEVOEGING")
        ).strip()
        return ", ".join(part for part in (street, _first_text(row.get("POSTCODE"))) if part)

    def name(self, code: str) -> str:
        """The 2020 location file names a vestiging first, then the 2019 counts, then the
        2024 geocoded file (which alone names many vso schools)."""
        in_loc = code in self.loc.index
        return _first_text(
            self.loc.at[code, "VESTIGINGSNAAM"] if in_loc else "",
            self.count_names.get(code, ""),
            self.geo_names.get(code, ""),
        )

    def place(self, code: str) -> str:
        """The place, in the same order of files (``""``: the caller uses the gemeente)."""
        in_loc = code in self.loc.index
        return _first_text(
            self.loc.at[code, "PLAATSNAAM"] if in_loc else "",
            self.count_places.get(code, ""),
            self.geo_places.get(code, ""),
        ).title()


def geocoded_facts(
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


def _first_text(*candidates: object) -> str:
    """The first candidate that is a non-empty string (stripped), else ``""``."""
    for text in candidates:
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def pupil_counts(
    table: pd.DataFrame, code: str, kind: SchoolKind, geo_pupils: dict[str, int]
) -> PupilCounts:
    """A school's counts from the DUO table; a vso school's own pupils from the geocoded file."""
    counts_of = {k: int(table.at[code, k]) for k in table.columns} if code in table.index else {}
    return PupilCounts(
        **{k: counts_of.get(k, 0) for k in PupilCounts.__dataclass_fields__ if k != "vso"},
        vso=geo_pupils.get(code, 0) if kind == "vso" else 0,
    )


def school_record(
    i: int,
    code: str,
    pupils: PupilCounts,
    places: Places,
    point: Point,
    *,
    gemeente: str,
    gemeente_name: str,
    kind: SchoolKind,
    geocode: Geocode,
    participation: ParticipationConfig,
) -> School:
    """One participating vestiging as a record; its place is its gemeente's when no file
    names one."""
    x, y, lon, lat = point
    return School(
        id=i,
        code=code,
        name=places.name(code) or code,
        bestuur=places.loc.at[code, "BEVOEGD GEZAG NUMMER"] if code in places.loc.index else "",
        place=places.place(code) or gemeente_name,
        gemeente=gemeente,
        kind=kind,
        x=float(x),
        y=float(y),
        lon=float(lon),
        lat=float(lat),
        geocode=geocode,
        pupils=pupils,
        technical_pupils=pupils.technical(
            include_vakmanschapsroute=participation.vakmanschapsroute_is_technical
        ),
        labour_market=places.labour_market(code),
        address=places.address(code),
    )


def place_families(geocoded: gpd.GeoDataFrame) -> tuple[tuple[str, int], ...]:
    """Primary-school pupils per place of the geocoded file (where families live), by place."""
    if "plaats" not in geocoded.columns:
        return ()
    primary = geocoded[(geocoded["type"] == "basisschool") & geocoded["plaats"].notna()]
    pupils = pd.to_numeric(primary["leerlingen"], errors="coerce").fillna(0)
    totals = pupils.groupby(primary["plaats"].astype(str).str.strip()).sum()
    return tuple((str(p), int(n)) for p, n in sorted(totals.items()) if p)


def outsiders(
    table: pd.DataFrame,
    geocoded: gpd.GeoDataFrame,
    places: Places,
    kinds: Mapping[str, SchoolKind],
    taking_part: Collection[str],
) -> dict[str, Outsider]:
    """Every vestiging the data files name that does not take part, and what it could be.

    Parameters
    ----------
    table : DataFrame
        ``pupils_per_school``'s counts per code.
    geocoded : GeoDataFrame
        The geocoded schools (their ``type`` tells vso and primary schools).
    places : Places
        Names and places of the vestigingen.
    kinds : mapping
        ``participants``: who takes part under the settings.
    taking_part : collection of str
        The codes of the instance's schools (``kinds`` less the schools the data places
        nowhere).

    Returns
    -------
    dict
        Code -> ``Outsider``, for messages about codes that name no participating school.
    """
    geo_type = dict(
        zip(geocoded["vestigingscode"], geocoded["type"].astype(str).str.strip(), strict=True)
    )
    loc_type = (
        places.loc["ONDERWIJSSTRUCTUUR"].astype(str).str.strip().to_dict()
        if "ONDERWIJSSTRUCTUUR" in places.loc
        else {}
    )
    codes = set(places.loc.index) | set(table.index) | set(geo_type)
    out: dict[str, Outsider] = {}
    for code in sorted(codes - set(taking_part)):
        counts = table.loc[code] if code in table.index else None
        could: list[SchoolKind] = []
        if counts is not None and counts["tl"] > 0 and counts["beroepsgericht"] == 0:
            could.append("tl")
        if counts is not None and counts["pro"] > 0:
            could.append("pro")
        if geo_type.get(code) in VSO_TYPES:
            could.append("vso")
        out[code] = Outsider(
            code=code,
            name=places.name(code),
            place=places.place(code),
            school_type=geo_type.get(code) or loc_type.get(code, ""),
            could_join_as=tuple(could),
            dropped=code in kinds,
        )
    return out
