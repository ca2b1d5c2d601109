"""Region names a person recognises, made from a region's members.

A region that is its labour-market region (it holds at least ``AREA_SHARE`` of that RPA-gebied's
technical-profile pupils, and at least that share of its own lie there) carries the area's name
("Zeeland", "Achterhoek"). Any other region is named after its leading place: where most
families live (the primary-school pupils of the place, ``Instance.place_families``, shared
between regions as the place's vmbo pupils are), then the most technical-profile pupils; when
the region spans several gemeenten, the leading place of a second gemeente follows ("Goes -
Middelburg"). Names are made unique across the plan, deterministically: a name two regions share
first gets each region's next place, then a compass word seen from the place's centre
("Rotterdam Zuid", "Rotterdam Centrum"), then a number.
Regions that already have a documented name (the actual regions, or a plan file with a
``region_name`` column) keep it. The region id stays the key everywhere; output shows
``label(name, id)``: "Goes - Middelburg (R12)".

Pure: works on an ``Instance`` and a ``Plan``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from regionopt.instance import Instance, School
from regionopt.plan import Plan

SEPARATOR = " - "
"""Between the two places of a region that spans several gemeenten."""

# DUO writes a province after some place names ("Hoorn Nh", "Ede Gld"); people do not.
_PROVINCE_SUFFIX = re.compile(r"\s+(?:Ut|Gld|Nh|Zh|Ov|Lb|Nb|Fr|Gn|Dr|Zl|Fl)$", re.IGNORECASE)
_LOWER_WORDS = ("aan", "den", "de", "op", "en", "bij", "in", "onder", "ter", "ten")
_COMPASS = (("Noord", "Zuid"), ("Oost", "West"))  # as in "Amsterdam Noord"
CENTRE_KM = 1.0
"""A region whose schools' mean lies this close to its place's centre is that place's
``CENTRE_WORD`` ("Rotterdam Centrum")."""
CENTRE_WORD = "Centrum"
COMMON_NAMES = {"'s-Gravenhage": "Den Haag"}
"""Official names people seldom use, and the name they use."""
AREA_SHARE = 0.75
"""A region is named after its labour-market region when it holds at least this share of the
area's technical pupils and has at least this share of its own there."""


@dataclass(frozen=True)
class _Place:
    """One place of a region with the weights that rank it."""

    name: str
    gemeente: str
    families: float
    """Primary-school pupils of the place (how many families live there), times the share of
    the place's vmbo pupils whose schools are in the region: a town whose schools lie in two
    regions lends each its families in that proportion."""
    technical: int
    beroepsgericht: int
    schools: int

    def rank(self) -> tuple[float, int, int, int, str]:
        return (-self.families, -self.technical, -self.beroepsgericht, -self.schools, self.name)


def place_name(school: School, gemeente_names: Mapping[str, str]) -> str:
    """How people write the school's place.

    DUO's upper-case place, title-cased by ``load``, loses the Dutch spelling
    ("'S-Hertogenbosch", "Capelle Aan Den Ijssel") and may carry a province ("Hoorn Nh"). A
    place that is also a gemeente takes the gemeente's CBS spelling (or the name in
    ``COMMON_NAMES``: "Den Haag"); other places lose the province and get lower-case joining
    words. Without a place, the gemeente's name.
    """
    return _place_name(school, gemeente_names, {_key(n): n for n in gemeente_names.values()})


def _place_name(
    school: School, gemeente_names: Mapping[str, str], by_key: Mapping[str, str]
) -> str:
    """``place_name`` with the gemeente names already keyed by ``_key``."""
    raw = _PROVINCE_SUFFIX.sub("", school.place.strip())
    if not raw:
        official = gemeente_names.get(school.gemeente, school.gemeente)
        return COMMON_NAMES.get(official, official)
    if _key(raw) in by_key:
        official = by_key[_key(raw)]
        return COMMON_NAMES.get(official, official)
    words = raw.split(" ")
    fixed = [w.lower() if i and w.lower() in _LOWER_WORDS else w for i, w in enumerate(words)]
    text = " ".join(fixed)
    return re.sub(r"\bIj", "IJ", re.sub(r"^'S-", "'s-", text))


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _places(
    instance: Instance,
    codes: Sequence[str],
    gemeente_names: Mapping[str, str],
    by_key: Mapping[str, str],
    families: Mapping[str, int],
    place_pupils: Mapping[str, int],
) -> list[_Place]:
    """The region's places, best first (``_Place.rank``); ``families`` by ``_key``,
    ``place_pupils`` (``_place_pupils``) by place name."""
    schools = [instance.school(c) for c in codes if c in instance.index]
    by_place: dict[str, list[School]] = defaultdict(list)
    for s in schools:
        by_place[_place_name(s, gemeente_names, by_key)].append(s)
    places = []
    for name, members in by_place.items():
        weight: Counter[str] = Counter()
        for s in members:
            weight[s.gemeente] += s.technical_pupils + 1
        gemeente = min(weight, key=lambda g: (-weight[g], g))
        share = sum(_pupils(s) for s in members) / place_pupils[name]
        places.append(
            _Place(
                name=name,
                gemeente=gemeente,
                families=share
                * max(
                    [families.get(_key(name), 0)]
                    + [families.get(_key(_PROVINCE_SUFFIX.sub("", s.place)), 0) for s in members]
                ),
                technical=sum(s.technical_pupils for s in members),
                beroepsgericht=sum(s.pupils.beroepsgericht for s in members),
                schools=len(members),
            )
        )
    return sorted(places, key=_Place.rank)


def _pupils(school: School) -> int:
    """How much of its place a school stands for: its vmbo pupils in the beroepsgericht
    tracks (one at least, so that every school counts)."""
    return school.pupils.beroepsgericht + 1


def _place_pupils(instance: Instance, place_of: Sequence[str]) -> dict[str, int]:
    """Per place name, the ``_pupils`` of all its participating schools (``place_of``: each
    school's place name)."""
    out: dict[str, int] = defaultdict(int)
    for s, place in zip(instance.schools, place_of, strict=True):
        out[place] += _pupils(s)
    return out


def _families(instance: Instance) -> dict[str, int]:
    """Primary-school pupils per place, keyed by ``_key``."""
    out: dict[str, int] = defaultdict(int)
    for place, pupils in instance.place_families:
        out[_key(place)] += pupils
    return out


def _area_name(instance: Instance, codes: Sequence[str], area_technical: Mapping[str, int]) -> str:
    """The labour-market region the region is (``AREA_SHARE``), or ""."""
    own: Counter[str] = Counter()
    for c in codes:
        if c in instance.index:
            s = instance.school(c)
            own[s.labour_market] += s.technical_pupils
    total = sum(own.values())
    if not total:
        return ""
    area, inside = min(own.items(), key=lambda kv: (-kv[1], kv[0]))
    whole = area_technical.get(area, 0)
    if area and inside >= AREA_SHARE * total and inside >= AREA_SHARE * whole:
        return area
    return ""


def _base_name(places: Sequence[_Place], fallback: str) -> tuple[str, list[str]]:
    """The name and the places it uses (one, or two when the region spans several gemeenten)."""
    if not places:
        return fallback, []
    first = places[0]
    second = next((p for p in places[1:] if p.gemeente != first.gemeente), None)
    used = [first.name] + ([second.name] if second else [])
    return SEPARATOR.join(used), used


def region_names(instance: Instance, plan: Plan) -> dict[str, str]:
    """A recognisable, unique name for every region of ``plan``.

    Parameters
    ----------
    instance : Instance
        Schools (place, gemeente, pupils) and ``municipalities`` (gemeente code -> name).
    plan : Plan
        Any plan. A region with a documented name in ``plan.region_names`` (one that differs
        from its id) keeps it.

    Returns
    -------
    dict
        Region id -> name, for every region in ``plan.regions``.
    """
    gemeente_names = {m.code: m.name for m in instance.municipalities}
    by_key = {_key(n): n for n in gemeente_names.values()}
    names: dict[str, str] = {}
    used: dict[str, list[str]] = {}
    ranked: dict[str, list[_Place]] = {}
    documented = {r for r in plan.regions if plan.region_names.get(r) not in (None, "", r)}
    families = _families(instance)
    place_of = [_place_name(s, gemeente_names, by_key) for s in instance.schools]
    place_pupils = _place_pupils(instance, place_of)
    area_technical: Counter[str] = Counter()
    for s in instance.schools:
        area_technical[s.labour_market] += s.technical_pupils
    for region, codes in plan.regions.items():
        if region in documented:
            names[region] = plan.region_names[region]
            continue
        ranked[region] = _places(instance, codes, gemeente_names, by_key, families, place_pupils)
        names[region], used[region] = _base_name(ranked[region], region)
        area = _area_name(instance, codes, area_technical)
        if area:
            names[region], used[region] = area, [area]
    towns = _place_centres(instance, place_of)
    steps: tuple[Callable[[list[str]], None], ...] = (
        lambda group: _add_next_place(group, names, used, ranked),
        lambda group: _add_compass(group, names, _centres(instance, plan, group), ranked, towns),
        lambda group: _add_number(group, names),
    )
    for step in steps:
        for group in _duplicates(names, frozen=documented):
            step(group)
    for group in _duplicates(names, frozen=documented):
        for region in group:
            names[region] = f"{names[region]} ({region})"
    return names


def _duplicates(names: Mapping[str, str], *, frozen: set[str]) -> list[list[str]]:
    """Groups (sorted ids) of generated names shared by two or more regions."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for region in sorted(names):
        by_name[names[region]].append(region)
    return [
        [r for r in group if r not in frozen]
        for group in by_name.values()
        if len(group) > 1 and any(r not in frozen for r in group)
    ]


def _add_next_place(
    group: list[str],
    names: dict[str, str],
    used: Mapping[str, list[str]],
    ranked: Mapping[str, list[_Place]],
) -> None:
    for region in group:
        extra = next((p.name for p in ranked.get(region, ()) if p.name not in used[region]), None)
        if extra is not None:
            names[region] = f"{names[region]}{SEPARATOR}{extra}"


def _add_compass(
    group: list[str],
    names: dict[str, str],
    centres: Mapping[str, tuple[float, float]],
    ranked: Mapping[str, list[_Place]],
    towns: Mapping[str, tuple[float, float]],
) -> None:
    """``name Noord``/``Zuid``/``Oost``/``West``: where each region lies from the centre of its
    leading place ("Rotterdam Zuid" south of the river; the centre of the group for a region
    without one), along both axes for regions that would share a word ("Zuidoost",
    "Zuidwest"). Regions still sharing a name then get numbers."""
    if len(centres) < len(group):
        return  # a region without located schools: the number step names it
    mid = (
        sum(x for x, _ in centres.values()) / len(centres),
        sum(y for _, y in centres.values()) / len(centres),
    )
    seen_from = {}
    for region in group:
        places = ranked.get(region, [])
        seen_from[region] = towns.get(places[0].name, mid) if places else mid
    words = {r: _compass_word(centres[r], seen_from[r]) for r in group}
    for word in {w for w in words.values() if list(words.values()).count(w) > 1}:
        # Two regions south of the town: Zuidoost and Zuidwest, if that tells them apart.
        same = [r for r in group if words[r] == word]
        finer = {r: _compass_word(centres[r], seen_from[r], both_axes=True) for r in same}
        if word != CENTRE_WORD and len(set(finer.values())) == len(same):
            words.update(finer)
    for region in group:
        names[region] = f"{names[region]} {words[region]}"


def _compass_word(
    at: tuple[float, float], centre: tuple[float, float], *, both_axes: bool = False
) -> str:
    """The compass word of ``at`` seen from ``centre`` (RD New metres), along the axis it lies
    farthest on, or along both ("Zuidoost"); ``CENTRE_WORD`` within ``CENTRE_KM`` of it."""
    dx, dy = at[0] - centre[0], at[1] - centre[1]
    if math.hypot(dx, dy) < CENTRE_KM * 1000.0:
        return CENTRE_WORD
    if both_axes:
        north_south = _COMPASS[0][0] if dy >= 0 else _COMPASS[0][1]
        east_west = _COMPASS[1][0] if dx >= 0 else _COMPASS[1][1]
        return north_south + east_west.lower()
    if abs(dy) >= abs(dx):
        return _COMPASS[0][0] if dy >= 0 else _COMPASS[0][1]
    return _COMPASS[1][0] if dx >= 0 else _COMPASS[1][1]


def _centres(instance: Instance, plan: Plan, group: list[str]) -> dict[str, tuple[float, float]]:
    """Mean position of each region's located schools (regions without any left out)."""
    out = {}
    for region in group:
        ids = [instance.index[c] for c in plan.regions[region] if c in instance.index]
        if ids:
            xy = instance.xy[ids].mean(axis=0)
            out[region] = (float(xy[0]), float(xy[1]))
    return out


def _place_centres(instance: Instance, place_of: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Per place name, the mean position of all its participating schools (``place_of``: each
    school's place name)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for i, place in enumerate(place_of):
        ids[place].append(i)
    return {
        name: (float(instance.xy[m, 0].mean()), float(instance.xy[m, 1].mean()))
        for name, m in ids.items()
    }


def _add_number(group: list[str], names: dict[str, str]) -> None:
    for k, region in enumerate(group, start=1):
        names[region] = f"{names[region]} {k}"


def label(name: str, region_id: str) -> str:
    """``name (id)``, or the id alone when the region has no name of its own."""
    if not name or name == region_id:
        return region_id
    return f"{name} ({region_id})"


def plan_labels(instance: Instance, plan: Plan) -> dict[str, str]:
    """Region id -> ``label(name, id)`` for every region of ``plan``."""
    return {r: label(n, r) for r, n in region_names(instance, plan).items()}
