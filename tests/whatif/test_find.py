"""Looking a school up by code, name, place or gemeente."""

from __future__ import annotations

from dataclasses import replace

from regionopt.instance import Instance
from regionopt.whatif import (
    find_schools,
)
from tests.cases import grid_case


def test_find_schools_by_code_name_place_and_gemeente() -> None:
    from regionopt.instance import Municipality

    inst, _, plan = grid_case([10] * 9)
    renamed = [
        replace(s, name="Het Súdwest College" if s.id == 4 else s.name, place="Goes")
        if s.id in (4, 5)
        else s
        for s in inst.schools
    ]
    inst = Instance(
        schools=tuple(renamed),
        mbo=inst.mbo,
        municipalities=(Municipality(0, "GM0001", "Súdwest-Fryslân", "Fryslân"),),
    )
    by_code = find_schools(inst, "04aa", plan)
    assert [m.code for m in by_code] == ["04AA00"] and by_code[0].region_id == "B"
    assert [m.code for m in find_schools(inst, "sudwest college", plan)] == ["04AA00"]
    assert [m.code for m in find_schools(inst, "GOES")] == ["04AA00", "05AA00"]
    by_gemeente = find_schools(inst, "fryslan", plan)
    assert len(by_gemeente) == 9 and by_gemeente[0].gemeente == "Súdwest-Fryslân"
    assert find_schools(inst, "   ") == [] and find_schools(inst, "nowhere") == []
    # The gemeente's CBS code, whole, as regions.csv writes it (a part of it is no match).
    assert len(find_schools(inst, "gm0001")) == 9 and find_schools(inst, "GM00") == []


def test_find_schools_by_address_and_by_region() -> None:
    inst, _, plan = grid_case([10] * 9)
    located = [
        replace(s, address="Vlierstraat 75, 7544 GG" if s.id == 7 else "") for s in inst.schools
    ]
    inst = Instance(schools=tuple(located), mbo=inst.mbo, municipalities=inst.municipalities)
    (found,) = find_schools(inst, "VLIERSTRAAT")
    assert (found.code, found.address) == ("07AA00", "Vlierstraat 75, 7544 GG")
    # A region by id (any case) or by part of its name ("Testdorp Oost": A, B, C lie from
    # west to east), only with a plan.
    assert [m.code for m in find_schools(inst, "b", plan)] == ["03AA00", "04AA00", "05AA00"]
    assert [m.code for m in find_schools(inst, "oost", plan)] == ["06AA00", "07AA00", "08AA00"]
    assert find_schools(inst, "oost") == []
