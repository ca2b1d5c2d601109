"""Look a school up by (part of) its code, name, address, place, gemeente or region."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from regionopt.codes import resolve_region
from regionopt.instance import Instance, Outsider
from regionopt.names import region_names
from regionopt.plan import Plan


@dataclass(frozen=True)
class SchoolMatch:
    """A school found by ``find_schools``, with its region in the plan (``""``: none)."""

    code: str
    name: str
    place: str
    gemeente: str
    """The gemeente's name (its CBS code when the instance has no name for it)."""
    region_id: str
    region_name: str
    address: str = ""
    """Street, number and postcode ("" when the data has none)."""


def _fold(text: str) -> str:
    """Lower case without accents, for matching ("Súdwest" matches "sudwest")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def find_schools(instance: Instance, text: str, plan: Plan | None = None) -> list[SchoolMatch]:
    """Schools whose code, name, address, place or gemeente name contains ``text``, whose
    gemeente's CBS code is ``text``, or, with a plan, whose region is ``text`` (its id, or
    part of its name).

    Case and accents are ignored. An exact code match comes first, then the schools of a
    region whose id is ``text``, then the rest by code.

    Parameters
    ----------
    instance : Instance
    text : str
        (Part of) a vestiging code, school name, address, place or gemeente name, a gemeente
        code, or a region's id or (part of its) name.
    plan : Plan, optional
        When given, each match carries its region (id and recognisable name) in it.
    """
    needle = _fold(text.strip())
    if not needle:
        return []
    gemeenten = {m.code: m.name for m in instance.municipalities}
    names = region_names(instance, plan) if plan is not None else {}
    region_id = (resolve_region(text.strip(), plan.regions, {}) if plan is not None else None) or ""
    found = []
    for s in instance.schools:
        gemeente = gemeenten.get(s.gemeente, s.gemeente)
        region = plan.assignment.get(s.code, "") if plan is not None else ""
        in_gemeente = _fold(s.gemeente) == needle  # its CBS code (GM0772), as regions.csv has it
        in_region = bool(region) and (region == region_id or needle in _fold(names[region]))
        if not (in_gemeente or in_region) and not any(
            needle in _fold(v) for v in (s.code, s.name, s.place, gemeente, s.address)
        ):
            continue
        found.append(
            SchoolMatch(
                s.code, s.name, s.place, gemeente, region, names.get(region, region), s.address
            )
        )
    return sorted(found, key=lambda m: (_fold(m.code) != needle, m.region_id != region_id, m.code))


def find_outsiders(instance: Instance, text: str) -> list[Outsider]:
    """Schools in the data that do not take part and whose code, name or place has ``text``.

    Only schools that a ``[participation]`` key would let take part, or that take part but
    were left out, are listed, unless ``text`` is a school's code (then it is listed whatever
    it is): a town's many primary schools are not what someone looking for a vmbo school
    wants. Sorted by code; an exact code match comes first.

    Parameters
    ----------
    instance : Instance
        Its ``outsiders`` are searched.
    text : str
        (Part of) a vestiging code, school name or place; case and accents are ignored.
    """
    needle = _fold(text.strip())
    if not needle:
        return []
    found = [
        o
        for o in instance.outsiders.values()
        if _fold(o.code) == needle
        or (
            (o.could_join_as or o.dropped)
            and any(needle in _fold(v) for v in (o.code, o.name, o.place))
        )
    ]
    return sorted(found, key=lambda o: (_fold(o.code) != needle, o.code))
