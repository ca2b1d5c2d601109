"""``regionopt map``: a self-contained HTML map of proposed and/or actual regions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from regionopt.cli._app import ConfigOption, DataOption, app, console, friendly_errors
from regionopt.cli.plans import is_actual
from regionopt.config import load_config
from regionopt.errors import InputError, Problem
from regionopt.load import load_all, read_actual_regions
from regionopt.mapdata import write_plan_map
from regionopt.model.rules import RegionRules
from regionopt.output import check_out_file, staged_file
from regionopt.plan import read_plan

MAPS_DIR = Path("maps")


PlanOption = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="Plan CSV (vestiging_code,region_id) to map as proposed regions. Without it "
        "(or with 'actual'), only the documented actual regions are mapped.",
        show_default=False,
    ),
]
ActualOption = Annotated[
    Path | None,
    typer.Option(
        "--actual",
        help="Actual-regions CSV laid out like sto/actual-regions.csv (default: the one "
        "in the data directory).",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="HTML file to write (default: maps/<folder>-<plan name>.html, or maps/actual.html).",
        show_default=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


@app.command("map")
@friendly_errors
def map_command(
    plan: PlanOption = None,
    actual: ActualOption = None,
    out: OutOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a map that opens in any browser, also offline; print its path and size."""
    if plan is not None and is_actual(str(plan)):
        plan = None  # the documented regions are what the map shows without a plan
    the_plan = read_plan(plan) if plan is not None else None
    target = out or MAPS_DIR / (f"{_map_stem(plan)}.html" if plan is not None else "actual.html")
    if target.suffix.lower() not in (".html", ".htm"):
        raise InputError(
            [Problem(str(target), "", "the map is an HTML file", "end --out with .html")]
        )
    check_out_file(target, force=force)
    if actual is not None and not actual.is_file():
        raise InputError([Problem(str(actual), "", "file not found", "check the --actual path")])
    cfg = load_config(config)
    loaded = load_all(data, participation=cfg.participation)
    actual_plan = read_actual_regions(actual) if actual is not None else None
    # The parameters that shape what the map shows: territories, mbo partners, money.
    params: dict[str, object] = {
        "decay_km": cfg.commute.decay_km,
        "mbo_reach_km": RegionRules.from_config(cfg.rules).mbo_within_km,
        "eur_per_pupil": cfg.budget.transition_eur_per_pupil,
    }
    if config is not None:
        params["config"] = config.name
    if actual is not None:
        params["actual"] = actual.name
    with staged_file(target, force=force) as staging:
        result = write_plan_map(
            loaded, the_plan, staging, params=params, config=cfg, actual=actual_plan
        )
    console.print(
        f"wrote {escape(str(target))} ({result.size_bytes / 1e6:.2f} MB, "
        f"{result.n_regions} regions, {result.seconds:.1f} s)",
        highlight=False,
    )


def _map_stem(plan: Path) -> str:
    """The default map's name: the plan's folder and file (``prop-regions``), since every
    proposal and what-if writes a ``regions.csv``."""
    folder = plan.resolve().parent.name
    return f"{folder}-{plan.stem}" if folder else plan.stem
