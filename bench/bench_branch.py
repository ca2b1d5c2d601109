"""Branch-and-price against column generation alone, province by province.

Usage::

    python bench/bench_branch.py [--province NAME ...] [--branch 120] [--bound-time 30]
                                 [--improve-time 15] [--radius KM | --unrestricted]
                                 [--cut-rounds N]

For each province (default: every one) the schools of the other provinces opt out, and the
province gets its share of the 77 regions (its technical pupils over the national mean per
region, rounded). Each runs ``regionopt propose``'s pipeline twice with the configured
objective and rules: without branch-and-price, then with ``--branch`` seconds of it. Prints
per run: status, objective, bound, gap, nodes (and whether the tree closed), work seconds and
wall seconds. Budgets count solver work (the deterministic clock), so the figures repeat.
"""

from __future__ import annotations

import argparse
import time

from regionopt.proposal import run_propose
from regionopt.workspace import open_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", action="append", default=None)
    parser.add_argument("--branch", type=float, default=120.0)
    parser.add_argument("--bound-time", type=float, default=30.0)
    parser.add_argument("--improve-time", type=float, default=15.0)
    parser.add_argument("--radius", type=float, default=None)
    parser.add_argument("--unrestricted", action="store_true", help="no radius at all")
    parser.add_argument("--cut-rounds", type=int, default=None, help="search.cut_rounds")
    args = parser.parse_args()

    ws = open_workspace()
    gm = ws.loaded.geography.gemeenten
    province_of = dict(zip(gm["code"], gm["province"], strict=True))
    names = args.province or sorted({str(p) for p in province_of.values()})
    mean = sum(s.technical_pupils for s in ws.instance.schools) / 77
    update: dict[str, object] = {
        "bound_s": args.bound_time,
        "improve_s": args.improve_time,
        "area_start_s": 0.0,
    }
    if args.cut_rounds is not None:
        update["cut_rounds"] = args.cut_rounds
    if args.unrestricted:
        update["radius_km"] = None
    elif args.radius is not None:
        update["radius_km"] = args.radius
    print(
        f"{'province':<15} {'schools':>7} {'regions':>7} {'branch s':>8} {'status':<9} "
        f"{'objective':>10} {'bound':>10} {'gap':>7} {'nodes':>6} {'tree':<7} "
        f"{'work s':>7} {'wall s':>7}"
    )
    for name in names:
        inside = [s for s in ws.instance.schools if province_of.get(s.gemeente) == name]
        others = [s.code for s in ws.instance.schools if province_of.get(s.gemeente) != name]
        k = max(1, round(sum(s.technical_pupils for s in inside) / mean))
        for branch_s in dict.fromkeys((0.0, args.branch)):
            search = ws.config.search.model_copy(update={**update, "branch_s": branch_s})
            started = time.perf_counter()
            try:
                result = run_propose(ws, regions=(k, k), exclude=others, search=search)
            except Exception as exc:  # an infeasible share: say so and go on
                print(f"{name:<15} {len(inside):>7} {k:>7} {branch_s:>8g} {type(exc).__name__}")
                break
            done = result.optimised
            wall = time.perf_counter() - started
            part = done.partition
            tree = done.branch
            nodes = "-" if tree is None else str(tree.nodes)
            closed = "-" if tree is None else ("closed" if tree.closed else "open")
            print(
                f"{name:<15} {len(inside):>7} {k:>7} {branch_s:>8g} {done.status:<9} "
                f"{part.objective if part else float('nan'):>10,.1f} {done.bound:>10,.1f} "
                f"{(done.gap or 0.0):>7.2%} {nodes:>6} {closed:<7} {done.work_s:>7.1f} "
                f"{wall:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
