"""What each restriction of the region model costs, and what each one's bound proves.

Usage::

    python bench/bench_radius.py [--time 120] [--seed 0] [--cp-sat-time 60]
                                 [--all-regions-time 0]

On the national instance with the configured objective, one ``regionopt propose`` run per
model: radius 25, 40 and 60 km with the Hess order, radius 50 km with any connected region
(the default), and no restriction (every connected region), each with ``--time`` seconds of
column generation; then the compact CP-SAT model (exact contiguity through a parent tree,
radius 40 km) alone for ``--cp-sat-time`` seconds, the peer a user would pick instead. Prints
one markdown row per model: objective, bound, gap, what the bound covers and the time. Only
the unrestricted bound is valid for all plans; with ``--all-regions-time`` each restricted
model also prices every penvoerder without its restriction at its final duals
(``search.all_regions_s``), a bound valid for all plans too (its own column and gap).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from regionopt.proposal import run_propose
from regionopt.solve.pipeline import proven_gap
from regionopt.workspace import open_workspace

MODELS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("radius 25 km, Hess order", {"radius_km": 25.0, "contiguity": "hess"}),
    ("radius 40 km, Hess order", {"radius_km": 40.0, "contiguity": "hess"}),
    ("radius 60 km, Hess order", {"radius_km": 60.0, "contiguity": "hess"}),
    ("radius 50 km, connected (the default)", {"radius_km": 50.0, "contiguity": "connected"}),
    ("every connected region", {"radius_km": None, "contiguity": "connected"}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=float, default=120.0)
    parser.add_argument("--cp-sat-time", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all-regions-time", type=float, default=0.0)
    args = parser.parse_args()
    ws = open_workspace()
    print(
        "| model | objective | bound | gap | bound holds among | bound over all connected "
        "regions (gap) | time (s) |"
    )
    print("|---|---:|---:|---:|---|---:|---:|")
    runs = [
        (
            name,
            {
                **model,
                "bound_s": args.time,
                "improve_s": args.time / 2,
                "all_regions_s": args.all_regions_time,
                "seed": args.seed,
            },
        )
        for name, model in MODELS
    ]
    runs.append(
        (
            f"compact CP-SAT (parent tree, radius 40 km), {args.cp_sat_time:g} s",
            {
                "radius_km": 40.0,
                "contiguity": "connected",
                "cp_sat_s": args.cp_sat_time,
                "bound_s": 0.0,
                "improve_s": 0.0,
                "area_start_s": 0.0,
                "seed": args.seed,
            },
        )
    )
    for name, update in runs:
        started = time.perf_counter()
        done = run_propose(ws, search=ws.config.search.model_copy(update=update)).optimised
        part = done.partition
        objective = "-" if part is None else f"{part.objective:,.1f}"
        gap = "-" if done.gap is None else f"{done.gap:.2%}"
        wide = "-"
        if done.all_regions is not None and part is not None:
            proven = "" if done.all_regions.complete else ", incomplete"
            wide = (
                f"{done.all_regions.bound:,.1f} "
                f"({proven_gap(part.objective, done.all_regions.bound):.2%}{proven})"
            )
        print(
            f"| {name} | {objective} | {done.bound:,.1f} | {gap} | {done.scope} | {wide} | "
            f"{time.perf_counter() - started:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
