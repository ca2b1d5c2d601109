"""Read every file, then join the validated frames into an ``Instance`` and a ``Geography``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd

from regionopt.config import ParticipationConfig
from regionopt.errors import InputError, Problem
from regionopt.instance import (
    Instance,
    MboLocation,
    Municipality,
)
from regionopt.load.actual import read_actual
from regionopt.load.duo import (
    read_counts,
    read_geocoded,
    read_locations,
)
from regionopt.load.files import FILES, find_data_dir
from regionopt.load.geojson import in_nl_box
from regionopt.load.locate import (
    Geography,
    Point,
    build_geography,
    gemeente_of,
    locate,
    with_provinces,
)
from regionopt.load.mbo import read_mbo
from regionopt.load.places import read_municipalities, read_pc4, read_provinces
from regionopt.load.reading import UNREADABLE, guarded
from regionopt.load.schools import (
    Places,
    geocoded_facts,
    outsiders,
    participants,
    place_families,
    pupil_counts,
    pupils_per_school,
    school_record,
)
from regionopt.names import place_name
from regionopt.plan import Plan

_T = TypeVar("_T")


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
class LoadedData:
    """Everything ``load_all`` produces."""

    instance: Instance
    geography: Geography
    actual: Plan
    report: LoadReport
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Frames:
    """Every input file, read and validated on its own."""

    locations: pd.DataFrame
    counts: pd.DataFrame
    geocoded: gpd.GeoDataFrame
    pc4: pd.DataFrame
    mbo: tuple[pd.DataFrame, pd.DataFrame]
    gemeenten: gpd.GeoDataFrame
    provincies: gpd.GeoDataFrame


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
    frames, warnings = _read_all(paths)
    try:
        return _join(participation, root, paths, frames, warnings)
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


def _read_all(paths: dict[str, Path]) -> tuple[_Frames, list[Problem]]:
    """Read every file; the frames and the warnings, or every problem of every file raised."""
    problems: list[Problem] = []
    causes: list[BaseException] = []

    def read(reader: Callable[[Path, list[Problem]], _T | None], key: str) -> _T | None:
        return guarded(reader, paths[key], problems, causes)

    locations = read(read_locations, "locations")
    counts = read(read_counts, "counts")
    geocoded = read(read_geocoded, "geocoded")
    pc4 = read(read_pc4, "pc4")
    mbo = read(read_mbo, "mbo")
    gemeenten = read(read_municipalities, "gemeenten")
    provincies = read(read_provinces, "provincies")
    # Encoding notes are advice, not failures.
    fatal = [p for p in problems if "was read as UTF-8" not in p.message]
    if fatal:
        raise InputError(fatal, title="The input data has problems") from (
            causes[0] if causes else None
        )
    assert locations is not None and counts is not None and geocoded is not None
    assert pc4 is not None and mbo is not None and gemeenten is not None
    assert provincies is not None
    frames = _Frames(locations, counts, geocoded, pc4, mbo, gemeenten, provincies)
    return frames, [p for p in problems if p not in fatal]


def _join(
    participation: ParticipationConfig,
    root: Path,
    paths: dict[str, Path],
    frames: _Frames,
    warnings: list[Problem],
) -> LoadedData:
    """Join the validated frames into the instance, the geography and the report."""
    table, count_names, count_places = pupils_per_school(frames.counts)
    loc = frames.locations.set_index("code")
    kinds = participants(table, frames.geocoded, participation)
    points, geocode_by, dropped = locate(
        kinds, frames.geocoded, loc, frames.pc4, count_places, paths, warnings
    )
    gm_of = gemeente_of(points, frames.gemeenten, warnings)
    _require_schools_in_gemeenten(points, gm_of, paths["gemeenten"])
    dropped += [c for c in points if c not in gm_of]
    gemeenten = with_provinces(frames.gemeenten, frames.provincies)
    places = Places(loc, count_names, count_places, *geocoded_facts(frames.geocoded))
    gm_names = dict(zip(gemeenten["code"], gemeenten["name"], strict=True))
    schools = [
        school_record(
            i,
            code,
            pupil_counts(table, code, kinds[code], places.pupils),
            places,
            points[code],
            gemeente=gm_of[code],
            gemeente_name=gm_names.get(gm_of[code], ""),
            kind=kinds[code],
            geocode=geocode_by[code],
            participation=participation,
        )
        for i, code in enumerate(sorted(gm_of))
    ]
    # How people write each place ("'s-Hertogenbosch", not DUO's upper case title-cased).
    schools = [replace(s, place=place_name(s, gm_names)) for s in schools]
    kept, offices = frames.mbo
    mbo_records = _mbo_locations(kept, paths["mbo"], warnings)
    municipalities = tuple(
        Municipality(id=i, code=r.code, name=r.name, province=r.province)
        for i, r in enumerate(gemeenten.itertuples())
    )
    instance = Instance(
        schools=tuple(schools),
        mbo=mbo_records,
        municipalities=municipalities,
        participation=participation,
        place_families=place_families(frames.geocoded),
        outsiders=outsiders(table, frames.geocoded, places, kinds, gm_of),
    )
    geography = build_geography(frames.geocoded, gemeenten, frames.provincies, paths, warnings)
    actual, match_counts = read_actual(paths["actual"])
    report = LoadReport(
        data_dir=str(root),
        locations_read=len(frames.locations),
        count_rows_read=len(frames.counts),
        geocoded_by=dict(Counter(geocode_by[s.code] for s in schools)),
        mbo_kept=len(mbo_records),
        mbo_dropped=len(offices),
        mbo_dropped_names=tuple(f"{r.code} {r.name}" for r in offices.itertuples()),
        schools_dropped=tuple(dropped),
        actual_rows_by_match=match_counts,
        warnings=tuple(warnings),
    )
    return LoadedData(instance=instance, geography=geography, actual=actual, report=report)


def _require_schools_in_gemeenten(
    points: dict[str, Point], gm_of: dict[str, str], path: Path
) -> None:
    """Most schools in no municipality: the municipalities are wrong, not the schools."""
    if len(gm_of) >= len(points) / 2:
        return
    raise InputError(
        [
            Problem(
                str(path),
                "",
                f"{len(points) - len(gm_of)} of {len(points)} participating schools lie in "
                "none of its municipalities",
                "check that the file covers the Netherlands and declares the CRS of its "
                "coordinates (a 'crs' member; without one it is WGS84 longitude/latitude)",
            )
        ],
        title="The input data has problems",
    )


def _mbo_locations(
    kept: pd.DataFrame, path: Path, warnings: list[Problem]
) -> tuple[MboLocation, ...]:
    """The mbo locations in the Netherlands as records; one outside it is dropped, warned."""
    in_nl = in_nl_box(kept["x"].to_numpy(), kept["y"].to_numpy())
    for code, name in zip(kept.loc[~in_nl, "code"], kept.loc[~in_nl, "name"], strict=True):
        warnings.append(
            Problem(
                str(path),
                f"code {code}",
                f"mbo location {name!r} lies outside the Netherlands; dropped",
                "correct its coordinates (WGS84 longitude, latitude)",
            )
        )
    kept = kept[in_nl].reset_index(drop=True)
    return tuple(
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


def load_instance(
    data: Path | str | None = None, *, participation: ParticipationConfig | None = None
) -> Instance:
    """Shortcut: only the ``Instance`` of ``load_all``."""
    return load_all(data, participation=participation).instance
