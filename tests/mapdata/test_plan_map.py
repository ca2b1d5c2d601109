"""What a map shows: region figures and money, names, differences, what-if change marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.budget import budget
from regionopt.config import Config
from regionopt.mapdata import plan_differences, plan_layers
from regionopt.plan import AmbiguousMember, Plan
from regionopt.render import external_resources, region_tooltip
from tests.mapdata.world import small_world


def test_plan_differences_ignores_renaming_and_finds_moves_and_merges() -> None:
    actual = Plan.from_mapping({"01AA00": "A", "02AA00": "A", "03AA00": "B", "04AA00": "B"})
    renamed = Plan.from_mapping({"01AA00": "X", "02AA00": "X", "03AA00": "Y", "04AA00": "Y"})
    assert plan_differences(renamed, actual) == {}
    moved = actual.with_assignment({"03AA00": "A"})
    assert set(plan_differences(moved, actual)) == {"03AA00"}
    merged = Plan.from_mapping({c: "M" for c in actual.assignment})
    # The merge is a difference: the schools of the region that is not M's counterpart.
    assert set(plan_differences(merged, actual)) == {"03AA00", "04AA00"}
    text = plan_differences(moved, actual, plan_names={"A": "Westdorp"}, actual_names={})
    assert text["03AA00"].startswith("Verschil: nu in B, voorgesteld in Westdorp")


def test_plan_layers_sums_names_money_and_flags() -> None:
    instance, geography = small_world()
    plan = Plan.from_mapping({"01AA00": "P1", "02AA00": "P1", "03AA00": "P2", "04AA00": "P2"})
    actual = Plan(
        rows=(("01AA00", "A"), ("02AA00", "A"), ("04AA00", "A"), ("03AA00", "B")),
        region_names={"A": "Regio A"},
        partial_regions=frozenset({"B"}),
        ambiguous=(AmbiguousMember("B", ("02AA00", "99ZZ00"), "De Tweede"),),
    )
    config = Config()
    layers = plan_layers(instance, plan, actual, geography=geography, config=config)
    assert layers.regions is not None and layers.actual is not None
    assert layers.schools is not None and layers.ambiguous is not None
    regions = layers.regions.set_index("region_id")
    assert regions.loc["P1", "n_schools"] == 2 and regions.loc["P1", "technical"] == 10
    # Names from the members: P2 spans both gemeenten, Oostdorp has the most technical pupils.
    assert regions.loc["P1", "name"] == "Westdorp"
    assert regions.loc["P2", "name"] == "Oostdorp - Westdorp"
    assert regions.loc["P2", "BWI"] == 35
    assert regions.loc["P1", "penvoerder"] == "School 01AA00 (01AA00)"
    assert regions.loc["P1", "mbo_partners"] == "ROC Test"
    money = budget(instance, plan, config.budget).by_region
    for r in ("P1", "P2"):
        assert regions.loc[r, "budget_eur"] == money[r].structural_eur
        assert regions.loc[r, "transition_eur"] == money[r].transition_eur
    tooltip = region_tooltip(regions.reset_index().iloc[0].to_dict())
    euros = f"€ {round(money['P1'].structural_eur):,}".replace(",", ".")
    assert euros in tooltip and "School 01AA00 (01AA00)" in tooltip
    assert layers.actual.set_index("region_id")["partial"].to_dict() == {"A": False, "B": True}
    assert layers.actual.set_index("region_id").loc["A", "name"] == "Regio A"
    assert layers.ambiguous["code"].tolist() == ["02AA00"]  # unknown candidate 99ZZ00 skipped
    schools = layers.schools.set_index("code")
    assert schools.loc["04AA00", "differs"] and not schools.loc["01AA00", "differs"]
    assert schools.loc["02AA00", "has_technical"] == False  # noqa: E712
    assert schools.loc["01AA00", "region_name"] == "Westdorp"


# --------------------------------------------------------------------------------------------
# Real data: the what-if map shows the money the CLI and `regionopt budget` print


@pytest.mark.realdata
def test_national_map_is_under_five_megabytes(tmp_path: Path, real_data: Path) -> None:
    from regionopt.load import load_all
    from tests.national import rmc_plan

    loaded = load_all(real_data)
    plan = rmc_plan(loaded.instance, real_data)
    from regionopt.mapdata import write_plan_map

    result = write_plan_map(loaded, plan, tmp_path / "national.html")
    assert result.size_bytes < 5_000_000
    assert result.n_regions == len(plan.regions)
    assert external_resources((tmp_path / "national.html").read_text(encoding="utf-8")) == []


def test_subtitle_names_the_sources_not_the_users_folder_and_speaks_dutch() -> None:
    from types import SimpleNamespace
    from typing import cast

    from regionopt.load import LoadedData
    from regionopt.mapdata import DATA_SOURCES, subtitle

    instance, _ = small_world()
    loaded = SimpleNamespace(instance=instance, report=SimpleNamespace(data_dir="/home/jan/data"))
    plan = Plan.from_mapping({"01AA00": "P1"}, name="proposed")
    params = {"regions": 77, "status": "FEASIBLE", "gap": 0.02924, "reference": None}
    text = subtitle(cast(LoadedData, loaded), plan, params)
    assert "/home/jan" not in text and f"Bronnen: {DATA_SOURCES}" in text
    assert text.endswith(
        "plan 'proposed', 1 regio's · aantal regio's: 77, "
        "status: geldig plan, niet bewezen optimaal, marge tot de ondergrens: 2,9%"
    )
    assert "parameters" not in text and "gap=" not in text
