"""What a map shows: region figures and money, names, differences, what-if change marks."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from typer.testing import CliRunner

from regionopt.budget import budget
from regionopt.cli import app
from regionopt.config import Config
from regionopt.instance import Instance, MboLocation, Municipality, PupilCounts, School
from regionopt.load import Geography
from regionopt.mapdata import plan_differences, plan_layers, whatif_changes
from regionopt.plan import AmbiguousMember, Plan
from regionopt.render import external_resources, region_tooltip
from regionopt.whatif import Change, whatif
from tests.render.maps import RD_NEW, X0, Y0, grid_regions, in_page

TO_WGS84 = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True)


def _school(i: int, code: str, gemeente: str, x_km: float, technical: int) -> School:
    x, y = X0 + x_km * 1000, Y0 + 5000
    lon, lat = TO_WGS84.transform(x, y)
    return School(
        id=i,
        code=code,
        name=f"School {code}",
        bestuur="1",
        place="Westdorp" if gemeente == "GM0001" else "Oostdorp",
        gemeente=gemeente,
        kind="vmbo",
        x=x,
        y=y,
        lon=lon,
        lat=lat,
        geocode="address",
        pupils=PupilCounts(beroepsgericht=100, BWI=technical),
        technical_pupils=technical,
    )


def small_world() -> tuple[Instance, Geography]:
    """Four schools in two 10 km gemeenten side by side (three in the west), one mbo."""
    schools = (
        _school(0, "01AA00", "GM0001", 2, 10),
        _school(1, "02AA00", "GM0001", 4, 0),
        _school(2, "03AA00", "GM0002", 12, 30),
        _school(3, "04AA00", "GM0001", 8, 5),
    )
    mbo = (
        MboLocation(
            id=0,
            code="55MB00",
            name="ROC",
            institution="55MB",
            institution_name="ROC Test",
            city="Westdorp",
            x=X0 + 3000,
            y=Y0 + 5000,
            lon=5.0,
            lat=52.0,
        ),
    )
    gemeenten = gpd.GeoDataFrame(
        {"code": ["GM0001", "GM0002"], "name": ["West", "Oost"], "province": ["U", "U"]},
        geometry=[grid_regions(2).geometry[0], grid_regions(2).geometry[1]],
        crs=RD_NEW,
    )
    municipalities = (
        Municipality(0, "GM0001", "West", "U"),
        Municipality(1, "GM0002", "Oost", "U"),
    )
    geography = Geography(
        gemeenten=gemeenten,
        provincies=gemeenten[["geometry"]],
        origins_xy=np.zeros((0, 2)),
        origins_pupils=np.zeros(0),
        origins_gemeente=np.zeros(0, dtype=int),
    )
    return Instance(schools=schools, mbo=mbo, municipalities=municipalities), geography


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


def test_whatif_changes_marks_every_changed_school() -> None:
    instance, _ = small_world()
    plan = Plan.from_mapping({"01AA00": "P1", "02AA00": "P1", "03AA00": "P2"})
    changes = [Change("leave", "01AA00"), Change("join", "04AA00", "P2")]
    from regionopt.graph import graph_from_edges

    graph = graph_from_edges(instance, [(0, 1), (1, 3), (3, 2)])
    result = whatif(instance, graph, plan, changes, Config())
    marks = whatif_changes(result, result.names)
    assert marks["01AA00"] == ("left", "Stapt uit: was in Westdorp.")
    assert marks["04AA00"][0] == "joined" and "Oostdorp" in marks["04AA00"][1]


# --------------------------------------------------------------------------------------------
# Real data: the what-if map shows the money the CLI and `regionopt budget` print


@pytest.mark.realdata
def test_whatif_map_money_equals_cli_and_budget(workspace, tmp_path: Path) -> None:
    from regionopt.mapdata import whatif_layers
    from tests.national import standin_plan_csv

    plan, plan_csv = standin_plan_csv(workspace, tmp_path)
    inst = workspace.instance
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    region = min(sizes, key=lambda r: sizes[r])
    leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
    out = tmp_path / "out"
    data = workspace.loaded.report.data_dir
    args = ["whatif", "--plan", str(plan_csv), "--leave", leaving, "--repair", "--json"]
    res = CliRunner().invoke(app, [*args, "--data", data, "--out", str(out)])
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    rows = cli["repair"]["budget_changes"] or cli["budget_changes"]
    cli_structural = {row["region_id"]: row["structural_after_eur"] for row in rows}
    res = CliRunner().invoke(app, ["budget", str(out / "regions.csv"), "--json", "--data", data])
    assert res.exit_code == 0, res.output
    budget_cli = {r["region_id"]: r for r in json.loads(res.stdout)["regions"]}

    result = whatif(
        inst, workspace.graph, plan, [Change("leave", leaving)], workspace.config, do_repair=True
    )
    layers = whatif_layers(workspace.loaded, result, config=workspace.config)
    assert layers.regions is not None and len(layers.regions) >= 1
    page = (out / "map.html").read_text(encoding="utf-8")
    for row in layers.regions.itertuples():
        rid = str(row.region_id)
        assert row.budget_eur == pytest.approx(budget_cli[rid]["structural_eur"], abs=0.005)
        assert row.transition_eur == pytest.approx(budget_cli[rid]["transition_eur"], abs=0.005)
        assert row.budget_eur == pytest.approx(cli_structural[rid], abs=0.005)
        # The figure is on the map page the CLI wrote, formatted as the tooltip shows it.
        assert in_page(f"€ {round(row.budget_eur):,}".replace(",", "."), page)


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
