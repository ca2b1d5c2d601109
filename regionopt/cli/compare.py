"""``regionopt compare A B``: agreement between two plans."""

from __future__ import annotations

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
from regionopt.config import load_config
from regionopt.load import load_all

if TYPE_CHECKING:
    from regionopt.compare import Comparison

PlanA = Annotated[str, typer.Argument(help="Plan A: CSV or 'actual'.")]
PlanB = Annotated[str, typer.Argument(help="Plan B: CSV or 'actual'.")]


@app.command("compare")
@friendly_errors
def compare_command(
    plan_a: PlanA,
    plan_b: PlanB,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Agreement between two plans: adjusted Rand index, pairs, moved schools, region deltas."""
    widen()
    from regionopt.compare import compare

    cfg = load_config(config)
    for arg in (plan_a, plan_b):
        read_plan_early(arg)
    loaded = load_all(data, participation=cfg.participation)
    a, b = resolve_plan(plan_a, loaded), resolve_plan(plan_b, loaded)
    refuse_unknown_codes(loaded, {plan_a: a, plan_b: b})
    result = compare(loaded.instance, a, b, budget_config=cfg.budget)
    if json:
        print_json(result.as_dict())
        return
    _print_summary(result)
    console.print(_region_table(result))
    if result.moved:
        console.print(_moved_table(result))


def _print_summary(result: Comparison) -> None:
    """The index, the pair counts, how many schools moved, and the notes."""
    ari = "undefined" if result.ari is None else f"{result.ari:.4f}"
    p = result.pairs
    console.print(
        f"[bold]{escape(result.name_a)}[/] vs [bold]{escape(result.name_b)}[/]: "
        f"{result.shared_schools} schools in both; "
        f"adjusted Rand index {ari}\n"
        f"pairs together in both {p.together_both:,}, only in A {p.only_a:,}, only in B "
        f"{p.only_b:,}, apart in both {p.apart_both:,}\n"
        f"moved {len(result.moved)}; only in A {len(result.only_in_a)}; only in B "
        f"{len(result.only_in_b)}",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)


def _region_table(result: Comparison) -> Table:
    """Each region of A beside its partner in B: shared schools and the figures of both."""
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
    return table


def _moved_table(result: Comparison) -> Table:
    """The schools whose region in B is not the partner of their region in A."""
    table = Table(title="Moved schools")
    for col in ("vestiging", "name", "region A", "region B", "partner of A in B"):
        table.add_column(col)
    for m in result.moved:
        table.add_row(
            *(escape(v) for v in (m.code, m.name, m.region_a, m.region_b, m.partner_of_a or "-"))
        )
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
