"""``regionopt check PLAN.csv``: judge a plan against every rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from regionopt.check import check, is_valid
from regionopt.cli._app import (
    EXIT_BROKEN,
    EXIT_OK,
    ConfigOption,
    DataOption,
    JsonOption,
    app,
    console,
    friendly_errors,
    print_json,
)
from regionopt.cli.plans import refuse_unknown_codes
from regionopt.names import label, region_names
from regionopt.plan import Plan, read_plan
from regionopt.workspace import open_workspace


@app.command("check")
@friendly_errors
def check_command(
    plan: Annotated[
        str,
        typer.Argument(
            help="Plan CSV (vestiging_code,region_id), or 'actual' for the "
            "documented actual regions."
        ),
    ],
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Check a plan: exit 0 when valid, 1 when it breaks a rule, 2 on bad input."""
    the_plan = None if plan == "actual" else read_plan(Path(plan))
    ws = open_workspace(data, config)
    if the_plan is None:
        the_plan = ws.loaded.actual
    refuse_unknown_codes(ws.loaded, {plan: the_plan})
    violations = check(ws.instance, ws.graph, the_plan, ws.config.rules)
    valid = is_valid(violations)
    if json:
        print_json(
            {
                "plan": the_plan.name,
                "valid": valid,
                "regions": len(the_plan.regions),
                "partial_regions": sorted(the_plan.partial_regions),
                "counts": dict(Counter(v.severity for v in violations)),
                "violations": [v.to_dict() for v in violations],
                "stray_names": [asdict(stray) for stray in the_plan.stray_names],
                "rules": ws.config.rules.model_dump(),
            }
        )
        raise typer.Exit(EXIT_OK if valid else EXIT_BROKEN)
    unlocated = len(the_plan.listed_regions) - len(the_plan.regions)
    title = f"Check of {escape(the_plan.name)}: {len(the_plan.regions)} regions" + (
        f" ({unlocated} more listed, with no member found among the participating schools)"
        if unlocated
        else ""
    )
    table = Table(title=title)
    for col in ("severity", "rule", "region", "what"):
        table.add_column(col)
    colour = {"broken": "red", "unknown": "yellow", "warning": "cyan"}
    names = region_names(ws.instance, the_plan)
    for v in sorted(violations, key=lambda v: (v.severity != "broken", v.rule, v.region_id)):
        region = label(names.get(v.region_id, v.region_id), v.region_id) if v.region_id else ""
        table.add_row(
            f"[{colour[v.severity]}]{v.severity}[/]",
            escape(v.rule),
            escape(region),
            escape(v.message),
        )
    if violations:
        console.print(table)
    counts = Counter(v.severity for v in violations)
    _print_stray_names(the_plan)
    if the_plan.partial_regions:
        console.print(
            f"{len(the_plan.partial_regions)} region(s) are documented only in part: a rule "
            "they seem to break there is reported as 'unknown', not 'broken'."
        )
    verdict = "[green]VALID[/]" if valid else "[red]BROKEN[/]"
    console.print(
        f"{verdict}: {counts.get('broken', 0)} broken, {counts.get('unknown', 0)} unknown, "
        f"{counts.get('warning', 0)} warning(s)"
    )
    raise typer.Exit(EXIT_OK if valid else EXIT_BROKEN)


MAX_STRAY_SHOWN = 5
"""Rows whose region_name is not their region's, listed (--json lists them all)."""


def _print_stray_names(plan: Plan) -> None:
    """A row whose region_name differs from its region's was most likely meant to move."""
    for stray in plan.stray_names[:MAX_STRAY_SHOWN]:
        console.print(
            f"[yellow]note:[/] row {stray.line}: {stray.code} is in region "
            f"{escape(stray.region_id)} ({escape(stray.region_name)}) but its region_name says "
            f"{escape(stray.given)!r}: the region_id decides (edit it to move the school)",
            highlight=False,
        )
    if len(plan.stray_names) > MAX_STRAY_SHOWN:
        more = len(plan.stray_names) - MAX_STRAY_SHOWN
        console.print(f"[yellow]note:[/] {more} more such row(s) (--json lists them)")
