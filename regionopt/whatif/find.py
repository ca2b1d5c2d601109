"""Look a school up by (part of) its code, name, place or gemeente."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

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


def _fold(text: str) -> str:
    """Lower case without accents, for matching ("Súdwest" matches "sudwest")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def find_schools(instance: Instance, text: str, plan: Plan | None = None) -> list[SchoolMatch]:
    """Schools whose code, name, place or gemeente name contains ``text``, or whose
    gemeente's CBS code is ``text``.

    Case and accents are ignored. Sorted by code; an exact code match comes first.

    Parameters
    ----------
    instance : Instance
    text : str
        (Part of) a vestiging code, school name, place or gemeente name, or a gemeente code.
    plan : Plan, optional
        When given, each match carries its region (id and recognisable name) in it.
    """
    needle = _fold(text.strip())
    if not needle:
        return []
    gemeenten = {m.code: m.name for m in instance.municipalities}
    names = region_names(instance, plan) if plan is not None else {}
    found = []
    for s in instance.schools:
        gemeente = gemeenten.get(s.gemeente, s.gemeente)
        in_gemeente = _fold(s.gemeente) == needle  # its CBS code (GM0772), as regions.csv has it
        if not in_gemeente and not any(
            needle in _fold(v) for v in (s.code, s.name, s.place, gemeente)
        ):
            continue
        region = plan.assignment.get(s.code, "") if plan is not None else ""
        found.append(
            SchoolMatch(s.code, s.name, s.place, gemeente, region, names.get(region, region))
        )
    return sorted(found, key=lambda m: (_fold(m.code) != needle, m.code))


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
