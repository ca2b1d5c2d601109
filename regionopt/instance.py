"""The instance: frozen, typed records with integer ids and RD New (EPSG:28992) metres.

Everything downstream of ``load`` (graph, solve, check, budget) works on an ``Instance`` and
never needs geopandas. Geometry for maps and territories lives in ``load.Geography``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from regionopt.config import ParticipationConfig

PROFILES: tuple[str, ...] = ("BWI", "PIE", "MT", "MaT", "MVI")
"""The five technical vmbo profiles, in the keys used everywhere (M&T is ``MT``)."""

PROFILE_AFDELING: Mapping[str, str] = {
    "Bouwen, wonen en interieur": "BWI",
    "Produceren, installeren en energie": "PIE",
    "Mobiliteit en transport": "MT",
    "Maritiem en Techniek": "MaT",
    "Media, vormgeving en ICT": "MVI",
}
"""DUO ``AFDELING`` value -> profile key."""

VAKMANSCHAPSROUTE_TECHNIEK = "Vakmanschapsroute Techniek"

Geocode = Literal["address", "postcode", "place"]
SchoolKind = Literal["vmbo", "tl", "pro", "vso"]


@dataclass(frozen=True)
class PupilCounts:
    """Leerjaar 3+4 pupil counts of one vestiging (DUO, 1 Oct 2019).

    ``beroepsgericht`` is bb+kb+gl in all profiles; the five technical profiles and the
    Vakmanschapsroute Techniek are parts of it; ``tl`` is the theoretical leerweg. ``pro``
    (praktijkonderwijs, all years, DUO 2019) and ``vso`` (the school's pupils in the geocoded
    file, 2024) are the own pupils of schools that may join (rule 6).
    """

    beroepsgericht: int = 0
    BWI: int = 0
    PIE: int = 0
    MT: int = 0
    MaT: int = 0
    MVI: int = 0
    vakmanschapsroute: int = 0
    tl: int = 0
    pro: int = 0
    vso: int = 0

    def technical(self, *, include_vakmanschapsroute: bool = False) -> int:
        """Technical-profile pupils (the five profiles, optionally the Vakmanschapsroute)."""
        total = self.BWI + self.PIE + self.MT + self.MaT + self.MVI
        return total + (self.vakmanschapsroute if include_vakmanschapsroute else 0)

    def by_profile(self) -> dict[str, int]:
        """Pupils per technical profile, keyed by ``PROFILES``."""
        return {p: getattr(self, p) for p in PROFILES}


@dataclass(frozen=True)
class School:
    """One vestiging (school location). ``id`` is its index in ``Instance.schools``."""

    id: int
    code: str
    name: str
    bestuur: str
    place: str
    gemeente: str
    """CBS code (``GM0014``) of the municipality the point lies in."""
    kind: SchoolKind
    """``vmbo``: has beroepsgerichte leerjaar 3-4 pupils; else ``tl``, ``pro`` or ``vso``."""
    x: float
    y: float
    lon: float
    lat: float
    geocode: Geocode
    pupils: PupilCounts
    technical_pupils: int
    """Technical-profile pupils leerjaar 3-4 under the instance's participation config."""
    labour_market: str = ""
    """Name of its labour-market region (RPA-gebied, DUO location file; "" when not listed)."""
    address: str = ""
    """Street, number and postcode in the DUO location file ("Zwartwatersweg 202, 9406 NN"; ""
    when not listed): what tells a school's locations of one name apart."""

    @property
    def is_vmbo(self) -> bool:
        """True for a vmbo vestiging with beroepsgerichte pupils (counts for rule 2)."""
        return self.kind == "vmbo"

    @property
    def own_pupils(self) -> int:
        """The pupils that draw families to the school, by its kind.

        Beroepsgerichte leerjaar 3-4 pupils for a vmbo school; for a school that may join
        (rule 6) its own pupils: tl leerjaar 3-4, pro or vso pupils.
        """
        by_kind = {
            "vmbo": self.pupils.beroepsgericht,
            "tl": self.pupils.tl,
            "pro": self.pupils.pro,
            "vso": self.pupils.vso,
        }
        return by_kind[self.kind]

    @property
    def has_technical_profile(self) -> bool:
        """True when the school has technical-profile pupils (a possible penvoerder)."""
        return self.technical_pupils > 0


@dataclass(frozen=True)
class MboLocation:
    """One mbo location that gives education."""

    id: int
    code: str
    name: str
    institution: str
    """4-character BRIN of the mbo institution."""
    institution_name: str
    """The institution's name (``mbo/mbo-instellingen-2025.csv``; else from its web address)."""
    city: str
    x: float
    y: float
    lon: float
    lat: float


@dataclass(frozen=True)
class Municipality:
    """One gemeente (CBS 2022)."""

    id: int
    code: str
    name: str
    province: str


@dataclass(frozen=True)
class Outsider:
    """A vestiging in the data files that does not take part under the participation settings.

    Kept so that a code the user types can be told apart from a typing error: a school that
    takes part only with a ``[participation]`` key, one that never can (havo/vwo only, a
    primary school), or one that takes part but could not be placed.
    """

    code: str
    name: str
    place: str
    school_type: str
    """What the files say it is (``HAVO/VWO``, ``basisschool``, ``(V)SO``; ``""``: unknown)."""
    could_join_as: tuple[SchoolKind, ...] = ()
    """The kinds it would take part as (``tl``, ``pro``, ``vso``), each with its
    ``[participation]`` key; empty when no setting lets it take part."""
    dropped: bool = False
    """True when it takes part under the settings but the data places it nowhere (it was left
    out when loading; ``LoadReport.schools_dropped``)."""


@dataclass(frozen=True)
class Instance:
    """The national (or any) problem instance: schools, mbo locations, municipalities.

    Build it with ``regionopt.load.load_instance`` for the real data, or directly from
    records in tests.
    """

    schools: tuple[School, ...]
    mbo: tuple[MboLocation, ...] = ()
    municipalities: tuple[Municipality, ...] = ()
    participation: ParticipationConfig = field(default_factory=ParticipationConfig)
    place_families: tuple[tuple[str, int], ...] = ()
    """(place, primary-school pupils) per place: where families live, which names a region
    after the places people know (``names``)."""
    outsiders: Mapping[str, Outsider] = field(default_factory=dict, compare=False, repr=False)
    """Code -> the vestigingen in the data that do not take part (for messages only)."""

    def __post_init__(self) -> None:
        for i, s in enumerate(self.schools):
            if s.id != i:
                raise ValueError(f"school {s.code} has id {s.id}, expected {i}")
        codes = [s.code for s in self.schools]
        if len(set(codes)) != len(codes):
            raise ValueError("school codes are not unique")

    @property
    def n(self) -> int:
        """Number of participating schools."""
        return len(self.schools)

    @cached_property
    def index(self) -> dict[str, int]:
        """Vestiging code -> school id."""
        return {s.code: s.id for s in self.schools}

    @cached_property
    def xy(self) -> np.ndarray:
        """School coordinates, shape (n, 2), RD New metres."""
        return np.array([(s.x, s.y) for s in self.schools], dtype=float).reshape(-1, 2)

    @cached_property
    def mbo_xy(self) -> np.ndarray:
        """Mbo coordinates, shape (m, 2), RD New metres."""
        return np.array([(m.x, m.y) for m in self.mbo], dtype=float).reshape(-1, 2)

    @cached_property
    def technical_pupils(self) -> np.ndarray:
        """Technical-profile pupils leerjaar 3-4 per school, shape (n,)."""
        return np.array([s.technical_pupils for s in self.schools], dtype=np.int64)

    @cached_property
    def beroepsgericht_pupils(self) -> np.ndarray:
        """Beroepsgerichte pupils leerjaar 3-4 per school, shape (n,)."""
        return np.array([s.pupils.beroepsgericht for s in self.schools], dtype=np.int64)

    @cached_property
    def own_pupils(self) -> np.ndarray:
        """Per school the pupils that draw families to it (``School.own_pupils``), shape (n,)."""
        return np.array([s.own_pupils for s in self.schools], dtype=np.int64)

    @cached_property
    def is_vmbo(self) -> np.ndarray:
        """Boolean mask of vmbo vestigingen, shape (n,)."""
        return np.array([s.is_vmbo for s in self.schools], dtype=bool)

    @cached_property
    def gemeente_codes(self) -> tuple[str, ...]:
        """Sorted distinct gemeente codes of the schools."""
        return tuple(sorted({s.gemeente for s in self.schools}))

    @cached_property
    def gemeente_index(self) -> np.ndarray:
        """Per school the index of its gemeente in ``gemeente_codes``, shape (n,)."""
        pos = {g: i for i, g in enumerate(self.gemeente_codes)}
        return np.array([pos[s.gemeente] for s in self.schools], dtype=np.int64)

    @cached_property
    def _mbo_within(self) -> dict[float, tuple[tuple[int, ...], ...]]:
        """``mbo_within`` per reach already asked for (the checker asks on every call)."""
        return {}

    def mbo_within(self, reach_km: float) -> list[tuple[int, ...]]:
        """Per school the ids of mbo locations within ``reach_km`` (straight line)."""
        if not self.mbo:
            return [() for _ in self.schools]
        if reach_km not in self._mbo_within:
            from scipy.spatial import cKDTree

            tree = cKDTree(self.mbo_xy)
            hits = tree.query_ball_point(self.xy, r=reach_km * 1000.0)
            self._mbo_within[reach_km] = tuple(tuple(sorted(h)) for h in hits)
        return list(self._mbo_within[reach_km])

    def serving_institutions(self, reach_km: float) -> list[str]:
        """Per school the BRIN of the mbo institution that serves it ("" without one in reach).

        The serving institution has the most locations within ``reach_km`` of the school: the
        regional college a school's pupils go on to, not a provider with one site nearby. Ties
        go to the institution with the nearest location, then the smaller BRIN.
        """
        serving = []
        for school, hits in zip(self.schools, self.mbo_within(reach_km), strict=True):
            count: dict[str, int] = {}
            nearest: dict[str, float] = {}
            for h in hits:
                loc = self.mbo[h]
                count[loc.institution] = count.get(loc.institution, 0) + 1
                d = float(np.hypot(loc.x - school.x, loc.y - school.y))
                nearest[loc.institution] = min(d, nearest.get(loc.institution, np.inf))
            best = min(count, key=lambda i: (-count[i], nearest[i], i), default="")
            serving.append(best)
        return serving

    def school(self, code: str) -> School:
        """The school with this vestiging code (``KeyError`` if absent)."""
        return self.schools[self.index[code]]
