"""``regionopt propose``: optimise regions on the real data and write them out.

Thin over ``regionopt.optimise`` (CP-SAT, the column-generation bound, window improvement);
this module adds the data, the live progress line, the checker pass and the output files
(regions.csv, summary.json, regions_table.csv, regions.gpkg, map.html).
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from regionopt.bound import BoundStep
from regionopt.check import Violation, check, is_valid
from regionopt.cli._app import (
    EXIT_BROKEN,
    ConfigOption,
    DataOption,
    app,
    console,
    friendly_errors,
)
from regionopt.config import Config
from regionopt.errors import InputError, Problem
from regionopt.optimise import optimise
from regionopt.output import check_out_dir, staged_dir
from regionopt.plan import Plan, read_plan, write_plan_rows
from regionopt.solve import Progress, Solution, SolverConfig, SolverInput, restrict
from regionopt.workspace import Workspace, open_workspace

DEFAULT_TIME_LIMIT_S = 1.0
"""CP-SAT stops here unless the gap closes first. On the national instance CP-SAT finds a
valid plan within a second (the constructive warm start) and then improves it slowly; column
generation does the rest from any seed. Measured with the defaults otherwise equal (three
runs each, before the faster pricing): 1 s of CP-SAT ended at the proven optimum after
18.8-20.1 s of solving, 2 s after 19.2-21.3 s; neither improved the warm start's plan. With
``--reference actual`` too: 1 s ended at 27,262 (gap 2.75%) after 16.6 s, 60 s at 27,317
after 73.6 s (CP-SAT's own plan: 32,230)."""

ONLY_PHASE_TIME_LIMIT_S = 60.0
"""The CP-SAT phase with ``--contiguity exact``: column generation's regions are then only
known to be Hess-contiguous, so they give the bound but never a plan, and CP-SAT is the only
phase that improves the plan."""


def cp_sat_time_limit(time_limit_s: float | None, *, only_phase: bool) -> float:
    """The CP-SAT phase's seconds: the user's, or the default for the kind of run."""
    if time_limit_s is not None:
        return time_limit_s
    return ONLY_PHASE_TIME_LIMIT_S if only_phase else DEFAULT_TIME_LIMIT_S


DEFAULT_BOUND_TIME_S = 150.0
"""At most this many seconds of column generation after CP-SAT (0 = CP-SAT's own bound, which
is 0 on this objective). Measured on the national instance (``bench/bench_bound.py``):
column generation stops as soon as the IP over its columns is proven within the gap, after
12.5-14.6 s in five default runs."""

DEFAULT_IMPROVE_TIME_S = 60.0
"""At most this many seconds of window improvement after the bound (``regionopt.improve``),
only while the gap is open (on the national instance the IP of column generation usually
closes it, and no windows run). With the defaults a national run takes about 22 s."""


@dataclass(frozen=True)
class ProposeResult:
    """A proposed plan, the solver's figures and the checker's verdict."""

    plan: Plan
    solution: Solution
    violations: list[Violation]
    parameters: dict[str, Any]

    @property
    def valid(self) -> bool:
        """True when the checker finds no broken rule."""
        return is_valid(self.violations)


def parse_regions(text: str) -> tuple[int, int | None]:
    """``"77"`` -> (77, None); ``"70-80"`` -> (70, 80).

    Raises
    ------
    InputError
        When the text is not N or MIN-MAX with 1 <= MIN <= MAX.
    """
    parts = text.replace(" ", "").split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) not in (1, 2) or nums[0] < 1 or (len(nums) == 2 and nums[1] < nums[0]):
        raise InputError(
            [Problem("--regions", text, "not N or MIN-MAX", "e.g. --regions 77 or 70-80")]
        )
    return nums[0], (nums[1] if len(nums) == 2 else None)


def parse_locks(items: Sequence[str]) -> dict[str, str]:
    """``["02QZ00=A", ...]`` -> ``{"02QZ00": "A"}`` (every bad item reported)."""
    locks: dict[str, str] = {}
    problems = []
    for item in items:
        code, sep, region = item.partition("=")
        code, region = code.strip().upper(), region.strip()
        if not sep or not code or not region:
            problems.append(Problem("--lock", item, "not CODE=REGION", "e.g. --lock 02QZ00=R01"))
            continue
        if locks.get(code, region) != region:
            problems.append(
                Problem(
                    "--lock",
                    code,
                    f"locked to two regions: {locks[code]} and {region}",
                    "give each school one --lock",
                )
            )
            continue
        locks[code] = region
    if problems:
        raise InputError(problems, title="Invalid locks")
    return locks


MAX_OPTION_SECONDS = 7 * 24 * 3600.0
"""Upper bound of a time option: a week."""


def check_propose_options(
    *,
    radius: float | None,
    max_moves: int | None,
    reference_weight: float | None,
    time_limit: float | None,
    bound_time: float,
    improve_time: float,
    workers: int,
    seed: int,
) -> None:
    """Check every numeric option of ``propose`` before anything loads.

    Raises
    ------
    InputError
        Listing every option that is not finite or not in its range, each with its fix.
    """
    from regionopt.config import MAX_KM, MAX_WEIGHT

    def number(value: float, low: float, high: float, *, low_open: bool = False) -> bool:
        return (
            math.isfinite(value) and (value > low if low_open else value >= low) and (value <= high)
        )

    week = MAX_OPTION_SECONDS
    checks: list[tuple[str, float | None, bool, str]] = [
        (
            "--radius",
            radius,
            radius is None or number(radius, 0, MAX_KM, low_open=True),
            f"a distance in km above 0 and at most {MAX_KM:g} (default 25)",
        ),
        (
            "--max-moves",
            max_moves,
            max_moves is None or max_moves >= 0,
            "a whole number of schools, 0 or more",
        ),
        (
            "--reference-weight",
            reference_weight,
            reference_weight is None or number(reference_weight, 0, MAX_WEIGHT),
            f"a cost from 0 to {MAX_WEIGHT:,.0f} per moved school",
        ),
        (
            "--time-limit",
            time_limit,
            time_limit is None or number(time_limit, 0, week, low_open=True),
            "seconds above 0 (at most a week)",
        ),
        (
            "--bound-time",
            bound_time,
            number(bound_time, 0, week),
            "seconds, 0 or more (0 skips the phase; at most a week)",
        ),
        (
            "--improve-time",
            improve_time,
            number(improve_time, 0, week),
            "seconds, 0 or more (0 skips the phase; at most a week)",
        ),
        ("--workers", workers, 1 <= workers <= 256, "a number of threads from 1 to 256"),
        ("--seed", seed, 0 <= seed < 2**31, "a whole number from 0 to 2147483647"),
    ]
    problems = [
        Problem(
            option,
            str(value),
            "out of range" if _finite(value) else "not a finite number",
            f"use {fix}",
        )
        for option, value, ok, fix in checks
        if not ok
    ]
    if problems:
        raise InputError(problems, title="Invalid options")


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def run_propose(
    ws: Workspace,
    *,
    regions: tuple[int, int | None] = (77, None),
    locks: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
    reference: Plan | None = None,
    reference_weight: float | None = None,
    max_moves: int | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    seed: int = 0,
    workers: int = 2,
    candidate_radius_km: float | None = None,
    contiguity: str = "hess",
    improve_time_s: float = DEFAULT_IMPROVE_TIME_S,
    bound_time_s: float = DEFAULT_BOUND_TIME_S,
    progress: Callable[[Progress], None] | None = None,
    bound_progress: Callable[[BoundStep], None] | None = None,
) -> ProposeResult:
    """Optimise a plan on a workspace and pass it through the checker.

    Parameters mirror the ``propose`` command. ``reference_weight`` overrides
    ``weights.reference_move`` of the config.
    """
    cfg: Config = ws.config
    weights = cfg.weights
    if reference_weight is not None:
        weights = weights.model_copy(update={"reference_move": reference_weight})
    instance, graph = restrict(ws.instance, ws.graph, exclude)
    inp = SolverInput.from_instance(instance, graph, cfg.rules, locks=locks, reference=reference)
    defaults = SolverConfig()
    solver_config = SolverConfig(
        n_regions=regions[0],
        n_regions_max=regions[1],
        time_limit_s=time_limit_s,
        seed=seed,
        workers=workers,
        weights=weights,
        candidate_radius_km=candidate_radius_km or defaults.candidate_radius_km,
        contiguity=contiguity,  # type: ignore[arg-type]
        max_moves=max_moves,
    )
    done = optimise(
        inp,
        solver_config,
        improve_time_s=improve_time_s,
        bound_time_s=bound_time_s,
        progress=progress,
        bound_progress=bound_progress,
    )
    solution, bound_method = done.solution, done.bound_method
    plan = solution.plan(inp.codes) if solution.found else Plan(rows=(), name="proposed")
    violations = check(ws.instance, ws.graph, plan, cfg.rules, opted_out=exclude)
    parameters: dict[str, Any] = {
        "regions": list(solver_config.region_range),
        "locks": dict(locks or {}),
        "exclude": sorted(exclude),
        "reference": reference.name if reference is not None else None,
        "max_moves": max_moves,
        "time_limit_s": time_limit_s,
        "seed": seed,
        "workers": workers,
        "candidate_radius_km": solver_config.candidate_radius_km,
        "contiguity": contiguity,
        "relative_gap_limit": solver_config.relative_gap,
        "improve_time_s": improve_time_s,
        "bound_method": bound_method,
        "bound_time_s": bound_time_s,
        "rules": cfg.rules.model_dump(),
        "weights": weights.model_dump(),
        "commute": cfg.commute.model_dump(),
        "participation": cfg.participation.model_dump(),
    }
    return ProposeResult(plan, solution, violations, parameters)


def summary_dict(result: ProposeResult) -> dict[str, Any]:
    """The content of ``summary.json``."""
    sol = result.solution
    return {
        "status": sol.status,
        "valid": result.valid,
        "objective": sol.objective,
        "bound": sol.bound,
        "bound_method": result.parameters["bound_method"],
        "gap": sol.gap,
        "wall_time_s": round(sol.wall_time_s, 3),
        "time_to_first_valid_s": (
            None if sol.time_to_first_valid_s is None else round(sol.time_to_first_valid_s, 3)
        ),
        "regions": len(result.plan.regions),
        "objective_components": sol.components.to_dict() if sol.components else None,
        "violations": [v.to_dict() for v in result.violations],
        "model_size": sol.model_size,
        "solver_stats": sol.stats,
        "parameters": result.parameters,
    }


def write_outputs(ws: Workspace, result: ProposeResult, out: Path) -> list[Path]:
    """Write regions.csv, summary.json, regions_table.csv, regions.gpkg and map.html."""
    from regionopt.evaluate import plan_rows, region_table

    written = []
    header, rows = plan_rows(ws.instance, result.plan)
    write_plan_rows(out / "regions.csv", header, rows)
    written.append(out / "regions.csv")
    table = region_table(ws.instance, result.plan, rules=ws.config.rules)
    if table:
        table_rows = [s.to_row() for s in table]
        with (out / "regions_table.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table_rows[0]))
            writer.writeheader()
            writer.writerows(table_rows)
        written.append(out / "regions_table.csv")
    summary = summary_dict(result)
    terr = None
    if result.plan.rows:
        started = time.perf_counter()
        terr = _write_gpkg(ws, result.plan, out / "regions.gpkg")
        written.append(out / "regions.gpkg")
        summary["gpkg_s"] = round(time.perf_counter() - started, 2)
        map_path = _write_map(ws, result, out / "map.html", table, terr)
        if map_path is not None:
            written.append(map_path)
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=_json_default), encoding="utf-8"
    )
    written.append(out / "summary.json")
    return written


def _json_default(obj: object) -> object:
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


def _write_gpkg(ws: Workspace, plan: Plan, path: Path) -> object:
    """Territories and schools of the plan in one GeoPackage (RD New)."""
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


def _write_map(
    ws: Workspace, result: ProposeResult, path: Path, table: object, terr: object
) -> Path | None:
    """The HTML map of the proposal."""
    from regionopt.render import write_plan_map

    sol = result.solution
    params = {
        "regions": len(result.plan.regions),
        "status": sol.status,
        "gap": f"{sol.gap:.1%}" if sol.gap is not None else "n/a",
        "min_technical_pupils": ws.config.rules.min_technical_pupils,
    }
    write_plan_map(
        ws.loaded,
        result.plan,
        path,
        title="Proposed regions",
        params=params,
        config=ws.config,
        region_table=table,  # type: ignore[arg-type]
        territories=terr,  # type: ignore[arg-type]
    )
    return path


class _LiveLine:
    """A one-line live display of incumbent, bound, gap and elapsed time."""

    def __init__(self, live: Live, time_limit_s: float, bound_time_s: float = 0.0) -> None:
        self.live = live
        self.limit = time_limit_s
        self.bound_limit = bound_time_s
        self.objective: float | None = None
        self.bound: float | None = None

    def __call__(self, p: Progress) -> None:
        if p.objective is not None:
            self.objective = (
                p.objective if self.objective is None else min(self.objective, p.objective)
            )
        if p.bound is not None:
            self.bound = p.bound if self.bound is None else max(self.bound, p.bound)
        obj = "-" if self.objective is None else f"{self.objective:,.1f}"
        bound = "-" if self.bound is None else f"{self.bound:,.1f}"
        gap = "-"
        if self.objective is not None and self.bound is not None:
            gap = f"{max(self.objective - self.bound, 0) / max(abs(self.objective), 1e-9):.2%}"
        self.live.update(
            Text(
                f"solving  incumbent {obj}  bound {bound}  gap {gap}  "
                f"{p.elapsed_s:5.1f}s / {self.limit:g}s",
            )
        )

    def bound_step(self, step: BoundStep) -> None:
        """Show the column-generation bound as it rises."""
        self.bound = step.bound if self.bound is None else max(self.bound, step.bound)
        if step.incumbent is not None:
            self.objective = (
                step.incumbent if self.objective is None else min(self.objective, step.incumbent)
            )
        gap = "-"
        if self.objective is not None:
            gap = f"{max(self.objective - self.bound, 0) / max(abs(self.objective), 1e-9):.2%}"
        self.live.update(
            Text(
                f"column generation  incumbent {self.objective or 0:,.1f}  "
                f"bound {self.bound:,.1f}  gap {gap}  "
                f"{step.elapsed_s:5.1f}s / {self.bound_limit:g}s",
            )
        )


@app.command("propose")
@friendly_errors
def propose_command(
    regions: Annotated[
        str, typer.Option("--regions", help="Number of regions N, or a range MIN-MAX.")
    ] = "77",
    lock: Annotated[
        list[str] | None,
        typer.Option(
            "--lock",
            help="CODE=REGION: keep a school in a region (same REGION = together, different "
            "= apart; a REGION of the --reference plan ties it to that region). Repeatable.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", help="CODE of a school that opts out. Repeatable.", show_default=False
        ),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference",
            help="Plan CSV to stay close to, or 'actual' for the documented actual regions.",
            show_default=False,
        ),
    ] = None,
    reference_weight: Annotated[
        float | None,
        typer.Option(
            "--reference-weight",
            help="Cost per school moved away from the reference (default: weights."
            "reference_move in the config).",
            show_default=False,
        ),
    ] = None,
    max_moves: Annotated[
        int | None,
        typer.Option(
            "--max-moves", help="Hard cap on schools moved from the reference.", show_default=False
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help=f"Seconds for CP-SAT, the first phase (default {DEFAULT_TIME_LIMIT_S:g} s; "
            f"{ONLY_PHASE_TIME_LIMIT_S:g} s with --contiguity exact, where CP-SAT is the only "
            "phase that improves the plan).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Random seed (with several workers CP-SAT runs still vary)."),
    ] = 0,
    workers: Annotated[
        int,
        typer.Option("--workers", help="CP-SAT worker threads, and processes for pricing."),
    ] = 2,
    improve_time: Annotated[
        float,
        typer.Option(
            "--improve-time",
            help="At most this many seconds of improving the plan by re-solving windows of "
            "neighbouring regions, after the bound and only while the gap is open (0: none; "
            "not used with --reference).",
        ),
    ] = DEFAULT_IMPROVE_TIME_S,
    bound_time: Annotated[
        float,
        typer.Option(
            "--bound-time",
            help="At most this many seconds of column generation after CP-SAT, to prove a "
            "lower bound and improve the plan; it stops early once the plan is proven "
            "optimal (gap 0.1%) (0: only CP-SAT's own bound; not used with --reference).",
        ),
    ] = DEFAULT_BOUND_TIME_S,
    radius: Annotated[
        float | None,
        typer.Option(
            "--radius",
            help="Candidate radius: a school joins a penvoerder at most this many km away "
            "along the school graph (default 25).",
            show_default=False,
        ),
    ] = None,
    contiguity: Annotated[
        str,
        typer.Option(
            "--contiguity",
            help="'hess' (fast: each school links to its region's centre via closer schools) "
            "or 'exact' (any connected region; slow, for small instances).",
        ),
    ] = "hess",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out/proposal"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a non-empty output directory.")
    ] = False,
    data: DataOption = None,
    config: ConfigOption = None,
) -> None:
    """Propose regions that meet every rule; print status, objective, bound and gap."""
    span = parse_regions(regions)
    locks = parse_locks(lock or [])
    check_propose_options(
        radius=radius,
        max_moves=max_moves,
        reference_weight=reference_weight,
        time_limit=time_limit,
        bound_time=bound_time,
        improve_time=improve_time,
        workers=workers,
        seed=seed,
    )
    if contiguity not in ("hess", "exact"):
        raise InputError([Problem("--contiguity", contiguity, "unknown mode", "hess or exact")])
    time_limit = cp_sat_time_limit(time_limit, only_phase=contiguity == "exact")
    if time_limit <= 0:
        raise InputError([Problem("--time-limit", str(time_limit), "must be > 0", "")])
    negative = [
        Problem(flag, str(value), "must be >= 0", "use 0 to skip the phase")
        for flag, value in (("--improve-time", improve_time), ("--bound-time", bound_time))
        if value < 0
    ]
    if negative:
        raise InputError(negative)
    if max_moves is not None and reference is None:
        raise InputError([Problem("--max-moves", str(max_moves), "needs --reference", "")])
    ref_plan = None
    if reference is not None and reference != "actual":
        ref_plan = read_plan(Path(reference))
    check_out_dir(out, force=force)
    started = time.perf_counter()
    ws = open_workspace(data, config)
    if reference == "actual":
        ref_plan = ws.loaded.actual
    excluded = sorted({c.strip().upper() for c in exclude or []})
    console.print(
        f"data and graph loaded in {time.perf_counter() - started:.1f} s: "
        f"{ws.instance.n - len(excluded)} schools, regions {escape(regions)}",
        highlight=False,
    )
    with Live(Text("solving ..."), console=console, refresh_per_second=4, transient=True) as live:
        line = _LiveLine(live, time_limit + bound_time + improve_time, bound_time)
        result = run_propose(
            ws,
            regions=span,
            locks=locks,
            exclude=excluded,
            reference=ref_plan,
            reference_weight=reference_weight,
            max_moves=max_moves,
            time_limit_s=time_limit,
            seed=seed,
            workers=workers,
            candidate_radius_km=radius,
            contiguity=contiguity,
            improve_time_s=improve_time,
            bound_time_s=bound_time,
            progress=line,
            bound_progress=line.bound_step,
        )
    sol = result.solution
    if not sol.found:
        console.print(
            f"[red]no plan found[/] in {sol.wall_time_s:.1f} s (status {sol.status}); "
            "raise --time-limit or relax the rules"
        )
        raise typer.Exit(EXIT_BROKEN)
    comps = sol.components
    assert comps is not None
    console.print(
        f"status [bold]{sol.status}[/]  objective {sol.objective:,.1f}  bound {sol.bound:,.1f}  "
        f"gap {sol.gap:.2%}  first valid plan {sol.time_to_first_valid_s:.1f} s  "
        f"solve {sol.wall_time_s:.1f} s\n  bound by {result.parameters['bound_method']}",
        highlight=False,
    )
    if "windows" in sol.stats:
        console.print(
            f"  CP-SAT plan {sol.stats['cp_sat_objective']:,.1f} after "
            f"{sol.stats['cp_sat_wall_s']:.0f} s; {sol.stats['windows']} windows re-solved, "
            f"{sol.stats['window_improvements']} improved it; the national set-partitioning "
            f"IP over their regions improved it {sol.stats['national_improvements']} time(s)",
            highlight=False,
        )
    console.print(
        f"  {len(result.plan.regions)} regions; cut commuting pupils {comps.cut_pupils:,.0f}, "
        f"compactness {comps.compactness_km:,.0f} km, gemeente splits {comps.gemeente_splits}, "
        f"reference moves {comps.reference_moves}",
        highlight=False,
    )
    with staged_dir(out, force=force) as staging:
        written = [out / p.name for p in write_outputs(ws, result, staging)]
    broken = [v for v in result.violations if v.severity == "broken"]
    verdict = "[green]VALID[/]" if result.valid else f"[red]BROKEN ({len(broken)})[/]"
    console.print(f"checker: {verdict}; {len(result.violations)} finding(s)")
    for v in result.violations[:10]:
        console.print(f"  {escape(str(v))}", highlight=False)
    names = ", ".join(p.name for p in written)
    console.print(f"wrote {escape(names)} to {escape(str(out))}", highlight=False)
    if not result.valid:
        raise typer.Exit(EXIT_BROKEN)
