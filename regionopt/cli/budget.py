"""``regionopt budget PLAN``: money per region and per school."""

from __future__ import annotations

from collections.abc import Mapping
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
from regionopt.cli.plans import read_plan_early, refuse_unknown_codes, resolve_plan
from regionopt.config import BudgetConfig, load_config
from regionopt.load import load_all
from regionopt.names import label, region_names

if TYPE_CHECKING:
    from regionopt.budget import Budget

PlanArgument = Annotated[
    str, typer.Argument(help="Plan CSV (vestiging_code,region_id) or 'actual'.")
]
PerSchoolOption = Annotated[
    bool, typer.Option("--per-school", help="Also list every school's amounts.")
]


@app.command("budget")
@friendly_errors
def budget_command(
    plan: PlanArgument,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
    per_school: PerSchoolOption = False,
) -> None:
    """Money per region (and school): transition, structural, goals/schools split, co-funding."""
    widen()
    from regionopt.budget import budget

    cfg = load_config(config)
    read_plan_early(plan)  # a bad plan fails before the data loads
    loaded = load_all(data, participation=cfg.participation)
    the_plan = resolve_plan(plan, loaded)
    refuse_unknown_codes(loaded, {plan: the_plan})
    money = budget(loaded.instance, the_plan, cfg.budget)
    if json:
        print_json(money.as_dict(per_school=per_school))
        return
    names = region_names(loaded.instance, the_plan)
    console.print(_region_table(money, the_plan.name, names))
    opted_out = len(the_plan.opted_out & loaded.instance.index.keys())
    _print_notes(money, cfg.budget, opted_out=opted_out)
    if per_school:
        console.print(_school_table(money))
        _print_school_note(cfg.budget)


def _region_table(money: Budget, plan_name: str, names: Mapping[str, str]) -> Table:
    """Per region (name and id) and in total: schools, technical pupils and every amount
    (whole euros)."""
    table = Table(
        title=f"Budget of plan {escape(plan_name)} (EUR a year, rounded; --json: to the cent)"
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
            escape(label(names.get(r.region_id, r.region_id), r.region_id)),
            f"{r.n_schools:,}",
            f"{r.technical_pupils:,}",
            _whole(r.transition_cents),
            _whole(r.structural_cents),
            _whole(r.structural_goals_cents),
            _whole(r.cofunding_cents),
        )
    table.add_row(
        "total",
        f"{sum(r.n_schools for r in money.regions):,}",
        f"{money.technical_pupils:,}",
        _whole(money.total_transition_cents),
        _whole(money.total_structural_cents),
        _whole(sum(r.structural_goals_cents for r in money.regions)),
        _whole(sum(r.cofunding_cents for r in money.regions)),
        style="bold",
    )
    return table


def _print_notes(money: Budget, config: BudgetConfig, *, opted_out: int = 0) -> None:
    """How the structural money is divided, and what happens to schools outside the plan
    (``opted_out`` of them take no part: region_id ``-``)."""
    console.print(
        f"structural: base EUR {money.structural_base_per_school_eur:,.2f} per technical school "
        f"+ EUR {money.structural_per_pupil_eur:,.2f} per technical pupil; co-funding "
        f"{config.cofunding_share:.0%} of the {config.cofunding_basis} amount",
        highlight=False,
    )
    if money.schools_not_in_plan:
        others = money.schools_not_in_plan - opted_out
        outside = [
            f"{opted_out} participating school(s) take no part (region_id -)" if opted_out else "",
            f"{others} participating school(s) are in no region of this plan" if others else "",
        ]
        console.print(
            f"[yellow]note:[/] {', '.join(o for o in outside if o)}; "
            + (
                "its regions get their schools' share of the national total"
                if money.shared_nationally
                else "the structural total is divided over the schools in the plan only"
            ),
            highlight=False,
        )


SCHOOL_COLUMNS = (
    "vestiging",
    "region",
    "tech. pupils",
    "transition\nbrings in",
    "transition\nreceives",
    "structural\nbrings in",
    "structural\nreceives",
)
"""The per-school table's columns: what a school adds to its region, and what it gets."""


def _school_table(money: Budget) -> Table:
    """Per school: its region (the id; the region table names it), technical pupils, and per
    phase what it brings into its region's amount and what it receives of it (euros and
    cents)."""
    table = Table(title="Per school (EUR a year)")
    for col in SCHOOL_COLUMNS:
        table.add_column(col, justify="left" if col in ("vestiging", "region") else "right")
    for s in money.schools:
        table.add_row(
            s.code,
            escape(s.region_id),
            f"{s.technical_pupils:,}",
            _eur(s.transition_eur),
            _eur(s.transition_share_cents / 100),
            _eur(s.structural_eur),
            _eur(s.structural_share_cents / 100),
        )
    return table


def _print_school_note(config: BudgetConfig) -> None:
    """Which amount a school receives."""
    console.print(
        "brings in: what the school adds to its region's amount (its pupils, and the base "
        "for a school with a technical profile); receives: what the school gets, its part of "
        f"the {1 - config.regional_goals_share:.0%} of the region's amount that goes to the "
        "schools, pro rata by technical pupils (the other "
        f"{config.regional_goals_share:.0%} is for regional goals)",
        highlight=False,
    )


def _eur(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _whole(cents: int) -> str:
    """Cents as whole euros with thousands separators (tables; JSON keeps the cents)."""
    return f"{round(cents / 100):,}"
