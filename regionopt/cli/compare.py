"""``regionopt compare A B``: agreement between two plans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated

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
    widen,
)
from regionopt.cli.objective import objectives_table
from regionopt.cli.plans import plan_label, read_plan_early, refuse_unknown_codes, resolve_plan
from regionopt.config import Config, load_config
from regionopt.load import LoadedData, load_all
from regionopt.names import label

if TYPE_CHECKING:
    from regionopt.compare import Comparison, RegionDiff
    from regionopt.instance import Instance
    from regionopt.model.objective import ObjectiveComponents
    from regionopt.plan import Plan

MAX_LONE_LISTED = 20
"""Schools in one plan only are listed up to this many (all with ``--all``): against the
documented regions, a national plan has hundreds."""

PlanA = Annotated[str, typer.Argument(help="Plan A: CSV or 'actual'.")]
PlanB = Annotated[str, typer.Argument(help="Plan B: CSV or 'actual'.")]
ObjectiveOption = Annotated[
    bool,
    typer.Option(
        "--objective",
        help="Also each plan's objective under the config's weights and what each part adds "
        "(a plan needs every participating school in a region; builds the commuting model, "
        "some seconds more).",
    ),
]
AllOption = Annotated[
    bool,
    typer.Option(
        "--all",
        help="List every region, also those with the same schools in A and B, and every "
        "school in one plan only.",
    ),
]


@app.command("compare")
@friendly_errors
def compare_command(
    plan_a: PlanA,
    plan_b: PlanB,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
    all_regions: AllOption = False,
    objective: ObjectiveOption = False,
) -> None:
    """Agreement between two plans: adjusted Rand index, pairs, moved schools, region deltas.

    The region table lists the regions that changed (--all: every region).
    """
    widen()
    from regionopt.compare import compare

    cfg = load_config(config)
    for arg in (plan_a, plan_b):
        read_plan_early(arg)
    loaded = load_all(data, participation=cfg.participation)
    a, b = resolve_plan(plan_a, loaded), resolve_plan(plan_b, loaded)
    refuse_unknown_codes(loaded, {plan_a: a, plan_b: b})
    result = compare(loaded.instance, a, b, budget_config=cfg.budget)
    scores, notes = _objectives(loaded, cfg, {"A": a, "B": b}) if objective else ({}, [])
    if json:
        out = result.as_dict()
        if objective:
            out["objective"] = {
                **{s.lower(): scores[s].to_dict() if s in scores else None for s in ("A", "B")},
                "notes": notes,
            }
        print_json(out)
        return
    _print_summary(result, plan_label(plan_a), plan_label(plan_b))
    if scores:
        console.print(objectives_table(scores))
    for note in notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    _print_regions(result, all_regions=all_regions)
    if result.moved:
        console.print(_moved_table(result))
    for side, codes in (("A", result.only_in_a), ("B", result.only_in_b)):
        if codes and (all_regions or len(codes) <= MAX_LONE_LISTED):
            plan, names = (a, result.region_names_a) if side == "A" else (b, result.region_names_b)
            console.print(_one_plan_table(loaded.instance, side, codes, plan, names))
        elif codes:
            other = "B" if side == "A" else "A"
            console.print(
                f"{len(codes)} schools only in {side} (in no region of {other}); --all lists them",
                highlight=False,
            )


def _objectives(
    loaded: LoadedData, cfg: Config, plans: Mapping[str, Plan]
) -> tuple[dict[str, ObjectiveComponents], list[str]]:
    """Each plan's objective under ``cfg``'s weights, and why a plan has none."""
    from regionopt.proposal import score_plan
    from regionopt.workspace import workspace_of

    ws = workspace_of(loaded, cfg)
    scores, notes = {}, []
    for side, plan in plans.items():
        try:
            scores[side] = score_plan(ws, plan)
        except ValueError as err:
            notes.append(
                f"plan {side} has no objective: {err}; the objective counts every school's "
                "commuting pupils, so it needs a plan of the whole country"
            )
    return scores, notes


def _print_summary(result: Comparison, name_a: str, name_b: str) -> None:
    """The index, the pair counts, how many schools moved, and the notes; the plans are
    named by their files (``prop/regions.csv``)."""
    ari = "undefined" if result.ari is None else f"{result.ari:.4f}"
    p = result.pairs
    console.print(
        f"A = [bold]{escape(name_a)}[/] vs B = [bold]{escape(name_b)}[/]: "
        f"{result.shared_schools} schools in both; "
        f"adjusted Rand index {ari}\n"
        f"pairs together in both {p.together_both:,}, only in A {p.only_a:,}, only in B "
        f"{p.only_b:,}, apart in both {p.apart_both:,}\n"
        f"moved {len(result.moved)}; only in A {len(result.only_in_a)}; only in B "
        f"{len(result.only_in_b)}",
        highlight=False,
    )
    for side, codes in (("A", result.unknown_codes_a), ("B", result.unknown_codes_b)):
        if codes:
            console.print(
                f"[yellow]note:[/] {len(codes)} code(s) of {side} name no participating school "
                "and are not compared (--json lists them)",
                highlight=False,
            )
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)


def _print_regions(result: Comparison, *, all_regions: bool) -> None:
    """The region table: the changed regions only, and how many did not change (or all)."""
    shown = [d for d in result.regions if all_regions or d.changed]
    same = len(result.regions) - sum(d.changed for d in result.regions)
    if shown:
        console.print(
            _region_table(
                shown, result.region_names_a, result.region_names_b, changed_only=not all_regions
            )
        )
    if not all_regions:
        console.print(
            f"{same} region(s) have the same schools in A and B (--all lists them too)",
            highlight=False,
        )


def _named(region_id: str | None, names: Mapping[str, str]) -> str:
    """``name (id)`` of a region, ``-`` for none."""
    return "-" if region_id is None else label(names.get(region_id, region_id), region_id)


def _region_table(
    regions: Sequence[RegionDiff],
    names_a: Mapping[str, str],
    names_b: Mapping[str, str],
    *,
    changed_only: bool = False,
) -> Table:
    """Each region of A beside its partner in B: shared schools and the figures of both."""
    which = "changed regions" if changed_only else "regions"
    table = Table(title=f"{which.capitalize()}: A and its best-matching region in B (A / B)")
    for col in ("region A", "region B", "shared", "schools", "tech. pupils", "techniekarm"):
        table.add_column(col)
    table.add_column("transition EUR")
    for d in regions:
        row = d.as_dict()
        table.add_row(
            escape(_named(d.region_a, names_a)),
            escape(_named(d.region_b, names_b)),
            str(row["shared_schools"]),
            _pair(row["schools_a"], row["schools_b"]),
            _pair(row["technical_pupils_a"], row["technical_pupils_b"]),
            _pair(row["techniekarm_a"], row["techniekarm_b"]),
            _pair(row["transition_a_eur"], row["transition_b_eur"]),
        )
    return table


def _moved_table(result: Comparison) -> Table:
    """The schools whose region in B is not the partner of their region in A."""
    table = Table(title="Moved schools")
    for col in ("vestiging", "name", "region A", "region B", "partner of A in B"):
        table.add_column(col)
    names_a, names_b = result.region_names_a, result.region_names_b
    for m in result.moved:
        regions = (
            _named(m.region_a, names_a),
            _named(m.region_b, names_b),
            _named(m.partner_of_a, names_b),
        )
        table.add_row(*(escape(v) for v in (m.code, m.name, *regions)))
    return table


def _one_plan_table(
    instance: Instance, side: str, codes: Sequence[str], plan: Plan, names: Mapping[str, str]
) -> Table:
    """The schools only plan ``side`` assigns: code, name, place and its region there."""
    other = "B" if side == "A" else "A"
    table = Table(title=f"Only in {side} (in no region of {other})")
    for col in ("vestiging", "name", "place", f"region {side}"):
        table.add_column(col)
    for code in codes:
        school = instance.school(code)
        region = _named(plan.assignment.get(code), names)
        table.add_row(*(escape(v) for v in (code, school.name, school.place, region)))
    return table


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
