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
from regionopt.config import load_config
from regionopt.load import load_all
from regionopt.names import label

TextArgument = Annotated[
    str, typer.Argument(help="(Part of) a code, school name, place or gemeente.")
]
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
    """Look a school up by (part of) its name, code, place or gemeente name."""
    widen()
    from regionopt.whatif import find_schools

    cfg = load_config(config)
    if plan is not None:
        read_plan_early(plan)
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
