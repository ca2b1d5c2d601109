"""``regionopt propose``: optimise regions on the real data and write them out.

Thin over ``regionopt.proposal``: parse and check the options, show live progress, print the
verdict and write the outputs.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from regionopt.cli._app import (
    EXIT_BROKEN,
    ConfigOption,
    DataOption,
    app,
    console,
    friendly_errors,
)
from regionopt.cli.objective import amount, objective_parts
from regionopt.cli.plans import refuse_unknown_codes
from regionopt.codes import code_problem
from regionopt.config import MAX_WEIGHT, Config, SearchConfig, fix_for, load_config
from regionopt.errors import InputError, Problem
from regionopt.instance import Instance
from regionopt.model.candidates import Restriction
from regionopt.model.problem import DEFAULT_REGIONS
from regionopt.output import check_out_dir, staged_dir
from regionopt.plan import read_plan
from regionopt.proposal import ProposeResult, run_propose, write_outputs
from regionopt.solve.pipeline import Progress, proven_gap
from regionopt.workspace import Workspace, open_workspace

SEARCH_OPTIONS: dict[str, str] = {
    "cp_sat_s": "--time-limit",
    "area_start_s": "--area-time",
    "bound_s": "--bound-time",
    "improve_s": "--improve-time",
    "seed": "--seed",
    "workers": "--workers",
    "radius_km": "--radius",
    "contiguity": "--contiguity",
    "branch_s": "--branch",
    "all_regions_s": "--all-regions-bound",
}
"""``[search]`` keys that a command-line option sets, and the option."""

REGIONS_TEXT = "-".join(dict.fromkeys(str(n) for n in DEFAULT_REGIONS))
"""The default of ``--regions`` as the user writes it (``77``, or ``MIN-MAX``)."""


def parse_regions(text: str) -> tuple[int, int]:
    """``"77"`` -> (77, 77); ``"70-80"`` -> (70, 80).

    Raises
    ------
    InputError
        When the text is not N or MIN-MAX, a number is below 1, or MIN is above MAX; the
        message says which.
    """
    parts = text.replace(" ", "").split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        nums = []
    example = "e.g. --regions 77 or 70-80"
    if len(nums) not in (1, 2):
        problem = Problem("--regions", text, "not N or MIN-MAX (whole numbers)", example)
    elif min(nums) < 1:
        problem = Problem("--regions", text, "the number of regions must be at least 1", example)
    elif nums[-1] < nums[0]:
        problem = Problem(
            "--regions",
            text,
            f"the range is reversed: MIN {nums[0]} is above MAX {nums[-1]}",
            f"write --regions {nums[-1]}-{nums[0]}",
        )
    else:
        return nums[0], nums[-1]
    raise InputError([problem], title="Invalid options")


def parse_locks(items: Sequence[str]) -> dict[str, str]:
    """``["02QZ00=A", ...]`` -> ``{"02QZ00": "A"}`` (every bad item reported)."""
    locks: dict[str, str] = {}
    problems = []
    for item in items:
        code, sep, region = item.partition("=")
        code, region = code.strip().upper(), region.strip()
        if not sep or not code or not region:
            problems.append(Problem("--lock", item, "not CODE=REGION", "e.g. --lock 02QZ00=R01"))
        elif code in locks and locks[code] != region:
            problems.append(
                Problem("--lock", code, f"locked to both {locks[code]} and {region}", "keep one")
            )
        else:
            locks[code] = region
    if problems:
        raise InputError(problems, title="Invalid locks")
    return locks


def search_settings(base: SearchConfig, options: dict[str, object]) -> SearchConfig:
    """The config's ``[search]`` with the options given on the command line, validated.

    Raises
    ------
    InputError
        Naming every option out of range, with its allowed range.
    """
    given = {k: v for k, v in options.items() if v is not None}
    try:
        return SearchConfig.model_validate({**base.model_dump(), **given})
    except ValidationError as exc:
        problems = [
            Problem(
                SEARCH_OPTIONS.get(str(err["loc"][0]), f"search.{err['loc'][0]}"),
                str(given.get(str(err["loc"][0]), "")),
                err["msg"],
                fix_for(err, SearchConfig),
            )
            for err in exc.errors()
        ]
        raise InputError(problems, title="Invalid options") from None


def _check_reference_options(
    reference: str | None, reference_weight: float | None, max_moves: int | None
) -> None:
    """``--reference-weight`` finite and >= 0, ``--max-moves`` >= 0, both with ``--reference``."""
    problems = []
    if reference_weight is not None and not (0 <= reference_weight <= MAX_WEIGHT):
        problems.append(
            Problem(
                "--reference-weight",
                str(reference_weight),
                f"must be a finite number from 0 to {MAX_WEIGHT:,.0f}",
                "only its ratio to the other weights matters",
            )
        )
    if max_moves is not None and max_moves < 0:
        problems.append(Problem("--max-moves", str(max_moves), "must be >= 0", ""))
    for flag, value in (("--max-moves", max_moves), ("--reference-weight", reference_weight)):
        if value is not None and reference is None:
            problems.append(Problem(flag, str(value), "needs --reference", "add --reference PLAN"))
    if problems:
        raise InputError(problems, title="Invalid options")


def _problems_of(check: Callable[[], object]) -> list[Problem]:
    """The problems of a check that raises ``InputError`` (none when it passes)."""
    try:
        check()
    except InputError as exc:
        return list(exc.problems)
    return []


class _LiveLine:
    """A one-line live display of the phase, best plan, bound, gap and elapsed time.

    Where the output is no terminal (a log file, CI), the live line cannot redraw: a plain
    line is printed instead when the phase changes, and at least every ``LOG_EVERY_S``.
    """

    LOG_EVERY_S = 30.0

    def __init__(self, live: Live) -> None:
        self.live = live
        self.objective: float | None = None
        self.bound: float | None = None
        self.logged_phase: str | None = None
        self.logged_at = -math.inf

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
            gap = f"{proven_gap(self.objective, self.bound):.2%}"
        line = f"{p.phase:<18} plan {obj}  bound {bound}  gap {gap}  {p.elapsed_s:5.1f} s"
        if self.live.console.is_terminal:
            self.live.update(Text(line))
            return
        # "branch-and-price, 3 nodes", "all regions 57,020": the same phase as before.
        phase = re.split(r"[,\d]", p.phase)[0].strip()
        if phase != self.logged_phase or p.elapsed_s - self.logged_at >= self.LOG_EVERY_S:
            self.logged_phase, self.logged_at = phase, p.elapsed_s
            self.live.console.print(line, highlight=False, markup=False)


def _print_result(result: ProposeResult) -> None:
    done = result.optimised
    part = done.partition
    assert part is not None
    first = done.time_to_first_valid_s
    console.print(
        f"status [bold]{done.status}[/]  objective {part.objective:,.1f}  bound {done.bound:,.1f}  "
        f"gap {(done.gap or 0.0):.2%}  first valid plan {first or 0.0:.1f} s  "
        f"solve {done.wall_time_s:.1f} s",
        highlight=False,
    )
    console.print(
        f"  bound by {escape(done.bound_method)}; it holds among {escape(done.scope)}",
        highlight=False,
    )
    if done.branch is not None:
        tree = done.branch
        outcome = (
            "the tree is closed"
            if tree.closed
            else f"{tree.open_nodes} node(s) left open when its budget ran out"
        )
        console.print(
            f"  branch-and-price: {tree.nodes} node(s), depth {tree.depth}, {outcome}; "
            f"bound {tree.bound:,.1f} ({tree.wall_s:.0f} s)",
            highlight=False,
        )
    if done.all_regions is not None:
        wide = done.all_regions
        console.print(
            f"  over all connected regions: bound {wide.bound:,.1f}  gap "
            f"{proven_gap(part.objective, wide.bound):.2%}  ({wide.proven} of {wide.roots} "
            f"penvoerders proven, {wide.calls} pricing calls, {wide.wall_s:.0f} s)",
            highlight=False,
        )
    elif result.parameters["search"]["all_regions_s"] > 0:
        console.print(
            "  no separate bound over all connected regions: "
            + (
                "the model's bound already holds for them"
                if done.scope == Restriction().scope
                else "column generation gave no duals to price at (--bound-time 0?)"
            ),
            highlight=False,
        )
    if done.windows is not None:
        w = done.windows
        console.print(
            f"  {w.windows} windows re-solved, {w.improvements} improved the plan; the national "
            f"IP over their regions improved it {w.national_improvements} time(s)",
            highlight=False,
        )
    if result.parameters["search"]["deterministic"]:
        clock = (
            f"  budgets counted in solver work ({done.work_s:.0f} work s): the same plan for the "
            "same data, settings and seed"
        )
    else:
        clock = "  budgets counted in wall-clock seconds (--wall-clock): plans may differ per run"
    console.print(clock, highlight=False)
    console.print(
        f"  {len(result.plan.regions)} regions; the objective adds up as", highlight=False
    )
    for name, value, adds in objective_parts(part.components):
        console.print(f"    {name:<34} {amount(value):>10}  adds {adds:>10,.1f}", highlight=False)


RegionsOption = Annotated[
    str, typer.Option("--regions", help="Number of regions N, or a range MIN-MAX.")
]
LockOption = Annotated[
    list[str] | None,
    typer.Option(
        "--lock",
        help="CODE=REGION: keep a school in a region (same REGION = together, different = apart; "
        "a REGION of the --reference plan ties it to that region). Repeatable.",
        show_default=False,
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", help="CODE of a school that opts out. Repeatable.", show_default=False
    ),
]
ReferenceOption = Annotated[
    str | None,
    typer.Option(
        "--reference",
        help="Plan CSV to stay close to, or 'actual' for the documented actual regions.",
        show_default=False,
    ),
]
ReferenceWeightOption = Annotated[
    float | None,
    typer.Option(
        "--reference-weight",
        help="Cost per school moved away from the reference (default: weights.reference_move).",
        show_default=False,
    ),
]
MaxMovesOption = Annotated[
    int | None,
    typer.Option(
        "--max-moves", help="Hard cap on schools moved from the reference.", show_default=False
    ),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        help="Seconds of the national CP-SAT model after the start plans (default search.cp_sat_s; "
        "0: none).",
        show_default=False,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Random seed (default search.seed).", show_default=False),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="CP-SAT threads and pricing processes (default search.workers).",
        show_default=False,
    ),
]
AreaTimeOption = Annotated[
    float | None,
    typer.Option(
        "--area-time",
        help="At most this many seconds for the start plan made labour-market region by "
        "labour-market region (default search.area_start_s; 0: none).",
        show_default=False,
    ),
]
ImproveTimeOption = Annotated[
    float | None,
    typer.Option(
        "--improve-time",
        help="At most this many seconds of re-solving windows of neighbouring regions, only while "
        "the gap is open and without --reference (default search.improve_s; 0: none).",
        show_default=False,
    ),
]
BoundTimeOption = Annotated[
    float | None,
    typer.Option(
        "--bound-time",
        help="At most this many seconds of column generation, which proves the bound and improves "
        "the plan; it stops once the plan is proven within search.relative_gap (default "
        "search.bound_s; 0: none).",
        show_default=False,
    ),
]
RadiusOption = Annotated[
    float | None,
    typer.Option(
        "--radius",
        help="Restriction: a school joins a penvoerder at most this many km away along the school "
        "graph (default search.radius_km; the bound then holds within it).",
        show_default=False,
    ),
]
ContiguityOption = Annotated[
    str | None,
    typer.Option(
        "--contiguity",
        help="'connected' (any connected region) or 'hess' (a restriction: each school joins its "
        "penvoerder through schools closer to it) (default search.contiguity).",
        show_default=False,
    ),
]
BranchOption = Annotated[
    float | None,
    typer.Option(
        "--branch",
        help="After the windows, at most this many seconds of branch-and-price while the gap "
        "is open: column generation in a tree that splits on a pair of schools (together or "
        "apart) until the plan is proven (default search.branch_s; each node at most "
        "--bound-time).",
        show_default=False,
    ),
]
AllRegionsOption = Annotated[
    float | None,
    typer.Option(
        "--all-regions-bound",
        help="After the run, at most this many seconds proving a bound over every connected "
        "region, not only within --radius: every penvoerder priced again without the "
        "restriction (default search.all_regions_s; nationally 900 reach 275 of 276 "
        "penvoerders, about 20 minutes more).",
        show_default=False,
    ),
]
WallClockOption = Annotated[
    bool,
    typer.Option(
        "--wall-clock",
        help="Budgets in wall-clock seconds instead of the solvers' deterministic work "
        "(search.deterministic = false): uses a fast or busy machine's time better, but two "
        "runs may then give different plans.",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", help="Output directory.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite a non-empty output directory.")
]


@app.command("propose")
@friendly_errors
def propose_command(
    regions: RegionsOption = REGIONS_TEXT,
    lock: LockOption = None,
    exclude: ExcludeOption = None,
    reference: ReferenceOption = None,
    reference_weight: ReferenceWeightOption = None,
    max_moves: MaxMovesOption = None,
    time_limit: TimeLimitOption = None,
    seed: SeedOption = None,
    workers: WorkersOption = None,
    area_time: AreaTimeOption = None,
    improve_time: ImproveTimeOption = None,
    bound_time: BoundTimeOption = None,
    radius: RadiusOption = None,
    contiguity: ContiguityOption = None,
    branch: BranchOption = None,
    all_regions_bound: AllRegionsOption = None,
    wall_clock: WallClockOption = False,
    out: OutOption = Path("out/proposal"),
    force: ForceOption = False,
    data: DataOption = None,
    config: ConfigOption = None,
) -> None:
    """Propose regions that meet every rule; print status, objective, bound and gap."""
    span = parse_regions(regions)
    locks = parse_locks(lock or [])
    cfg = load_config(config)
    given: dict[str, object] = {
        "bound_s": bound_time,
        "area_start_s": area_time,
        "improve_s": improve_time,
        "seed": seed,
        "workers": workers,
        "radius_km": radius,
        "contiguity": contiguity,
        "branch_s": branch,
        "all_regions_s": all_regions_bound,
        "deterministic": False if wall_clock else None,
    }
    # Every bad option in one message, before anything loads.
    option_problems = [
        *_problems_of(lambda: search_settings(cfg.search, given)),
        *_problems_of(lambda: search_settings(cfg.search, {"cp_sat_s": time_limit})),
        *_problems_of(lambda: _check_reference_options(reference, reference_weight, max_moves)),
    ]
    if option_problems:
        raise InputError(option_problems, title="Invalid options")
    ref_plan = read_plan(Path(reference)) if reference not in (None, "actual") else None
    check_out_dir(out, force=force)
    excluded = sorted({c.strip().upper() for c in exclude or []})
    ws = _open(data, cfg, regions, excluded, locks)
    if reference == "actual":
        ref_plan = ws.loaded.actual
    elif ref_plan is not None and reference is not None:
        refuse_unknown_codes(ws.loaded, {reference: ref_plan})
    with Live(Text("starting ..."), console=console, refresh_per_second=4, transient=True) as live:
        result = run_propose(
            ws,
            regions=span,
            locks=locks,
            exclude=excluded,
            reference=ref_plan,
            reference_weight=reference_weight,
            max_moves=max_moves,
            search=search_settings(cfg.search, given),
            cp_sat_s=time_limit,
            progress=_LiveLine(live),
        )
    _finish(ws, result, out, force=force)


def refuse_codes(instance: Instance, excluded: Sequence[str], locks: Mapping[str, str]) -> None:
    """``--exclude`` and ``--lock`` codes must name participating schools, and differ.

    Raises
    ------
    InputError
        Every such code (``codes.code_problem``: a school that does not take part and the key
        that lets it, or the closest codes), and every code both excluded and locked.
    """
    problems = [
        code_problem(instance, code, file=flag, where=code)
        for flag, codes in (("--exclude", excluded), ("--lock", list(locks)))
        for code in codes
        if code not in instance.index
    ]
    problems += [
        Problem(
            "--lock",
            code,
            "is also excluded: an excluded school is in no region",
            "drop its --lock or its --exclude",
        )
        for code in locks
        if code in excluded and code in instance.index
    ]
    if problems:
        raise InputError(problems, title="Invalid options")


def _open(
    data: Path | None,
    cfg: Config,
    regions: str,
    excluded: list[str],
    locks: Mapping[str, str],
) -> Workspace:
    """The workspace, its --exclude and --lock codes checked, and a line saying what loaded."""
    started = time.perf_counter()
    ws = open_workspace(data, cfg)
    refuse_codes(ws.instance, excluded, locks)
    console.print(
        f"data and graph loaded in {time.perf_counter() - started:.1f} s: "
        f"{ws.instance.n - len(excluded)} schools, regions {escape(regions)}",
        highlight=False,
    )
    return ws


def _finish(ws: Workspace, result: ProposeResult, out: Path, *, force: bool) -> None:
    """Print the verdict and write the outputs (nothing without a plan)."""
    if result.optimised.partition is None:
        console.print(
            f"[red]no plan found[/] in {result.optimised.wall_time_s:.1f} s (status "
            f"{result.optimised.status}); raise --bound-time or relax the rules"
        )
        raise typer.Exit(EXIT_BROKEN)
    _print_result(result)
    with staged_dir(out, force=force) as staging:
        written = [out / p.relative_to(staging) for p in write_outputs(ws, result, staging)]
    broken = [v for v in result.violations if v.severity == "broken"]
    verdict = "[green]VALID[/]" if result.valid else f"[red]BROKEN ({len(broken)})[/]"
    console.print(f"checker: {verdict}; {len(result.violations)} finding(s)")
    for v in result.violations[:10]:
        console.print(f"  {escape(str(v))}", highlight=False)
    names = ", ".join(p.name for p in written)
    console.print(f"wrote {names} to {escape(str(out))}", highlight=False)
    if not result.valid:
        raise typer.Exit(EXIT_BROKEN)
