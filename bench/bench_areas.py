"""What a proof area by area would cost: each labour-market area alone, proven per region count.

Usage::

    python bench/bench_areas.py [--bound-time 10] [--improve-time 5] [--branch 20]
                                [--largest 2]

If every region had to keep inside one labour-market area (the areas of the area start: an
RPA-gebied, those too small for a region joined to a neighbour), the national optimum would be
a knapsack over each area's optimum per number of regions, and its bound the same knapsack
over the areas' bounds. This measures the parts such a proof would need: for the ``--largest``
areas (most schools first), every number of regions the area start tries, one ``optimise`` run
over every connected region of the area (no radius), with branch-and-price, in one process.
Prints one markdown row per area and count: status, objective, bound, gap and work seconds
(what the budgets count; wall seconds too, which depend on what else runs).
"""

from __future__ import annotations

import argparse
import time

from regionopt.errors import InfeasibleError
from regionopt.model.problem import DEFAULT_REGIONS, Problem
from regionopt.proposal import families_of
from regionopt.solve.decompose import areas, region_counts
from regionopt.solve.pipeline import LABOUR_MARKET, optimise
from regionopt.workspace import open_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bound-time", type=float, default=10.0)
    parser.add_argument("--improve-time", type=float, default=5.0)
    parser.add_argument("--branch", type=float, default=20.0)
    parser.add_argument("--largest", type=int, default=2, help="how many areas, largest first")
    args = parser.parse_args()
    ws = open_workspace()
    problem = Problem.from_instance(
        ws.instance,
        ws.graph,
        ws.config.rules,
        regions=DEFAULT_REGIONS,
        families=families_of(ws, ws.instance),
    )
    family = next(f for f in problem.items if f.name == LABOUR_MARKET)
    found = sorted(areas(problem, family), key=len, reverse=True)
    counts = [region_counts(problem, schools) for schools in found]
    print(
        f"{len(found)} areas of {min(map(len, found))}-{max(map(len, found))} schools; "
        f"the counts tried add up to {sum(c.start for c in counts)}.."
        f"{sum(c.stop - 1 for c in counts)} regions"
    )
    search = ws.config.search.model_copy(
        update={
            "area_start_s": 0.0,
            "cp_sat_s": 0.0,
            "bound_s": args.bound_time,
            "improve_s": args.improve_time,
            "branch_s": args.branch,
            "all_regions_s": 0.0,
            "workers": 1,
            "radius_km": None,
            "contiguity": "connected",
        }
    )
    print(
        "| schools | technical pupils | regions | status | objective | bound | gap "
        "| work s | wall s |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for schools, tried in zip(found[: args.largest], counts, strict=False):
        area = problem.restrict(schools)
        pupils = int(problem.technical[schools].sum())
        for regions in tried:
            started = time.perf_counter()
            try:
                done = optimise(area.with_regions(regions), ws.config.weights, search)
            except InfeasibleError:
                print(f"| {len(schools)} | {pupils} | {regions} | no valid plan exists | | | | | |")
                continue
            wall = time.perf_counter() - started
            value = f"{done.partition.objective:,.1f}" if done.partition is not None else ""
            gap = "" if done.gap is None else f"{done.gap:.2%}"
            print(
                f"| {len(schools)} | {pupils} | {regions} | {done.status} | {value} | "
                f"{done.bound:,.1f} | {gap} | {done.work_s:.1f} | {wall:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
