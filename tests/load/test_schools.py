"""Who takes part (rule 6): every participation option names and links its schools."""

from __future__ import annotations

from pathlib import Path

from regionopt.config import ParticipationConfig
from regionopt.load import FILES, load_all
from tests.helpers import edit_json


def test_participation_options_add_kinds(tiny_data: Path) -> None:
    # The havo school has no vmbo pupils at all: it never takes part as vmbo.
    inst = load_all(tiny_data, participation=ParticipationConfig(include_tl_only=True)).instance
    assert "44DD00" not in inst.index


def test_every_participation_option_names_and_links_every_school(tiny_data: Path) -> None:
    # A vso school only the geocoded file knows, and a tl-only school in the counts.
    def add_vso(data: dict) -> None:
        data["features"].append(
            {
                "type": "Feature",
                "properties": {
                    "vestigingscode": "77VS00",
                    "naam": "De Brug [vso]",
                    "type": "VSO",
                    "leerlingen": 120,
                    "plaats": "Oostdorp",
                    "postcode": "3511AA",
                },
                "geometry": {"type": "Point", "coordinates": [5.13, 52.06]},
            }
        )

    edit_json(tiny_data / FILES["geocoded"], add_vso)
    counts = tiny_data / FILES["counts"]
    header, *rows = counts.read_bytes().decode("latin-1").splitlines()
    tl_row = rows[-2].replace("33CC;0", "66TL;0").replace("Derde", "Mavo Zes")
    counts.write_bytes(("\n".join([header, *rows, tl_row]) + "\n").encode("latin-1"))
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
