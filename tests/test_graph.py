"""Commuting model, school graph and territories: hand-checkable fixtures and the real data."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.commute import commute_model, shared_catchment
from regionopt.config import CommuteConfig, Config, ParticipationConfig
from regionopt.graph import FERRY_SIDE, build_graph, catchment_retention
from regionopt.instance import Instance, PupilCounts
from regionopt.plan import Plan
from regionopt.territory import UNKNOWN, territories
from regionopt.workspace import open_workspace

from .conftest import make_instance, make_school

KM = 1000.0


def _origins(points_km: list[tuple[float, float]]) -> np.ndarray:
    return np.array([(100_000 + x * KM, 450_000 + y * KM) for x, y in points_km])


def test_two_towns_far_apart_give_no_edge() -> None:
    # Two schools in town A, two in town B, 80 km apart; families live in both towns.
    inst = make_instance([(0, 0), (1, 0), (80, 0), (81, 0)])
    model = commute_model(inst, _origins([(0.5, 0.2), (80.5, 0.2)]), np.array([100.0, 100.0]))
    graph = build_graph(inst, model)
    assert graph.has_edge(0, 1) and graph.has_edge(2, 3)
    assert not any(graph.has_edge(a, b) for a in (0, 1) for b in (2, 3))
    assert len(graph.graph["components"]) == 2  # reported, not bridged


def test_school_between_two_towns_links_to_both() -> None:
    inst = make_instance([(0, 0), (10, 0), (20, 0)])
    origins = _origins([(0, 1), (5, 1), (10, 1), (15, 1), (20, 1)])
    model = commute_model(inst, origins, np.full(5, 100.0))
    graph = build_graph(inst, model)
    assert graph.has_edge(0, 1) and graph.has_edge(1, 2)
    assert graph[0][1]["weight"] > 0 and graph[1][2]["weight"] > 0


def test_flows_conserve_pupils_and_decay_with_distance() -> None:
    inst = make_instance([(0, 0), (5, 0)])
    model = commute_model(inst, _origins([(0, 0)]), np.array([100.0]), CommuteConfig(decay_km=5))
    flows = model.flows.toarray()[0]
    # Equal attractiveness: the split is 1 : exp(-1), scaled to the national bg pupils.
    assert flows.sum() == pytest.approx(inst.beroepsgericht_pupils.sum())
    assert flows[1] / flows[0] == pytest.approx(np.exp(-1.0), rel=1e-6)
    assert model.mean_distance_km == pytest.approx(5 * flows[1] / flows.sum())


def test_shared_catchment_is_symmetric_and_non_negative() -> None:
    rng = np.random.default_rng(7)
    inst = make_instance([tuple(p) for p in rng.uniform(0, 30, size=(12, 2))])
    model = commute_model(inst, _origins(list(rng.uniform(0, 30, size=(40, 2)))), np.full(40, 50.0))
    shared = shared_catchment(model).toarray()
    assert np.allclose(shared, shared.T) and (shared >= 0).all()
    assert np.allclose(np.diag(shared), 0)


def test_island_links_only_to_ferry_side() -> None:
    island, harbour = next(iter(FERRY_SIDE.items()))
    inst = make_instance([(0, 0), (3, 0), (6, 0)], gemeenten=[island, harbour, "GM9999"])
    model = commute_model(inst, _origins([(0, 0), (3, 0), (6, 0)]), np.full(3, 100.0))
    graph = build_graph(inst, model)
    assert graph.has_edge(0, 1) and not graph.has_edge(0, 2)


def test_retention_counts_internal_weight() -> None:
    inst = make_instance([(0, 0), (1, 0), (2, 0)])
    g = nx.Graph()
    g.add_edge(0, 1, weight=3.0)
    g.add_edge(1, 2, weight=1.0)
    assert catchment_retention(g, {0: "A", 1: "A", 2: "B"}) == {"A": 0.75, "B": 0.0}
    del inst


# ---------------------------------------------------------------------------------------------
# Real data


@pytest.mark.realdata
def test_real_graph_connected_with_every_school(workspace) -> None:
    g, inst = workspace.graph, workspace.instance
    assert set(g.nodes) == set(range(inst.n))
    assert nx.is_connected(g), g.graph["components"][1:]
    weights = np.array([w for *_, w in g.edges(data="weight")])
    assert (weights >= 0).all()
    # Sparse: a handful of natural neighbours per school, not all pairs within reach.
    assert g.number_of_edges() < 8 * inst.n
    assert 3.0 < workspace.model.mean_distance_km < 15.0


@pytest.mark.realdata
def test_real_territories_disjoint_and_cover_land(workspace) -> None:
    inst = workspace.instance
    # A full plan: each school in its own gemeente's region.
    plan = Plan.from_mapping({s.code: s.gemeente for s in inst.schools})
    terr = territories(plan, inst, workspace.loaded.geography, workspace.model)
    land = workspace.loaded.geography.gemeenten.union_all()
    assert terr.geometry.area.sum() == pytest.approx(land.area, rel=1e-3)
    pairs = itertools.combinations(terr.geometry.values, 2)
    overlap = sum(a.intersection(b).area for a, b in pairs if a.intersects(b))
    assert overlap < 1e-4 * land.area
    assert UNKNOWN not in set(terr["region_id"])
    assert set(terr["region_id"]) == set(plan.regions)  # every region has land


@pytest.mark.realdata
def test_real_actual_regions_territories_and_retention(workspace) -> None:
    actual = workspace.loaded.actual
    inst = workspace.instance
    terr = territories(actual, inst, workspace.loaded.geography, workspace.model)
    assert UNKNOWN in set(terr["region_id"])  # undocumented land stays unknown
    labels = {inst.index[c]: r for c, r in actual.assignment.items() if c in inst.index}
    retention = catchment_retention(workspace.graph, labels)
    print("\ncatchment retention of documented actual regions (share of edge weight inside;")
    print("a lower bound for partial regions, whose undocumented members count as outside):")
    for region, share in sorted(retention.items(), key=lambda kv: kv[1]):
        kind = "partial" if region in actual.partial_regions else "complete"
        print(f"  {region:45s} {share:6.1%}  {len(actual.regions[region]):3d} schools, {kind}")
    assert all(0.0 <= v <= 1.0 for v in retention.values())
    assert len(retention) >= 20


@pytest.mark.realdata
def test_graph_command_writes_layers(tmp_path: Path, real_data: Path) -> None:
    out = tmp_path / "graph.gpkg"
    runner = CliRunner()
    result = runner.invoke(app, ["graph", "--out", str(out), "--json", "--data", str(real_data)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["nodes"] > 500 and stats["components"] == 1
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert layers == {"nodes", "edges", "territories"}
    again = runner.invoke(app, ["graph", "--out", str(out), "--data", str(real_data)])
    assert again.exit_code == 2 and "--force" in again.output


def test_school_that_joins_draws_by_its_own_pupils() -> None:
    # Rule 6: a tl-only school with 100 tl pupils draws families like a vmbo school with 100
    # beroepsgerichte pupils, not like an empty school, so it gets a catchment and links.
    vmbo = make_school(0, 0, 0, beroepsgericht=100)
    tl_only = replace(
        make_school(1, 4, 0, beroepsgericht=0, technical=0, kind="tl"),
        pupils=PupilCounts(tl=100),
    )
    twin = make_school(1, 4, 0, beroepsgericht=100)
    origins, pupils = _origins([(1, 1), (3, 1), (5, 1)]), np.full(3, 100.0)
    joined = commute_model(Instance(schools=(vmbo, tl_only)), origins, pupils)
    as_vmbo = commute_model(Instance(schools=(vmbo, twin)), origins, pupils)
    np.testing.assert_allclose(joined.flows.toarray(), as_vmbo.flows.toarray())
    assert joined.school_catchment[1] > 50
    assert build_graph(Instance(schools=(vmbo, tl_only)), joined).has_edge(0, 1)


@pytest.mark.realdata
def test_every_participation_option_gives_one_graph(real_data: Path) -> None:
    everyone = Config(
        participation=ParticipationConfig(include_tl_only=True, include_pro=True, include_vso=True)
    )
    ws = open_workspace(real_data, everyone)
    kinds = {s.kind for s in ws.instance.schools}
    assert kinds == {"vmbo", "tl", "pro", "vso"} and ws.instance.n > 1500
    assert nx.number_connected_components(ws.graph) == 1
    assert all(s.name != s.code and s.place for s in ws.instance.schools)
