"""Fit the objective's weights to the documented regions, cross-validated by region.

Usage::

    python bench/calibrate.py [--grid FILE.json] [--bound-time 60] [--improve-time 30]
                              [--out DIR [--kept-only]]

Runs ``regionopt propose`` once per candidate setting of the grid (weights and rules; every
other parameter as configured), scores each plan against the documented regions and the
official partitions (``regionopt.validate``), and chooses among the settings by
leave-one-documented-region-out cross-validation (``regionopt.calibrate``). Prints, per
setting, the in-sample pairwise F1 and the regions kept whole and unmixed; then the
cross-validated F1 and whole-and-unmixed count twice: each fold taking the best F1 on its
pairs, and each fold taking the preferred setting within one standard error of the best
(``preference``: the larger minimum size, then the smaller weights); then the fold choices,
the setting to make the default and the official partitions on the same pairs. ``--grid`` is
a JSON object of ``{"weights.size_balance": [..], "rules.min_technical_pupils": [..], ...}``;
the default grid is ``DEFAULT_GRID``. No region, school or place is named anywhere in it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from regionopt.calibrate import cross_validate, preference, settings_grid
from regionopt.config import Config
from regionopt.evaluate import plan_rows
from regionopt.load import FILES
from regionopt.official import read_official_partitions
from regionopt.plan import Plan, read_plan, write_plan_rows
from regionopt.proposal import run_propose
from regionopt.validate import documented_members, summarise
from regionopt.workspace import Workspace, open_workspace

DEFAULT_GRID: dict[str, list[Any]] = {
    "weights.labour_market_split": [300.0, 500.0, 1000.0],
    "rules.min_technical_pupils": [100, 150, 200, 250],
    "rules.max_technical_pupils": [600],
}
"""The candidate settings: every combination of these values (the grid of
docs/calibration.md)."""


def configured(base: Config, setting: dict[str, Any]) -> Config:
    """The configuration with a setting's ``section.key`` values applied (validated)."""
    raw = base.model_dump()
    for dotted, value in setting.items():
        section, key = dotted.split(".", 1)
        raw[section][key] = value
    return Config.model_validate(raw)


def label(setting: Mapping[str, Any]) -> str:
    """A short readable label of a setting."""
    return ", ".join(f"{k.split('.', 1)[1]} {v:g}" for k, v in setting.items())


def run_setting(
    ws: Workspace, setting: dict[str, Any], search: dict[str, Any]
) -> tuple[Plan, dict[str, Any]] | None:
    """The plan of one setting and its facts: objective, bound and gap (None: no rule-valid
    plan found)."""
    config = configured(ws.config, setting)
    workspace = ws.with_config(config)
    result = run_propose(workspace, search=config.search.model_copy(update=search))
    optimised = result.optimised
    part = optimised.partition
    if part is None or not result.valid:
        return None
    facts = {"objective": part.objective, "bound": optimised.bound, "gap": optimised.gap}
    return result.plan, facts


def slug(setting: dict[str, Any]) -> str:
    """A file name for a setting's plan: ``size_balance-300_min_technical_pupils-150``."""
    return "_".join(f"{k.split('.', 1)[1]}-{v:g}" for k, v in setting.items())


def kept_path(out: Path, setting: dict[str, Any]) -> Path:
    """Where a setting's plan is kept in ``out`` (its facts beside it, as ``.json``)."""
    return out / f"{slug(setting)}.csv"


def cached_setting(
    ws: Workspace, setting: dict[str, Any], search: dict[str, Any], out: Path | None
) -> tuple[Plan, dict[str, Any]] | None:
    """The plan and facts of a setting (objective, bound, gap, seconds): read from ``out`` if
    kept, else run (and kept there). Plans kept before the bound was recorded have no bound
    or gap."""
    path = None if out is None else kept_path(out, setting)
    if path is not None and path.is_file() and path.with_suffix(".json").is_file():
        return read_plan(path), json.loads(path.with_suffix(".json").read_text())
    started = time.perf_counter()
    ran = run_setting(ws, setting, search)
    if ran is None:
        return None
    plan, facts = ran
    facts["seconds"] = time.perf_counter() - started
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header, rows = plan_rows(ws.instance, plan)
        write_plan_rows(path, header, rows)
        path.with_suffix(".json").write_text(json.dumps(facts))
    return plan, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path, default=None)
    parser.add_argument("--bound-time", type=float, default=None)
    parser.add_argument("--improve-time", type=float, default=None)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="keep each setting's plan here; a setting whose plan is there is not run again",
    )
    parser.add_argument(
        "--kept-only",
        action="store_true",
        help="run nothing: score only the settings whose plan is kept in --out",
    )
    args = parser.parse_args()
    if args.kept_only and args.out is None:
        parser.error("--kept-only needs --out")
    grid_axes = json.loads(args.grid.read_text()) if args.grid else DEFAULT_GRID
    search = {
        k: v
        for k, v in (("bound_s", args.bound_time), ("improve_s", args.improve_time))
        if v is not None
    }
    ws = open_workspace()
    documented = documented_members(ws.instance, ws.loaded.actual)
    plans: dict[str, Plan] = {}
    print(
        "| setting | F1 | precision | recall | whole & unmixed | schools per region "
        "| objective | gap | s |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for setting in settings_grid(grid_axes):
        name = label(setting)
        if args.kept_only and not kept_path(args.out, setting).is_file():
            print(f"| {name} | not run (no plan kept in {args.out}) | | | | | | | |", flush=True)
            continue
        kept = cached_setting(ws, setting, search, args.out)
        if kept is None:
            print(f"| {name} | no rule-valid plan found | | | | | | | |", flush=True)
            continue
        plan, facts = kept
        plans[name] = plan
        gap = facts.get("gap")
        s = summarise(ws.instance, documented, plan)
        sizes = np.array([len(c) for c in plan.regions.values()])
        print(
            f"| {name} | {s.score.f1:.3f} | {s.score.precision:.3f} | {s.score.recall:.3f} | "
            f"{s.whole_and_unmixed} of {len(s.headline_regions)} | {sizes.min()} / "
            f"{int(np.median(sizes))} / {sizes.max()} | {facts['objective']:,.0f} | "
            f"{'' if gap is None else f'{gap:.2%}'} | {facts['seconds']:.0f} |",
            flush=True,
        )
    best_f1 = cross_validate(documented, plans)
    prefer = [label(s) for s in preference(settings_grid(grid_axes)) if label(s) in plans]
    cv = cross_validate(documented, plans, prefer=prefer)
    print("\ncross-validated (leave one documented region out):")
    for name, result in (("best F1 per fold", best_f1), ("one-standard-error rule", cv)):
        print(
            f"  {name}: F1 {result.f1:.3f}, whole and unmixed {result.whole_and_unmixed} "
            f"of {result.regions}"
        )
    print("folds (one-standard-error rule):")
    for fold in cv.folds:
        print(
            f"  without {fold.region}: chose {fold.chosen} (F1 {fold.train_f1:.3f} on the rest; "
            f"best {fold.best}, F1 {fold.best_f1:.3f}, difference "
            f"{fold.best_f1 - fold.train_f1:.3f} +- {fold.difference_se:.3f})"
        )
    print(f"setting for the default (in sample F1 {cv.in_sample[cv.best]:.3f}): {cv.best}")
    print("\nofficial partitions on the same pairs:")
    for plan in read_official_partitions(Path(ws.loaded.report.data_dir) / FILES["locations"]):
        s = summarise(ws.instance, documented, plan)
        print(f"  {plan.name:<16} F1 {s.score.f1:.3f}  whole and unmixed {s.whole_and_unmixed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
