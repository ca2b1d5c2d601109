"""One province of the real data as its own instance: the other provinces' schools opt out."""

from __future__ import annotations

from regionopt.instance import School


def province_split(workspace, name: str) -> tuple[list[School], list[str]]:
    """The province's schools, and the codes of every other school (to ``exclude``)."""
    gm = workspace.loaded.geography.gemeenten
    province = dict(zip(gm["code"], gm["province"], strict=True))
    inside = [s for s in workspace.instance.schools if province.get(s.gemeente) == name]
    others = [s.code for s in workspace.instance.schools if province.get(s.gemeente) != name]
    return inside, others
