"""``regionopt graph``: build the commuting model and school graph, export and describe it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import geopandas as gpd
import shapely
import typer
from rich.markup import escape
from rich.table import Table

from regionopt.cli._app import (
    ConfigOption,
    DataOption,
    JsonOption,
    app,
    console,
    friendly_errors,
    print_json,
)
from regionopt.crs import RD_NEW
from regionopt.graph import catchment_retention, graph_stats
from regionopt.output import check_out_file, staged_file
from regionopt.plan import Plan, read_plan
from regionopt.territory import territories
from regionopt.workspace import Workspace, open_workspace

OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write nodes, edges and territories to this GeoPackage."),
]
PlanOption = Annotated[
    Path | None,
    typer.Option("--plan", help="Plan whose territories to export (default: the actual regions)."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")]
SHOWN = (
    "nodes",
    "edges",
    "components",
    "degree_min",
    "degree_mean",
    "degree_max",
    "weight_total",
    "mean_distance_km",
    "decay_km",
    "cutoff_km",
    "build_s",
)
"""The figures the table shows (``--json`` gives them all)."""


@app.command("graph")
@friendly_errors
def graph_command(
    out: OutOption = None,
    plan: PlanOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Build the school graph from the modelled commuting areas and report on it."""
    if out is not None:
        check_out_file(out, force=force, suffixes=(".gpkg",))
    the_plan = read_plan(plan) if plan is not None else None
    start = time.perf_counter()
    ws = open_workspace(data, config)
    built_s = time.perf_counter() - start
    inst, g = ws.instance, ws.graph
    if the_plan is None:
        the_plan = ws.loaded.actual
    stats = graph_stats(g) | {
        "build_s": round(built_s, 2),
        "decay_km": ws.config.commute.decay_km,
        "cutoff_km": ws.config.commute.cutoff_km,
        "unreached_pupils": round(ws.model.unreached_pupils, 1),
        "disconnected_parts": g.graph.get("components", [])[1:],
    }
    labels = {inst.index[c]: r for c, r in the_plan.assignment.items() if c in inst.index}
    stats["catchment_retention"] = catchment_retention(g, labels)
    if out is not None:
        _write_geopackage(out, ws, the_plan, force=force)
        stats["out"] = str(out)
    if json:
        print_json(stats)
        return
    table = Table(title="School graph", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for key in SHOWN:
        value = stats[key]
        table.add_row(
            key.replace("_", " "), f"{value:,}" if isinstance(value, int | float) else value
        )
    console.print(table)
    if plan is not None and out is None:
        console.print(
            "note: --plan chooses the regions whose territories --out FILE.gpkg writes "
            "(--json gives their catchment retention); without --out it changes nothing shown",
            highlight=False,
        )
    for part in stats["disconnected_parts"]:
        console.print(f"[yellow]disconnected part:[/] {escape(', '.join(part))}")
    if stats.get("out"):
        console.print(
            f"wrote nodes, edges and territories to {escape(stats['out'])}", highlight=False
        )


def _write_geopackage(out: Path, ws: Workspace, plan: Plan, *, force: bool) -> None:
    """Layers ``nodes`` (schools), ``edges`` (the graph) and ``territories`` (of ``plan``)."""
    inst, g = ws.instance, ws.graph
    terr = territories(plan, inst, ws.loaded.geography, ws.model)
    nodes = gpd.GeoDataFrame(
        {
            "vestiging_code": [s.code for s in inst.schools],
            "name": [s.name for s in inst.schools],
            "gemeente": [s.gemeente for s in inst.schools],
            "technical_pupils": [s.technical_pupils for s in inst.schools],
            "degree": [g.degree(s.id) for s in inst.schools],
            "catchment_pupils": ws.model.school_catchment.round(1),
        },
        geometry=gpd.points_from_xy(inst.xy[:, 0], inst.xy[:, 1]),
        crs=RD_NEW,
    )
    edge_list = list(g.edges(data=True))
    edges = gpd.GeoDataFrame(
        {
            "from_code": [inst.schools[a].code for a, _, _ in edge_list],
            "to_code": [inst.schools[b].code for _, b, _ in edge_list],
            "weight": [round(d["weight"], 2) for *_, d in edge_list],
            "distance_km": [round(d["distance_km"], 2) for *_, d in edge_list],
        },
        geometry=[shapely.LineString([inst.xy[a], inst.xy[b]]) for a, b, _ in edge_list],
        crs=RD_NEW,
    )
    with staged_file(out, force=force, suffixes=(".gpkg",)) as staging:
        nodes.to_file(staging, layer="nodes", driver="GPKG")
        edges.to_file(staging, layer="edges", driver="GPKG")
        terr.to_file(staging, layer="territories", driver="GPKG")
