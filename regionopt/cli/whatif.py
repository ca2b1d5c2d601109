"""``regionopt budget``, ``regionopt compare`` and ``regionopt whatif``."""

from __future__ import annotations

from dataclasses import asdict
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
)
from regionopt.config import load_config
from regionopt.errors import InputError
from regionopt.load import LoadedData, load_all
from regionopt.names import label
from regionopt.output import check_out_dir, staged_dir
from regionopt.plan import Plan, plan_code_problems, read_plan

if TYPE_CHECKING:
    from regionopt.whatif import RegionReport, WhatIfResult
    from regionopt.workspace import Workspace

ACTUAL = "actual"


def resolve_plan(arg: str, loaded: LoadedData) -> Plan:
    """A plan CSV path, or the word ``actual`` for the documented actual regions."""
    if arg.strip().lower() == ACTUAL:
        return loaded.actual
    return read_plan(Path(arg))


def _refuse_unknown_codes(loaded: LoadedData, plans: dict[str, Plan]) -> None:
    """Unknown codes, or codes in two regions, of a plan file are an input error (exit 2).

    ``plans`` maps each command-line argument to its plan; the documented actual regions are
    the data's own and are not judged here (``check actual`` reports on them).
    """
    problems = [
        problem
        for arg, plan in plans.items()
        if arg.strip().lower() != ACTUAL
        for problem in plan_code_problems(plan, loaded.instance.index, source=arg)
    ]
    if problems:
        raise InputError(problems, title="The plan lists codes it cannot use")


def _eur(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _widen() -> None:
    """Tables in a pipe or file get 120 columns instead of rich's default 80."""
    if not console.is_terminal and console.width < 120:
        console.width = 120


def _whole(cents: int) -> str:
    """Cents as whole euros with thousands separators (tables; JSON keeps the cents)."""
    return f"{round(cents / 100):,}"


def _pair(a: object, b: object) -> str:
    def show(v: object) -> str:
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "ja" if v else "nee"
        if isinstance(v, float):
            return f"{v / 1000:,.0f}k"
        return str(v)

    return f"{show(a)} / {show(b)}"


@app.command("budget")
@friendly_errors
def budget_command(
    plan: Annotated[str, typer.Argument(help="Plan CSV (vestiging_code,region_id) or 'actual'.")],
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
    per_school: Annotated[
        bool, typer.Option("--per-school", help="Also list every school's amounts.")
    ] = False,
) -> None:
    """Money per region (and school): transition, structural, goals/schools split, co-funding."""
    _widen()
    from regionopt.budget import budget

    cfg = load_config(config)
    if plan.strip().lower() != ACTUAL:
        read_plan(Path(plan))  # a bad plan fails before the data loads
    loaded = load_all(data, participation=cfg.participation)
    the_plan = resolve_plan(plan, loaded)
    _refuse_unknown_codes(loaded, {plan: the_plan})
    money = budget(loaded.instance, the_plan, cfg.budget)
    if json:
        print_json(money.as_dict(per_school=per_school))
        return
    table = Table(
        title=f"Budget of plan {escape(the_plan.name)} (EUR a year, rounded; --json: cents)"
    )
    for col in (
        "region",
        "schools",
        "tech. pupils",
        "transition",
        "structural",
        "goals",
        "co-fund",
    ):
        table.add_column(col, justify="left" if col == "region" else "right")
    for r in money.regions:
        table.add_row(
            escape(r.region_id),
            str(r.n_schools),
            str(r.technical_pupils),
            _whole(r.transition_cents),
            _whole(r.structural_cents),
            _whole(r.structural_goals_cents),
            _whole(r.cofunding_cents),
        )
    table.add_row(
        "total",
        str(sum(r.n_schools for r in money.regions)),
        str(money.technical_pupils),
        _whole(money.total_transition_cents),
        _whole(money.total_structural_cents),
        _whole(sum(r.structural_goals_cents for r in money.regions)),
        _whole(sum(r.cofunding_cents for r in money.regions)),
        style="bold",
    )
    console.print(table)
    console.print(
        f"structural: base EUR {money.structural_base_per_school_eur:,.2f} per technical school "
        f"+ EUR {money.structural_per_pupil_eur:,.2f} per technical pupil; co-funding "
        f"{cfg.budget.cofunding_share:.0%} of the {cfg.budget.cofunding_basis} amount",
        highlight=False,
    )
    if money.schools_not_in_plan:
        console.print(
            f"[yellow]note:[/] {money.schools_not_in_plan} participating schools are in no region "
            "of this plan; "
            + (
                "its regions get their schools' share of the national total"
                if money.shared_nationally
                else "the structural total is divided over the schools in the plan only"
            ),
            highlight=False,
        )
    if per_school:
        st = Table(title="Per school (EUR a year)")
        for col in ("vestiging", "region", "tech. pupils", "transition", "structural", "share"):
            st.add_column(col, justify="left" if col in ("vestiging", "region") else "right")
        for s in money.schools:
            st.add_row(
                s.code,
                escape(s.region_id),
                str(s.technical_pupils),
                _eur(s.transition_eur),
                _eur(s.structural_eur),
                _eur(s.structural_share_cents / 100),
            )
        console.print(st)


@app.command("compare")
@friendly_errors
def compare_command(
    plan_a: Annotated[str, typer.Argument(help="Plan A: CSV or 'actual'.")],
    plan_b: Annotated[str, typer.Argument(help="Plan B: CSV or 'actual'.")],
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Agreement between two plans: adjusted Rand index, pairs, moved schools, region deltas."""
    _widen()
    from regionopt.compare import compare

    cfg = load_config(config)
    for arg in (plan_a, plan_b):
        if arg.strip().lower() != ACTUAL:
            read_plan(Path(arg))
    loaded = load_all(data, participation=cfg.participation)
    a, b = resolve_plan(plan_a, loaded), resolve_plan(plan_b, loaded)
    _refuse_unknown_codes(loaded, {plan_a: a, plan_b: b})
    result = compare(loaded.instance, a, b, budget_config=cfg.budget)
    if json:
        print_json(result.as_dict())
        return
    ari = "undefined" if result.ari is None else f"{result.ari:.4f}"
    p = result.pairs
    console.print(
        f"[bold]{escape(a.name)}[/] vs [bold]{escape(b.name)}[/]: {result.shared_schools} "
        "schools in both; "
        f"adjusted Rand index {ari}\n"
        f"pairs together in both {p.together_both:,}, only in A {p.only_a:,}, only in B "
        f"{p.only_b:,}, apart in both {p.apart_both:,}\n"
        f"moved {len(result.moved)}; only in A {len(result.only_in_a)}; only in B "
        f"{len(result.only_in_b)}",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    table = Table(title="Regions: A and its best-matching region in B (values A / B)")
    for col in ("region A", "region B", "shared", "schools", "tech. pupils", "techniekarm"):
        table.add_column(col)
    table.add_column("transition EUR")
    for d in result.regions:
        row = d.as_dict()
        table.add_row(
            escape(row["region_a"] or "-"),
            escape(row["region_b"] or "-"),
            str(row["shared_schools"]),
            _pair(row["schools_a"], row["schools_b"]),
            _pair(row["technical_pupils_a"], row["technical_pupils_b"]),
            _pair(row["techniekarm_a"], row["techniekarm_b"]),
            _pair(row["transition_a_eur"], row["transition_b_eur"]),
        )
    console.print(table)
    if result.moved:
        mt = Table(title="Moved schools")
        for col in ("vestiging", "name", "region A", "region B", "partner of A in B"):
            mt.add_column(col)
        for m in result.moved:
            mt.add_row(
                *(
                    escape(v)
                    for v in (m.code, m.name, m.region_a, m.region_b, m.partner_of_a or "-")
                )
            )
        console.print(mt)


@app.command("whatif")
@friendly_errors
def whatif_command(
    plan: Annotated[
        str, typer.Option("--plan", help="The plan CSV the changes apply to, or 'actual'.")
    ],
    join: Annotated[
        list[str] | None,
        typer.Option("--join", help="CODE=REGION: a school in no region joins one (repeatable)."),
    ] = None,
    leave: Annotated[
        list[str] | None,
        typer.Option("--leave", help="CODE: a school opts out of its region (repeatable)."),
    ] = None,
    move: Annotated[
        list[str] | None,
        typer.Option("--move", help="CODE=REGION: a school moves to another region (repeatable)."),
    ] = None,
    do_repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="When a rule breaks, find the fewest further moves that fix it."
        ),
    ] = False,
    allow_dissolve: Annotated[
        bool,
        typer.Option(
            "--allow-dissolve",
            help="Let the repair empty a region (the plan then has fewer regions).",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write regions.csv, changes.csv, report.md, report.html and map.html here.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a non-empty --out directory.")
    ] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the repair search.")
    ] = 1.5,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Test a change: rules kept or broken per affected region, money before/after, repair.

    Exit code 0 when the resulting plan (repaired with --repair) keeps every rule in the
    regions judged, 1 when a rule stays broken, 2 on bad input (nothing is written then).
    Look a school's code up with `regionopt find`.
    """
    from regionopt.whatif import parse_changes, whatif
    from regionopt.workspace import open_workspace

    changes = parse_changes(join or [], leave or [], move or [])
    if not changes:
        raise InputError("no change given; use --join CODE=REGION, --leave CODE or --move")
    if out is not None:
        check_out_dir(out, force=force)
    if plan.strip().lower() != ACTUAL:
        read_plan(Path(plan))  # a bad plan fails before the data loads
    ws = open_workspace(data, config)
    the_plan = resolve_plan(plan, ws.loaded)
    result = whatif(
        ws.instance,
        ws.graph,
        the_plan,
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
        payload = result.as_dict()
        payload["written"] = [str(p) for p in written]
        print_json(payload)
    else:
        _print_whatif(result)
        for p in written:
            console.print(f"wrote {escape(str(p))}", highlight=False)
    if not result.valid_final:
        raise typer.Exit(EXIT_BROKEN)


def _write_whatif(ws: Workspace, result: WhatIfResult, out: Path, *, plan_arg: str) -> list[Path]:
    """The result files, the map of the touched regions and the HTML report."""
    from regionopt.mapdata import TerritoryMaker, subtitle, whatif_layers
    from regionopt.render import map_page, render_layers
    from regionopt.report import write_whatif_report
    from regionopt.whatif import write_outputs

    written = write_outputs(result, ws.instance, out)
    make = TerritoryMaker(ws.instance, ws.loaded.geography, ws.config, ws.model)
    layers = whatif_layers(ws.loaded, result, config=ws.config, make_territories=make)
    title = f"What-if: {', '.join(str(c) for c in result.changes)}"
    params = {"plan": plan_arg, "regions": ", ".join(r.region_id for r in result.regions)}
    page = map_page(render_layers(layers, title=title, subtitle=subtitle(ws.loaded, None, params)))
    (out / "map.html").write_text(page, encoding="utf-8")
    written.append(out / "map.html")
    parameters: dict[str, object] = {
        "plan": plan_arg,
        "repair": result.repair is not None,
        "allow_dissolve": result.allow_dissolve,
        "rules": ws.config.rules.model_dump(),
    }
    write_whatif_report(
        out / "report.html", result, ws.instance, map_html=page, parameters=parameters
    )
    written.append(out / "report.html")
    return written


@app.command("find")
@friendly_errors
def find_command(
    text: Annotated[str, typer.Argument(help="(Part of) a code, school name, place or gemeente.")],
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="Also show each school's region in this plan (or 'actual')."),
    ] = None,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Look a school up by (part of) its name, code, place or gemeente name."""
    _widen()
    from regionopt.whatif import find_schools

    cfg = load_config(config)
    if plan is not None and plan.strip().lower() != ACTUAL:
        read_plan(Path(plan))
    loaded = load_all(data, participation=cfg.participation)
    the_plan = resolve_plan(plan, loaded) if plan is not None else None
    found = find_schools(loaded.instance, text, the_plan)
    if json:
        print_json([asdict(m) for m in found])
        return
    if not found:
        console.print(f"no participating school matches {escape(repr(text))}", highlight=False)
        raise typer.Exit(EXIT_BROKEN)
    table = Table(
        title=escape(f"Schools matching {text!r}" + (f" in {the_plan.name}" if the_plan else ""))
    )
    for col in ("code", "name", "place", "gemeente", "region"):
        table.add_column(col)
    for m in found:
        region = label(m.region_name, m.region_id) if m.region_id else ("-" if the_plan else "")
        table.add_row(*(escape(v) for v in (m.code, m.name, m.place, m.gemeente, region)))
    console.print(table)


def _print_whatif(result: WhatIfResult) -> None:
    """Human summary of a what-if: rules per region, figures, penvoerder, money, repair."""
    _widen()
    verdict = "[green]keeps every rule[/]" if result.valid_after else "[red]breaks a rule[/]"
    where = ", ".join(result.region_label(r) for r in result.affected)
    changes = ", ".join(str(c) for c in result.changes)
    console.print(
        f"What-if on {escape(result.before.name)}: {escape(changes)} -> "
        f"{verdict} in {escape(where)}",
        highlight=False,
    )
    for r in result.regions:
        console.print(_region_table(r))
    _print_money(result)
    _print_repair(result)


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
    rest = [abs(row["structural_delta_eur"]) for row in rows if row["region_id"] not in focus]
    if rest:
        console.print(
            f"{len(rest)} other region(s) change by EUR {min(rest):,.2f} to "
            f"{max(rest):,.2f} in structural money: the national total is re-divided over "
            "the schools (--json or report.md list them)",
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
            console.print(f"  {escape(line)}", highlight=False)
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
