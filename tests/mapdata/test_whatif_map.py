"""A what-if's map: every changed school marked, the money the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.config import Config
from regionopt.mapdata import whatif_changes
from regionopt.plan import Plan
from regionopt.whatif import Change, whatif
from tests.mapdata.world import small_world
from tests.render.maps import in_page


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


@pytest.mark.realdata
def test_whatif_map_money_equals_cli_and_budget(rmc_workspace, tmp_path: Path) -> None:
    from regionopt.mapdata import whatif_layers
    from tests.conftest import RMC_RULES
    from tests.national import standin_plan_csv

    workspace = rmc_workspace
    plan, plan_csv = standin_plan_csv(workspace, tmp_path)
    inst = workspace.instance
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    region = min(sizes, key=lambda r: sizes[r])
    leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
    out = tmp_path / "out"
    data = workspace.loaded.report.data_dir
    args = ["whatif", "--plan", str(plan_csv), "--leave", leaving, "--repair", "--json"]
    args += ["--config", str(RMC_RULES)]
    res = CliRunner().invoke(app, [*args, "--data", data, "--out", str(out)])
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    rows = cli["repair"]["budget_changes"] or cli["budget_changes"]
    cli_structural = {row["region_id"]: row["structural_after_eur"] for row in rows}
    args = ["budget", str(out / "regions.csv"), "--json", "--data", data]
    res = CliRunner().invoke(app, [*args, "--config", str(RMC_RULES)])
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
