"""Who takes part (rule 6): every participation option names and links its schools."""

from __future__ import annotations

from pathlib import Path

from regionopt.config import ParticipationConfig
from regionopt.instance import Outsider
from regionopt.load import load_all
from tests.helpers import add_joinable_schools


def test_participation_options_add_kinds(tiny_data: Path) -> None:
    # The havo school has no vmbo pupils at all: it never takes part as vmbo.
    inst = load_all(tiny_data, participation=ParticipationConfig(include_tl_only=True)).instance
    assert "44DD00" not in inst.index


def test_every_participation_option_names_and_links_every_school(tiny_data: Path) -> None:
    # A vso school only the geocoded file knows, and a tl-only school in the counts.
    add_joinable_schools(tiny_data)
    everyone = ParticipationConfig(include_tl_only=True, include_pro=True, include_vso=True)
    inst = load_all(tiny_data, participation=everyone).instance
    vso, tl = inst.school("77VS00"), inst.school("66TL00")
    assert (vso.kind, vso.name, vso.place, vso.pupils.vso) == (
        "vso",
        "De Brug [vso]",
        "Oostdorp",
        120,
    )
    assert (tl.kind, tl.name, tl.pupils.tl) == ("tl", "Mavo Zes", 61)
    assert all(s.name != s.code and s.place for s in inst.schools)

    assert not {"77VS00", "66TL00"} & set(inst.outsiders)


def test_schools_that_do_not_take_part_are_kept_for_messages(tiny_data: Path) -> None:
    add_joinable_schools(tiny_data)
    inst = load_all(tiny_data).instance
    assert inst.outsiders["77VS00"] == Outsider(
        "77VS00", "De Brug [vso]", "Oostdorp", "VSO", could_join_as=("vso",)
    )
    assert inst.outsiders["66TL00"].could_join_as == ("tl",)
    havo = inst.outsiders["44DD00"]
    assert (havo.name, havo.school_type, havo.could_join_as) == ("Havo School", "HAVO/VWO", ())
    assert inst.outsiders["90PO00"].school_type == "basisschool"
    assert not set(inst.index) & set(inst.outsiders)
