"""``regionopt validate PLAN``: agreement of a plan with the documented STO regions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

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
)
from regionopt.cli.plans import ACTUAL
from regionopt.config import load_config
from regionopt.load import FILES, load_all
from regionopt.official import read_official_partitions
from regionopt.plan import Plan, read_plan
from regionopt.validate import PlanSummary, SizeSpread, Validation, validate

EXCLUSION_NOTE = (
    "Only located members count: certain (exact/fuzzy) documented members that are "
    "participating vestigingen; ambiguous, unmatched and non-participating members are excluded."
)


@app.command("validate")
@friendly_errors
def validate_command(
    plan: Annotated[
        str,
        typer.Argument(
            help="Plan CSV (vestiging_code,region_id), or 'actual' for the documented "
            "regions themselves (a sanity check that scores 1.0)."
        ),
    ],
    regions: Annotated[
        bool, typer.Option("--regions", help="Also show every documented region.")
    ] = False,
    data: DataOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Score a plan and the official divisions (COROP, RPA, ...) against the documented regions.

    Pairs of documented schools: positive when both are in one documented region.
    """
    is_actual = plan.strip().lower() == ACTUAL
    the_plan: Plan | None = None if is_actual else read_plan(Path(plan))
    cfg = load_config(config)
    loaded = load_all(data, participation=cfg.participation)
    baselines = read_official_partitions(Path(loaded.report.data_dir) / FILES["locations"])
    result = validate(loaded.instance, loaded.actual, the_plan or loaded.actual, baselines)
    if json:
        print_json({**result.as_dict(), "note": EXCLUSION_NOTE})
        return
    if not console.is_terminal and console.width < 120:
        console.width = 120
    console.print(_score_table(result))
    doc = result.documented.as_dict()
    console.print(
        f"{doc['located_members']} located members in {doc['regions_with_located_members']} "
        f"documented regions ({doc['regions_with_two_or_more']} with two or more: those count "
        f"for whole & unmixed): {doc['pairs']:,} pairs, {doc['positive_pairs']:,} positive. "
        f"Excluded: {', '.join(f'{n} {k}' for k, n in doc['excluded'].items()) or 'none'}.".replace(
            "_", " "
        ),
        highlight=False,
    )
    console.print(EXCLUSION_NOTE, highlight=False)
    if result.plan.score.unassigned:
        console.print(
            f"{result.plan.score.unassigned} located member(s) are not in the plan; they count "
            "as apart from everything.",
            highlight=False,
        )
    console.print(_size_table(result.plan_sizes, result.documented_sizes))
    if regions:
        console.print(_region_table(result.plan, result.documented.names))


def _score_row(summary: PlanSummary) -> list[str]:
    s = summary.score
    return [
        escape(summary.name),
        f"{s.f1:.3f}",
        f"{s.precision:.3f}",
        f"{s.recall:.3f}",
        str(s.tp),
        str(s.fp),
        str(s.fn),
        f"{summary.whole_and_unmixed} of {len(summary.headline_regions)}",
    ]


def _score_table(result: Validation) -> Table:
    """The plan first, then every baseline by F1 (``validate`` sorts them)."""
    table = Table(title="Agreement with the documented STO regions (pairs of located members)")
    table.add_column("plan")
    for col in ("F1", "precision", "recall", "TP", "FP", "FN"):
        table.add_column(col, justify="right")
    table.add_column("whole & unmixed", justify="right")
    table.add_row(*_score_row(result.plan), style="bold")
    for baseline in result.baselines:
        table.add_row(*_score_row(baseline))
    return table


def _size_table(plan: SizeSpread, documented: SizeSpread) -> Table:
    table = Table(title="Region sizes: smallest / median / largest")
    for col in ("regions of", "regions", "schools", "technical pupils lj 3-4"):
        table.add_column(col, justify="left" if col == "regions of" else "right")

    def spread(s: SizeSpread) -> list[str]:
        parts = (s.schools, s.technical_pupils)
        return [f"{p.smallest:g} / {p.median:g} / {p.largest:g}" for p in parts]

    for s in (plan, documented):
        table.add_row(escape(s.label), str(s.regions), *spread(s))
    return table


def _region_table(summary: PlanSummary, names: Mapping[str, str]) -> Table:
    table = Table(title=f"Documented regions in {escape(summary.name)}")
    for col in ("documented region", "located", "excluded", "whole", "mixed with"):
        table.add_column(col, justify="right" if col in ("located", "excluded") else "left")
    table.add_column("best plan region")
    table.add_column("Jaccard", justify="right")
    for r in sorted(summary.regions, key=lambda r: (-r.located, r.name)):
        name = escape(r.name) + ("" if r.complete else " (partial)")
        table.add_row(
            name,
            str(r.located),
            str(r.excluded),
            "ja" if r.kept_whole else "nee",
            escape(", ".join(names.get(m, m) for m in r.mixed_with)) or "-",
            escape(r.best_region_name or "-"),
            f"{r.jaccard:.2f}",
        )
    return table
