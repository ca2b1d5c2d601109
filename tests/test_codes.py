"""Codes that name no participating school or no region: what they are, and the nearest ones."""

from __future__ import annotations

import pytest

from regionopt.codes import closest_regions, code_problem, code_problem_nl, resolve_region
from regionopt.instance import Instance, Outsider
from tests.conftest import make_school

CODES = ("13OR00", "13OR01", "14AB00", "20XY01")
OUTSIDERS = {
    "02RM00": Outsider("02RM00", "Beukenrode Onderwijs", "Doorn", "VSO", ("vso",)),
    "05TL00": Outsider("05TL00", "Mavo", "Goes", "MAVO", ("tl", "pro")),
    "06HV00": Outsider("06HV00", "Lyceum", "Goes", "HAVO/VWO"),
    "07DR00": Outsider("07DR00", "Vmbo", "Ede", "VBO", ("vso",), dropped=True),
}


def _instance() -> Instance:
    schools = tuple(make_school(i, i, 0, code=c) for i, c in enumerate(CODES))
    return Instance(schools=schools, outsiders=OUTSIDERS)


def test_a_school_that_does_not_take_part_names_its_kind_and_key() -> None:
    p = code_problem(_instance(), "02RM00", file="what-if", where="join 02RM00=R07")
    assert str(p) == (
        "what-if: join 02RM00=R07: 02RM00 (Beukenrode Onderwijs, Doorn) is a voortgezet "
        "speciaal onderwijs (vso) school that does not take part under the current "
        "participation settings -> `regionopt whatif --join 02RM00=REGION` lets it join for "
        'one what-if; it takes part with [participation] schools = ["02RM00"] (this school) '
        "or [participation] include_vso = true in a --config file (`regionopt config > "
        "my.toml` writes one to edit)"
    )
    both = code_problem(_instance(), "05TL00", file="", where="")
    assert "vmbo-tl (mavo) only and praktijkonderwijs (pro) school" in both.message
    assert "include_tl_only = true or [participation] include_pro = true" in both.fix
    havo = code_problem(_instance(), "06HV00", file="", where="")
    assert "(HAVO/VWO) that cannot take part" in havo.message
    dropped = code_problem(_instance(), "07DR00", file="", where="")
    assert "places it nowhere" in dropped.message and "data summary" in dropped.fix


def test_an_unknown_code_gets_the_closest_codes() -> None:
    typo = code_problem(_instance(), "13OR1", file="", where="")
    assert typo.message.startswith("'13OR1' is not a vestiging code")
    assert typo.fix.startswith("did you mean 13OR01") and "regionopt find NAME" in typo.fix
    unknown = code_problem(_instance(), "13OR99", file="", where="")
    assert unknown.message == "no vestiging in the data has code 13OR99"
    assert "did you mean 13OR0" in unknown.fix and "data summary" not in unknown.fix
    far = code_problem(_instance(), "99ZZ99", file="", where="")
    assert far.fix == "check the code; `regionopt find NAME` looks a school up by name"


@pytest.mark.parametrize("code", ["02RM00", "05TL00", "06HV00", "07DR00", "13OR1", "13OR99"])
def test_the_web_app_wording_names_no_command_line(code: str) -> None:
    p = code_problem(_instance(), code, file="school", where=code, audience="app")
    assert "--" not in str(p) and "regionopt" not in str(p) and p.fix


def test_the_dutch_reason_is_as_specific_as_the_english_one() -> None:
    inst = _instance()
    assert code_problem_nl(inst, "02RM00") == (
        "02RM00 (Beukenrode Onderwijs, Doorn) is een school voor voortgezet speciaal onderwijs "
        "(vso) die met de huidige deelname-instellingen niet meedoet"
    )
    assert "alleen vmbo-tl (mavo) en praktijkonderwijs (pro)" in code_problem_nl(inst, "05TL00")
    assert "geen vmbo-, pro- of vso-leerlingen" in code_problem_nl(inst, "06HV00")
    assert "geen ligging" in code_problem_nl(inst, "07DR00")
    assert code_problem_nl(inst, "13OR1").startswith("'13OR1' is geen vestigingscode")
    assert code_problem_nl(inst, "13OR99") == (
        "geen vestiging in de data heeft code 13OR99; bedoelt u 13OR00 of 13OR01?"
    )
    assert code_problem_nl(inst, "99ZZ99") == "geen vestiging in de data heeft code 99ZZ99"


def test_closest_regions_prefer_the_same_number() -> None:
    ids = [f"R{i:02d}" for i in range(1, 78)]
    assert closest_regions("R5", ids) == ["R05", "R50", "R51"]
    assert closest_regions("r07", ids)[0] == "R07"
    assert closest_regions("Atlantis", ids) == []


def test_closest_regions_find_a_region_by_its_name() -> None:
    names = {"R05": "Eindhoven - Veldhoven", "R07": "Helmond", "R50": "Zeeland"}
    assert closest_regions("eindhoven", ["R05", "R07", "R50"], names=names) == ["R05"]
    assert closest_regions("Atlantis", ["R05", "R07", "R50"], names=names) == []


def test_a_region_is_resolved_only_when_the_text_can_mean_one_region() -> None:
    ids = ["R05", "R50", "r5x", "Zl"]
    names = {"R05": "Zeeland", "R50": "Goes - Middelburg", "Zl": "Zeeland"}
    assert resolve_region("R05", ids, names) == "R05"
    assert resolve_region("r5", ids, names) == "R05"  # case and leading zeros
    assert resolve_region("goes - middelburg", ids, names) == "R50"  # a name, any case
    assert resolve_region("zeeland", ids, names) is None  # two regions have that name
    assert resolve_region("Goes", ids, names) is None  # part of a name is a suggestion only
    assert resolve_region("R7", ids, names) is None
