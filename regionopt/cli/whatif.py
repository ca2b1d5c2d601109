"""``regionopt whatif``: test a change, see every rule and the money, ask for the repair."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from regionopt.cli._app import (
    EXIT_BROKEN,
    ConfigOption,
    DataOption,
    JsonOption,
    app,
    console,
    friendly_errors,
    print_json,
    require_seconds,
    widen,
)
from regionopt.cli.plans import plan_label, read_plan_early, resolve_plan
from regionopt.codes import PARTICIPATION_KEYS
from regionopt.config import Config, load_config
from regionopt.errors import InputError
from regionopt.output import check_out_dir, staged_dir

if TYPE_CHECKING:
    from regionopt.instance import Instance
    from regionopt.whatif import Change, RegionReport, WhatIfResult
    from regionopt.workspace import Workspace

PlanOption = Annotated[
    str, typer.Option("--plan", help="The plan CSV the changes apply to, or 'actual'.")
]
JoinOption = Annotated[
    list[str] | None,
    typer.Option("--join", help="CODE=REGION: a school in no region joins one (repeatable)."),
]
LeaveOption = Annotated[
    list[str] | None,
    typer.Option("--leave", help="CODE: a school opts out of its region (repeatable)."),
]
MoveOption = Annotated[
    list[str] | None,
    typer.Option("--move", help="CODE=REGION: a school moves to another region (repeatable)."),
]
RepairOption = Annotated[
    bool,
    typer.Option("--repair", help="When a rule breaks, find the fewest further moves that fix it."),
]
AllowDissolveOption = Annotated[
    bool,
    typer.Option(
        "--allow-dissolve",
        help="Let the repair empty a region (the plan then has fewer regions).",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write regions.csv, changes.csv, report.md, report.html and map.html here.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite a non-empty --out directory.")
]
REPAIR_SECONDS = 1.5
"""The default of ``--time-limit``."""
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", help="Seconds for the repair search (more than 0).")
]


@app.command("whatif")
@friendly_errors
def whatif_command(
    plan: PlanOption,
    join: JoinOption = None,
    leave: LeaveOption = None,
    move: MoveOption = None,
    do_repair: RepairOption = False,
    allow_dissolve: AllowDissolveOption = False,
    out: OutOption = None,
    force: ForceOption = False,
    time_limit: TimeLimitOption = REPAIR_SECONDS,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Test a change: rules kept or broken per affected region, money before/after, repair.

    Exit code 0 when the resulting plan (repaired with --repair) keeps every rule, as
    `regionopt check` judges it, 1 when it breaks one, 2 on bad input (nothing is written then).
    Look a school's code up with `regionopt find`.
    """
    from regionopt.whatif import parse_changes, whatif
    from regionopt.workspace import open_workspace

    require_seconds("--time-limit", time_limit, default=REPAIR_SECONDS)
    changes = parse_changes(join or [], leave or [], move or [])
    if not changes:
        raise InputError(
            "no change given; use --join CODE=REGION, --leave CODE or --move CODE=REGION"
        )
    if out is not None:
        check_out_dir(out, force=force)
    read_plan_early(plan)  # a bad plan fails before the data loads
    settings = load_config(config)
    ws = open_workspace(data, _with_joining(settings, changes))
    welcomed = _welcomed(ws.instance, settings, changes)
    result = whatif(
        ws.instance,
        ws.graph,
        resolve_plan(plan, ws.loaded),
        changes,
        ws.config,
        do_repair=do_repair,
        allow_dissolve=allow_dissolve,
        repair_time_limit_s=time_limit,
    )
    written: list[Path] = []
    if out is not None:
        with staged_dir(out, force=force) as staging:
            staged = _write_whatif(ws, result, staging, plan_arg=plan)
        written = [out / p.relative_to(staging) for p in staged]
    if json:
        print_json(result.as_dict() | {"written": [str(p) for p in written], "welcomed": welcomed})
    else:
        _print_welcomed(ws.instance, welcomed)
        _print_whatif(result)
        for p in written:
            console.print(f"wrote {escape(str(p))}", highlight=False)
    from regionopt.check import is_valid

    if not is_valid(result.full_check):  # the plan it ends with, as `check` would judge it
        raise typer.Exit(EXIT_BROKEN)


def _write_whatif(ws: Workspace, result: WhatIfResult, out: Path, *, plan_arg: str) -> list[Path]:
    """The result files, the map of the touched regions and the HTML report."""
    from regionopt.mapdata import TerritoryMaker, subtitle, whatif_layers, whatif_title
    from regionopt.render import map_page, render_layers
    from regionopt.report import write_whatif_report
    from regionopt.whatif import write_outputs

    written = write_outputs(result, ws.instance, out)
    make = TerritoryMaker(ws.instance, ws.loaded.geography, ws.config, ws.model)
    layers = whatif_layers(ws.loaded, result, config=ws.config, make_territories=make)
    title = whatif_title(result)
    shown = ", ".join(r.region_id for r in result.regions)
    params = {"plan": plan_label(plan_arg), "shown_regions": shown}
    page = map_page(render_layers(layers, title=title, subtitle=subtitle(ws.loaded, None, params)))
    (out / "map.html").write_text(page, encoding="utf-8")
    written.append(out / "map.html")
    parameters: dict[str, object] = {
        "plan": plan_label(plan_arg),
        "repair": result.repair is not None,
        "allow_dissolve": result.allow_dissolve,
        "rules": ws.config.rules.model_dump(),
    }
    write_whatif_report(
        out / "report.html", result, ws.instance, map_html=page, parameters=parameters
    )
    written.append(out / "report.html")
    return written


def _print_whatif(result: WhatIfResult) -> None:
    """Human summary of a what-if: rules per region, figures, penvoerder, money, repair."""
    widen()
    changes = ", ".join(str(c) for c in result.changes)
    console.print(
        f"What-if on {escape(result.before.name)}: {escape(changes)} -> {_verdict(result)}",
        highlight=False,
    )
    for r in result.regions:
        console.print(_region_table(r))
        for message in _reasons(r):
            console.print(f"  {escape(message)}", highlight=False)
    _print_money(result)
    _print_repair(result)
    _print_whole_plan(result)


def _with_joining(settings: Config, changes: Sequence[Change]) -> Config:
    """The settings with every school a change joins taking part: one that does not under
    the participation settings (a vso school, say) takes part for this what-if."""
    joining = [c.code for c in changes if c.kind == "join"]
    if not joining:
        return settings
    schools = tuple(dict.fromkeys([*settings.participation.schools, *joining]))
    participation = settings.participation.model_copy(update={"schools": schools})
    return settings.model_copy(update={"participation": participation})


def _welcomed(instance: Instance, settings: Config, changes: Sequence[Change]) -> list[str]:
    """The joining schools that take part only because this what-if joins them."""
    p = settings.participation
    allowed = {"vmbo", *(k for k, (key, _) in PARTICIPATION_KEYS.items() if getattr(p, key))}
    return [
        c.code
        for c in changes
        if c.kind == "join"
        and c.code in instance.index
        and c.code not in p.schools
        and instance.school(c.code).kind not in allowed
    ]


def _print_welcomed(instance: Instance, welcomed: list[str]) -> None:
    if not welcomed:
        return
    who = ", ".join(f"{c} ({instance.school(c).name}, {instance.school(c).kind})" for c in welcomed)
    codes = ", ".join(f'"{c}"' for c in welcomed)
    console.print(
        f"[yellow]note:[/] {escape(who)} takes part for this what-if only; to check or change "
        f"the plan it ends with later, put {escape(f'[participation] schools = [{codes}]')} "
        "in a --config file",
        highlight=False,
    )


def _verdict(result: WhatIfResult) -> str:
    """Which regions break a rule after the changes and which keep every rule, and what the
    repair (if asked for) ends with."""

    def labels(ids: Iterable[str]) -> str:
        return escape(", ".join(result.region_label(r) for r in ids))

    unknown = sum(s.after == "unknown" for r in result.regions for s in r.rules)
    if result.valid_after:
        if unknown:
            return (
                f"[yellow]keeps every rule it can judge ({unknown} unknown: a partial plan)[/] "
                f"in {labels(result.affected)}"
            )
        return f"[green]keeps every rule[/] in {labels(result.affected)}"
    broken, kept = result.verdict_regions()
    verdict = f"[red]breaks a rule[/] in {labels(broken)}"
    if kept:
        verdict += f" ({labels(kept)} {'keeps' if len(kept) == 1 else 'keep'} every rule)"
    rep = result.repair
    if rep is not None and rep.status == "repaired":
        verdict += (
            "; [green]the repair below mends it[/]"
            if result.valid_final
            else "; [red]after the repair below a rule is still broken[/]"
        )
    elif rep is not None and rep.status != "not_needed":
        verdict += "; [red]no repair found[/] (below)"
    return verdict


MAX_ELSEWHERE_SHOWN = 10
"""Broken rules outside the shown regions listed in the terminal (check lists them all)."""


def _reasons(region: RegionReport) -> list[str]:
    """Why a rule of the region is broken or unknown after the changes or the repair."""
    judged = [s for s in region.rules if {s.after, s.repaired} & {"broken", "unknown"}]
    return list(dict.fromkeys(m for s in judged for m in s.messages))


def _print_whole_plan(result: WhatIfResult) -> None:
    """Rules the plan it ends with breaks outside the regions shown (its exit code counts them)."""
    shown = {r.region_id for r in result.regions}
    elsewhere = [
        v for v in result.full_check if v.severity == "broken" and v.region_id not in shown
    ]
    if not elsewhere:
        return
    console.print(
        f"[red]The plan it ends with breaks {len(elsewhere)} rule(s) outside these regions[/] "
        "(`regionopt check` on the regions.csv that --out writes lists them all):",
        highlight=False,
    )
    for v in elsewhere[:MAX_ELSEWHERE_SHOWN]:
        console.print(f"  {escape(str(v))}", highlight=False)


def _region_table(r: RegionReport) -> Table:
    stages = [("before", r.before, r.penvoerder_before), ("after", r.after, r.penvoerder_after)]
    if r.repaired is not None:
        stages.append(("repaired", r.repaired, r.penvoerder_repaired or r.penvoerder_after))
    title = escape(r.label) + (" [red]dissolved[/]" if r.dissolved else "")
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for stage, _, _ in stages:
        table.add_column(stage)
    for s in r.rules:
        cells = [s.before, s.after] + ([s.repaired or ""] if r.repaired is not None else [])
        table.add_row(escape(s.rule), *[_colour(c) for c in cells])
    table.add_row("schools", *[str(f.n_schools) for _, f, _ in stages])
    table.add_row("technical pupils", *[str(f.technical_pupils) for _, f, _ in stages])
    table.add_row("techniekarm", *["ja" if f.techniekarm else "nee" for _, f, _ in stages])
    mark = "[yellow]" if r.penvoerder_changed else ""
    table.add_row(
        f"{mark}penvoerder" + ("[/]" if mark else ""),
        *[escape(str(p)) for _, _, p in stages],
    )
    return table


def _print_money(result: WhatIfResult) -> None:
    repaired = bool(result.money_repaired)
    rows = result.money_repaired or result.money
    if not rows:
        return
    focus = {r.region_id for r in result.regions}
    after = "after repair" if repaired else "after"
    mt = Table(title="Budget (EUR a year)", title_justify="left")
    for col in ("region", "transition before", after, "structural before", after):
        mt.add_column(col, justify="left" if col == "region" else "right")
    for row in rows:
        if row["region_id"] in focus:
            mt.add_row(
                escape(result.region_label(row["region_id"])),
                _eur(row["transition_before_eur"]),
                _eur(row["transition_after_eur"]),
                _eur(row["structural_before_eur"]),
                _eur(row["structural_after_eur"]),
            )
    console.print(mt)
    from regionopt.budget import structural_spread

    spread = structural_spread(rows, leaving_out=focus)
    if spread is not None:
        low, high = f"{spread.low:,.2f}", f"{spread.high:,.2f}"
        moves = {
            "gain": f"gain EUR {low} to {high}",
            "lose": f"lose EUR {low} to {high}",
            "mixed": f"change by EUR {spread.low:+,.2f} to {spread.high:+,.2f}",
        }[spread.direction]
        console.print(
            f"{spread.regions} other region(s) {moves} a year in structural money: the "
            "national total is re-divided over the schools (--json or report.md list them)",
            highlight=False,
        )


def _print_repair(result: WhatIfResult) -> None:
    rep = result.repair
    if rep is None:
        return
    if rep.status == "not_needed":
        console.print("repair: not needed")
    elif rep.status == "repaired":
        console.print(f"repair: {escape(rep.headline())}", highlight=False)
        for m in rep.moves:
            console.print(
                f"  move {m.code}: {escape(result.region_label(m.from_region))} -> "
                f"{escape(result.region_label(m.to_region))}",
                highlight=False,
            )
    else:
        console.print("[red]repair: none found[/]")
        for line in rep.explanation:
            console.print(f"  {escape(line.text)}", highlight=False)
    if result.dissolved:
        gone = ", ".join(result.region_label(r) for r in result.dissolved)
        console.print(
            f"[red]dissolved:[/] {escape(gone)} ({len(result.before.regions)} regions before, "
            f"{len(result.final.regions)} after)",
            highlight=False,
        )
    elif not result.allow_dissolve and rep.status != "not_needed":
        console.print("  (no region is dissolved; --allow-dissolve would permit it)")


def _colour(status: str) -> str:
    colour = {
        "ok": "green",
        "broken": "red",
        "unknown": "yellow",
        "warning": "yellow",
        "dissolved": "red",
    }.get(status)
    return f"[{colour}]{status}[/]" if colour else escape(status)


def _eur(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"
