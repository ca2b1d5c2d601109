"""Region names people recognise: from the members' places, unique, documented names kept."""

from __future__ import annotations

from dataclasses import replace

from regionopt.instance import Instance, Municipality, School
from regionopt.names import label, place_name, plan_labels, region_names
from regionopt.plan import Plan

from .conftest import make_school

GEMEENTEN = (
    Municipality(0, "GM0654", "Borsele", "Zeeland"),
    Municipality(1, "GM0664", "Goes", "Zeeland"),
    Municipality(2, "GM0687", "Middelburg", "Zeeland"),
    Municipality(3, "GM0796", "'s-Hertogenbosch", "Noord-Brabant"),
    Municipality(4, "GM0599", "Rotterdam", "Zuid-Holland"),
    Municipality(5, "GM0518", "'s-Gravenhage", "Zuid-Holland"),
    Municipality(6, "GM0718", "Vlissingen", "Zeeland"),
)


def school(i: int, place: str, gemeente: str, technical: int, *, y_km: float = 0.0) -> School:
    return replace(
        make_school(i, 4.0 * i, y_km, technical=technical, gemeente=gemeente), place=place
    )


def instance_of(*schools: School) -> Instance:
    return Instance(schools=schools, municipalities=GEMEENTEN)


def test_place_name_uses_dutch_spelling_and_drops_the_province() -> None:
    names = {m.code: m.name for m in GEMEENTEN}
    assert place_name(school(0, "'S-Hertogenbosch", "GM0796", 1), names) == "'s-Hertogenbosch"
    assert place_name(school(0, "Hoorn Nh", "GM0664", 1), names) == "Hoorn"
    assert place_name(school(0, "Capelle Aan Den Ijssel", "GM0599", 1), names) == (
        "Capelle aan den IJssel"
    )
    assert place_name(school(0, "", "GM0687", 1), names) == "Middelburg"
    assert place_name(school(0, "'S-Gravenhage", "GM0518", 1), names) == "Den Haag"


def test_name_is_the_leading_place_plus_one_of_another_gemeente() -> None:
    inst = instance_of(
        school(0, "Goes", "GM0664", 120),
        school(1, "Goes", "GM0664", 30),
        school(2, "Middelburg", "GM0687", 100),
        school(3, "Kapelle", "GM0664", 60),  # same gemeente as Goes: not the second name
        school(4, "Heinkenszand", "GM0654", 10),
        school(5, "'S-Hertogenbosch", "GM0796", 50),
        school(6, "Rosmalen", "GM0796", 40),  # same gemeente: one name only
    )
    plan = Plan.from_mapping(
        {f"{i:02d}AA00": "R1" for i in range(5)} | {"05AA00": "R2", "06AA00": "R2"}
    )
    assert region_names(inst, plan) == {"R1": "Goes - Middelburg", "R2": "'s-Hertogenbosch"}
    assert plan_labels(inst, plan)["R1"] == "Goes - Middelburg (R1)"
    assert label("R7", "R7") == "R7" and label("", "R7") == "R7"


def test_names_are_unique_next_place_then_compass_then_number() -> None:
    inst = instance_of(
        # Two regions led by Goes, one with a second place in Goes gemeente.
        school(0, "Goes", "GM0664", 100),
        school(1, "Kapelle", "GM0664", 10),
        school(2, "Goes", "GM0664", 90),
        school(3, "Wilhelminadorp", "GM0664", 5),
        # Two regions wholly in Rotterdam, one north of the other.
        school(4, "Rotterdam", "GM0599", 50, y_km=10.0),
        school(5, "Rotterdam", "GM0599", 50, y_km=-10.0),
        # Three regions in Middelburg along a line through its centre (x 24, 28 and 32 km).
        school(6, "Middelburg", "GM0687", 10),
        school(7, "Middelburg", "GM0687", 10),
        school(8, "Middelburg", "GM0687", 10),
        # Vlissingen (centre x 42, y 0): three regions south of it, two of them south-west,
        # so "Zuid" and then a number; one north.
        school(9, "Vlissingen", "GM0718", 10, y_km=-10.0),
        school(10, "Vlissingen", "GM0718", 10, y_km=-10.0),
        school(11, "Vlissingen", "GM0718", 10, y_km=-10.0),
        school(12, "Vlissingen", "GM0718", 10, y_km=30.0),
        # Den Haag (centre x 56, y 0): two regions south of it, one south-west and one
        # south-east; one north.
        school(13, "'S-Gravenhage", "GM0518", 10, y_km=-10.0),
        school(14, "'S-Gravenhage", "GM0518", 10, y_km=-10.0),
        school(15, "'S-Gravenhage", "GM0518", 10, y_km=20.0),
    )
    mapping = {
        "00AA00": "A",
        "01AA00": "A",
        "02AA00": "B",
        "03AA00": "B",
        "04AA00": "N",
        "05AA00": "S",
        "06AA00": "M1",
        "07AA00": "M2",
        "08AA00": "M3",
        "09AA00": "V1",
        "10AA00": "V2",
        "11AA00": "V3",
        "12AA00": "V4",
        "13AA00": "D1",
        "14AA00": "D2",
        "15AA00": "D3",
    }
    names = region_names(inst, Plan.from_mapping(mapping))
    assert names["A"] == "Goes - Kapelle" and names["B"] == "Goes - Wilhelminadorp"
    assert names["N"] == "Rotterdam Noord" and names["S"] == "Rotterdam Zuid"
    assert len(set(names.values())) == len(names)
    # Seen from Middelburg's centre (its schools' mean): west, at the centre, east.
    assert (names["M1"], names["M2"], names["M3"]) == (
        "Middelburg West",
        "Middelburg Centrum",
        "Middelburg Oost",
    )
    assert [names[f"V{k}"] for k in range(1, 5)] == [
        "Vlissingen Zuid 1",
        "Vlissingen Zuid 2",
        "Vlissingen Zuid 3",
        "Vlissingen Noord",
    ]
    assert [names[f"D{k}"] for k in range(1, 4)] == [
        "Den Haag Zuidwest",
        "Den Haag Zuidoost",
        "Den Haag Noord",
    ]
    assert region_names(inst, Plan.from_mapping(mapping)) == names  # deterministic


def test_documented_names_are_kept() -> None:
    inst = instance_of(school(0, "Goes", "GM0664", 100), school(1, "Goes", "GM0664", 50))
    plan = Plan.from_mapping(
        {"00AA00": "sto-zeeland", "01AA00": "R2"},
        region_names={"sto-zeeland": "Regio Zeeland", "R2": "R2"},
    )
    assert region_names(inst, plan) == {"sto-zeeland": "Regio Zeeland", "R2": "Goes"}


def test_the_place_where_most_families_live_leads() -> None:
    schools = (
        school(0, "Krabbendijke", "GM0664", 200),  # the largest school, in a village
        school(1, "Goes", "GM0664", 50),
        school(2, "Middelburg", "GM0687", 40),
        school(3, "Borssele", "GM0654", 90),
    )
    families = (("Krabbendijke", 600), ("Goes", 4000), ("Middelburg", 4500), ("Borssele", 300))
    plan = Plan.from_mapping({f"{i:02d}AA00": "R1" for i in range(4)})
    inst = replace(instance_of(*schools), place_families=families)
    assert region_names(inst, plan) == {"R1": "Middelburg - Goes"}
    # Without family counts the technical pupils decide, as before.
    assert region_names(instance_of(*schools), plan) == {"R1": "Krabbendijke - Borssele"}


def test_a_town_split_over_two_regions_lends_each_its_families_in_proportion() -> None:
    """Goes has four equal schools, one in R1: R1 holds a quarter of Goes's families (1,000),
    fewer than Kapelle's 1,500, so Kapelle leads R1, and Goes leads R2 alone."""
    schools = (
        school(0, "Goes", "GM0664", 50),
        school(1, "Kapelle", "GM0654", 50),
        *(school(i, "Goes", "GM0664", 50) for i in (2, 3, 4)),
    )
    families = (("Goes", 4000), ("Kapelle", 1500))
    inst = replace(instance_of(*schools), place_families=families)
    plan = Plan.from_mapping(
        {"00AA00": "R1", "01AA00": "R1", "02AA00": "R2", "03AA00": "R2", "04AA00": "R2"}
    )
    assert region_names(inst, plan) == {"R1": "Kapelle - Goes", "R2": "Goes"}


def test_a_region_that_is_its_labour_market_area_carries_its_name() -> None:
    def in_area(s: School, area: str) -> School:
        return replace(s, labour_market=area)

    inst = instance_of(
        in_area(school(0, "Goes", "GM0664", 100), "Zeeland"),
        in_area(school(1, "Middelburg", "GM0687", 100), "Zeeland"),
        in_area(school(2, "Borssele", "GM0654", 20), "Zeeland"),
        in_area(school(3, "Rotterdam", "GM0599", 100), "Rijnmond"),
        in_area(school(4, "Rotterdam", "GM0599", 100), "Rijnmond"),
    )
    # Z holds 200 of Zeeland's 220 technical pupils (>= 3/4) and all its own lie there.
    plan = Plan.from_mapping(
        {"00AA00": "Z", "01AA00": "Z", "02AA00": "B", "03AA00": "R1", "04AA00": "R2"}
    )
    names = region_names(inst, plan)
    assert names["Z"] == "Zeeland"
    # Half of Rijnmond each: named after their places.
    assert names["R1"].startswith("Rotterdam") and names["R2"].startswith("Rotterdam")
    assert names["B"] == "Borssele"
    # With Borssele and a Rotterdam school (100 of its 320 technical pupils outside Zeeland,
    # under 3/4 inside) it is not the area.
    both = Plan.from_mapping({"00AA00": "Z", "01AA00": "Z", "02AA00": "Z", "03AA00": "Z"})
    assert region_names(inst, both)["Z"] != "Zeeland"
