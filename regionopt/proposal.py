"""A national proposal: optimise on a workspace, judge the plan, write what a user reads.

``run_propose`` turns the workspace and the user's choices into a ``Problem``, runs the
pipeline (``regionopt.solve.pipeline``) and passes the plan through the checker;
``write_outputs`` writes ``regions.csv``, ``regions_table.csv`` (figures and budget per region),
``regions.gpkg``, ``map.html`` and ``summary.json`` into a directory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from regionopt.budget import budget
from regionopt.check import Violation, check, is_valid
from regionopt.config import SearchConfig
from regionopt.evaluate import RegionStats, plan_rows, region_table
from regionopt.instance import Instance
from regionopt.model.candidates import Restriction
from regionopt.model.objective import Objective, ObjectiveComponents
from regionopt.model.problem import DEFAULT_REGIONS, ItemFamily, Problem, exclude_schools
from regionopt.names import region_names
from regionopt.plan import Plan, write_plan_rows
from regionopt.solve.pipeline import Optimised, Progress, optimise, proven_gap
from regionopt.workspace import Workspace


@dataclass(frozen=True)
class ProposeResult:
    """A proposed plan, the optimisation behind it and the checker's verdict."""

    plan: Plan
    optimised: Optimised
    violations: list[Violation]
    parameters: dict[str, Any]

    @property
    def valid(self) -> bool:
        """True when the checker finds no broken rule."""
        return is_valid(self.violations)


def region_ids(k: int) -> tuple[str, ...]:
    """Region ids ``R01``, ``R02``, ... for ``k`` regions (in the partition's canonical order)."""
    return tuple(f"R{r + 1:02d}" for r in range(k))


def run_propose(
    ws: Workspace,
    *,
    regions: tuple[int, int] = DEFAULT_REGIONS,
    locks: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
    reference: Plan | None = None,
    reference_weight: float | None = None,
    max_moves: int | None = None,
    search: SearchConfig | None = None,
    cp_sat_s: float | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ProposeResult:
    """Optimise a plan on a workspace and pass it through the checker.

    Parameters mirror the ``propose`` command; ``search`` defaults to the config's ``[search]``
    and ``reference_weight`` overrides ``weights.reference_move``.
    """
    cfg = ws.config
    search = search or cfg.search
    weights = cfg.weights
    if reference_weight is not None:
        weights = weights.model_copy(update={"reference_move": reference_weight})
    instance, graph = exclude_schools(ws.instance, ws.graph, exclude)
    problem = Problem.from_instance(
        instance,
        graph,
        cfg.rules,
        regions=regions,
        locks=locks,
        reference=reference,
        max_moves=max_moves,
        families=families_of(ws, instance),
    )
    done = optimise(problem, weights, search, cp_sat_s=cp_sat_s, progress=progress)
    plan = Plan(rows=(), name="proposed")
    if done.partition is not None:
        ids = _region_ids_for(problem, done, reference)
        plan = done.partition.plan(problem.codes, ids)
        plan = replace(
            plan, region_names=region_names(ws.instance, plan), opted_out=frozenset(exclude)
        )
    violations = check(ws.instance, ws.graph, plan, cfg.rules, opted_out=exclude)
    parameters: dict[str, Any] = {
        "regions": list(regions),
        "locks": dict(locks or {}),
        "exclude": sorted(exclude),
        "reference": reference.name if reference is not None else None,
        "max_moves": max_moves,
        "cp_sat_s": cp_sat_s,
        "search": search.model_dump(),
        "rules": cfg.rules.model_dump(),
        "weights": weights.model_dump(),
        "commute": cfg.commute.model_dump(),
        "participation": cfg.participation.model_dump(),
    }
    return ProposeResult(plan, done, violations, parameters)


def score_plan(
    ws: Workspace, plan: Plan, *, regions: tuple[int, int] = DEFAULT_REGIONS
) -> ObjectiveComponents:
    """The objective of any plan under the workspace's weights, as ``propose`` measures it.

    Each region is measured from its best centre (``Objective.score``); ``regions`` is the
    count ``propose`` asked for, which sets the mean the size balance measures against. The
    schools the plan has take no part are left out, as ``propose --exclude`` leaves them.

    Raises
    ------
    ValueError
        When the plan leaves a participating school in no region: the objective counts every
        school's commuting pupils and is not defined for part of the country.
    """
    opted_out = [code for code in sorted(plan.opted_out) if code in ws.instance.index]
    instance, graph = exclude_schools(ws.instance, ws.graph, opted_out)
    families = families_of(ws, instance)
    problem = Problem.from_instance(
        instance, graph, ws.config.rules, regions=regions, families=families
    )
    labels, _ = plan.labels(problem.codes)
    if (labels < 0).any():
        raise ValueError(f"{int((labels < 0).sum())} participating schools are in no region")
    compact = np.unique(labels, return_inverse=True)[1].reshape(-1)
    return Objective.build(problem, ws.config.weights).score(compact)


def families_of(ws: Workspace, instance: Instance) -> list[ItemFamily]:
    """The workspace's labour-market regions, besturen and serving mbo institutions for
    ``instance`` (which may lack opted-out schools)."""
    families = [ws.labour_markets, ws.boards, ws.mbo_institutions]
    if instance is ws.instance:
        return families
    index = {s.code: s.id for s in ws.instance.schools}
    ids = np.array([index[s.code] for s in instance.schools], dtype=np.int64)
    return [ItemFamily(f.name, f.index[ids], f.codes) for f in families]


def _region_ids_for(problem: Problem, done: Optimised, reference: Plan | None) -> tuple[str, ...]:
    """A lock's label or the matched reference region's id where there is one, else R01..."""
    partition = done.partition
    assert partition is not None
    ids: list[str | None] = [None] * partition.k
    for label, members in problem.locks:
        ids[int(partition.labels[members[0]])] = label
    if reference is not None and problem.reference is not None:
        from regionopt.plan import match_labels

        in_ref = problem.reference >= 0
        rows, cols, overlap = match_labels(
            partition.labels[in_ref],
            problem.reference[in_ref],
            partition.k,
            len(problem.reference_ids),
        )
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            rid = problem.reference_ids[c]
            if ids[r] is None and overlap[r, c] > 0 and rid not in ids:
                ids[r] = rid
    used = {i for i in ids if i is not None}
    free = (rid for rid in region_ids(partition.k + len(used)) if rid not in used)
    return tuple(i if i is not None else next(free) for i in ids)


def summary_dict(result: ProposeResult) -> dict[str, Any]:
    """The content of ``summary.json``."""
    done = result.optimised
    part = done.partition
    return {
        "status": done.status,
        "valid": result.valid,
        "objective": part.objective if part is not None else None,
        "bound": done.bound,
        "gap": done.gap,
        "bound_method": done.bound_method,
        "bound_scope": done.scope,
        "all_regions": _all_regions(done),
        "wall_time_s": round(done.wall_time_s, 3),
        "work_s": round(done.work_s, 3),
        "work_by_kind_s": {kind: round(w, 3) for kind, w in sorted(done.spent.items())},
        "deterministic": result.parameters["search"]["deterministic"],
        "time_to_first_valid_s": (
            None if done.time_to_first_valid_s is None else round(done.time_to_first_valid_s, 3)
        ),
        "regions": len(result.plan.regions),
        "objective_components": part.components.to_dict() if part is not None else None,
        "phases": _phases(done),
        "violations": [v.to_dict() for v in result.violations],
        "parameters": result.parameters,
    }


def _all_regions(done: Optimised) -> dict[str, Any] | None:
    """The bound over every connected region, with its gap (None when not asked for)."""
    wide = done.all_regions
    if wide is None or done.partition is None:
        return None
    return {
        "bound": wide.bound,
        "gap": proven_gap(done.partition.objective, wide.bound),
        "scope": Restriction().scope,
        "penvoerders": wide.roots,
        "proven": wide.proven,
        "complete": wide.complete,
        "pricing_calls": wide.calls,
        "wall_s": round(wide.wall_s, 3),
    }


def _phases(done: Optimised) -> dict[str, Any]:
    """Every phase's report as JSON-ready dicts."""
    from dataclasses import asdict

    return {
        "warm_start": {"objective": done.warm_start_objective},
        "cp_sat": asdict(done.cp_sat) if done.cp_sat is not None else None,
        "column_generation": (
            asdict(done.column_generation) if done.column_generation is not None else None
        ),
        "windows": asdict(done.windows) if done.windows is not None else None,
        "branch_and_price": _branch(done),
    }


def _branch(done: Optimised) -> dict[str, Any] | None:
    """The branch-and-price phase (None when it did not run)."""
    tree = done.branch
    if tree is None:
        return None
    return {
        "bound": tree.bound,
        "nodes": tree.nodes,
        "open_nodes": tree.open_nodes,
        "closed": tree.closed,
        "depth": tree.depth,
        "best_objective": tree.incumbent_objective,
        "improved_the_plan": tree.incumbent is not None,
        "wall_s": round(tree.wall_s, 3),
    }


def table_rows(ws: Workspace, plan: Plan) -> list[RegionStats]:
    """Per region figures and budget of a plan (``regions_table.csv``)."""
    money = budget(ws.instance, plan, ws.config.budget)
    per_region = {
        r.region_id: {k: v for k, v in r.as_dict().items() if k.endswith("_eur")}
        for r in money.regions
    }
    return region_table(ws.instance, plan, rules=ws.config.rules, budget=per_region)


def write_outputs(ws: Workspace, result: ProposeResult, out: Path) -> list[Path]:
    """Write regions.csv, regions_table.csv, regions.gpkg, map.html, report.html and
    summary.json."""
    written = []
    header, rows = plan_rows(ws.instance, result.plan)
    write_plan_rows(out / "regions.csv", header, rows)
    written.append(out / "regions.csv")
    table = table_rows(ws, result.plan) if result.plan.rows else []
    if table:
        write_table(out / "regions_table.csv", [s.to_row() for s in table])
        written.append(out / "regions_table.csv")
    summary = summary_dict(result)
    if result.plan.rows:
        validation = validate_plan(ws, result.plan)
        summary["validation"] = validation
        written += _write_geography(ws, result, out, table)
        written.append(_write_report(ws, result, out, table, validation))
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=_json_default), encoding="utf-8"
    )
    written.append(out / "summary.json")
    return written


def write_table(path: Path, rows: list[dict[str, object]]) -> None:
    """A list of flat dicts as a CSV that Dutch Excel opens correctly (UTF-8 with BOM)."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _write_geography(
    ws: Workspace, result: ProposeResult, out: Path, table: list[RegionStats]
) -> list[Path]:
    """regions.gpkg (territories and schools) and map.html."""
    from regionopt.mapdata import write_plan_map

    terr = write_geopackage(ws, result.plan, out / "regions.gpkg")
    done = result.optimised
    params = {"regions": len(result.plan.regions), "status": done.status, "gap": done.gap}
    write_plan_map(
        ws.loaded,
        result.plan,
        out / "map.html",
        title="Voorgestelde STO-regio's",
        params=params,
        config=ws.config,
        region_table=table,
        territories=terr,
        model=ws.model,
    )
    return [out / "regions.gpkg", out / "map.html"]


def validate_plan(ws: Workspace, plan: Plan) -> dict[str, Any]:
    """How a plan agrees with the documented regions, beside the official partitions."""
    from regionopt.load import FILES, find_data_dir
    from regionopt.official import read_official_partitions
    from regionopt.validate import validate

    baselines = read_official_partitions(
        find_data_dir(ws.loaded.report.data_dir) / FILES["locations"]
    )
    found = validate(ws.instance, ws.loaded.actual, plan, baselines)
    return {
        "plan": found.plan.as_dict(regions=False),
        "baselines": [b.as_dict(regions=False) for b in found.baselines],
        "sizes": {
            "plan": found.plan_sizes.as_dict(),
            "documented_complete": found.documented_sizes.as_dict(),
        },
    }


def _write_report(
    ws: Workspace,
    result: ProposeResult,
    out: Path,
    table: list[RegionStats],
    validation: dict[str, Any],
) -> Path:
    """report.html: the map, the regions, the objective and its proof, the comparison."""
    from regionopt.report import write_proposal_report

    done = result.optimised
    assert done.partition is not None
    objective: dict[str, object] = {
        "status": done.status,
        "objective": done.partition.objective,
        "bound": done.bound,
        "gap": done.gap,
        "scope": done.scope_nl,
        "components": done.partition.components.to_dict(),
    }
    tree = done.branch
    if tree is not None:
        state = "gesloten" if tree.closed else f"{tree.open_nodes} knopen nog open"
        objective["branch_and_price"] = f"{tree.nodes} knopen doorzocht, boom {state}"
    wide = _all_regions(done)
    if wide is not None:
        objective["all_regions_bound"] = wide["bound"]
        objective["all_regions_gap"] = wide["gap"]
    return write_proposal_report(
        out / "report.html",
        instance=ws.instance,
        plan=result.plan,
        config=ws.config,
        map_html=(out / "map.html").read_text(encoding="utf-8"),
        objective=objective,
        comparison=validation,
        parameters=result.parameters,
        region_stats=table,
    )


def write_geopackage(ws: Workspace, plan: Plan, path: Path) -> Any:
    """Territories and schools of a plan in one GeoPackage (RD New); returns the territories."""
    import geopandas as gpd

    from regionopt.territory import territories

    terr = territories(plan, ws.instance, ws.loaded.geography, ws.model)
    terr.to_file(path, layer="territories", driver="GPKG")
    assignment = plan.assignment
    schools = [s for s in ws.instance.schools if s.code in assignment]
    points = gpd.GeoDataFrame(
        {
            "vestiging_code": [s.code for s in schools],
            "region_id": [assignment[s.code] for s in schools],
            "name": [s.name for s in schools],
            "place": [s.place for s in schools],
            "gemeente": [s.gemeente for s in schools],
            "technical_pupils": [s.technical_pupils for s in schools],
        },
        geometry=gpd.points_from_xy([s.x for s in schools], [s.y for s in schools]),
        crs="EPSG:28992",
    )
    points.to_file(path, layer="schools", driver="GPKG")
    return terr


def _json_default(obj: object) -> object:
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


__all__ = [
    "ProposeResult",
    "region_ids",
    "run_propose",
    "summary_dict",
    "table_rows",
    "write_outputs",
]
