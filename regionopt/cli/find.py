"""``regionopt find TEXT``: look a school up by (part of) its name, code, place or gemeente."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

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
    widen,
)
from regionopt.cli.plans import read_plan_early, resolve_plan
from regionopt.codes import code_problem, outsider_note
from regionopt.config import load_config
from regionopt.instance import Instance, Outsider
from regionopt.load import load_all
from regionopt.names import label

TextArgument = Annotated[
    str, typer.Argument(help="(Part of) a code, school name, place or gemeente.")
]
SHOWN_OUTSIDERS = 10
"""At most this many schools that do not take part are described when none that does matches."""
NOTED_OUTSIDERS = 5
"""At most this many codes of them are noted below the table of matches."""
PlanOption = Annotated[
    str | None,
    typer.Option("--plan", help="Also show each school's region in this plan (or 'actual')."),
]


@app.command("find")
@friendly_errors
def find_command(
    text: TextArgument,
    plan: PlanOption = None,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Look a school up by (part of) its name, code, address, place or gemeente name.

    Also by a gemeente code (GM0664), and with --plan by a region's id or (part of its) name.
    Schools in the data that do not take part under the participation settings are named too,
    with the key of the participation section that lets them join. Exit code 1 when no
    participating school matches.
    """
    widen()
    from regionopt.whatif import find_outsiders, find_schools

    cfg = load_config(config)
    if plan is not None:
        read_plan_early(plan)
    loaded = load_all(data, participation=cfg.participation)
    the_plan = resolve_plan(plan, loaded) if plan is not None else None
    found = find_schools(loaded.instance, text, the_plan)
    if json:
        print_json([asdict(m) for m in found])
        return
    outside = find_outsiders(loaded.instance, text)
    if not found:
        _print_not_found(loaded.instance, text, outside)
        raise typer.Exit(EXIT_BROKEN)
    table = Table(
        title=escape(f"Schools matching {text!r}" + (f" in {the_plan.name}" if the_plan else ""))
    )
    columns = ["code", "name", "address", "place", "gemeente"] + (["region"] if the_plan else [])
    for col in columns:
        table.add_column(col)
    for m in found:
        cells = [m.code, m.name, m.address, m.place, m.gemeente]
        if the_plan is not None:
            cells.append(label(m.region_name, m.region_id) if m.region_id else "-")
        table.add_row(*(escape(v) for v in cells))
    console.print(table)
    if outside:
        codes = ", ".join(o.code for o in outside[:NOTED_OUTSIDERS])
        more = len(outside) - NOTED_OUTSIDERS
        console.print(
            f"[yellow]note:[/] {len(outside)} school(s) in the data that do not take part also "
            f"match ({codes}{f' and {more} more' if more > 0 else ''}); "
            "`regionopt find CODE` says how one can join",
            highlight=False,
        )


def _print_not_found(instance: Instance, text: str, outside: list[Outsider]) -> None:
    """No participating school matches: the schools in the data that do, or the closest codes."""
    if outside:
        console.print(
            f"no participating school matches {escape(repr(text))}; in the data, not taking part:",
            highlight=False,
        )
        for o in outside[:SHOWN_OUTSIDERS]:
            message, fix = outsider_note(o)
            console.print(f"  {escape(message)} -> {escape(fix)}", highlight=False)
        if len(outside) > SHOWN_OUTSIDERS:
            console.print(f"  ... and {len(outside) - SHOWN_OUTSIDERS} more", highlight=False)
        return
    code = text.strip().upper()
    looks_like_code = (
        len(code) in (5, 6, 7) and any(ch.isdigit() for ch in code) and " " not in code
    )
    if looks_like_code:
        console.print(escape(str(code_problem(instance, code, file="", where=""))), highlight=False)
        return
    console.print(f"no school in the data matches {escape(repr(text))}", highlight=False)
