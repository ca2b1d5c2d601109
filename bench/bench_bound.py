"""The column-generation lower bound (regionopt.solve.cg) on the national instance.

Usage::

    python bench/bench_bound.py [--solve-time 60] [--bound-time 180] [--pricing exact]
                                [--exact-time 1.0] [--round-budget 10] [--box-width 20]
                                [--smoothing 0.5] [--workers 2]
                                [--province NAME --regions K]

Runs CP-SAT (the propose defaults, 77 regions) for ``--solve-time`` seconds, then column
generation seeded with its plan for ``--bound-time`` seconds (pricing in ``--workers``
processes, the IP over its columns every 10 s), printing every round (valid bound, this
round's Lagrangian value, master LP, best plan, columns, pricing time, CP-SAT pricing calls)
and finally the bound, the gap against the plan, the set-partitioning IP over every column
met (price and branch), when the gap first reached 0.1%, and the timings. ``--province``
restricts the instance to one province's schools (e.g. ``--province Overijssel --regions 7``).
"""

from __future__ import annotations

import argparse
import time

from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem, exclude_schools
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.loop import CgSettings, CgStep, column_generation
from regionopt.solve.pipeline import optimise, restriction_of
from regionopt.workspace import open_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solve-time", type=float, default=60.0)
    parser.add_argument("--bound-time", type=float, default=180.0)
    parser.add_argument("--pricing", choices=("closure", "exact"), default="exact")
    parser.add_argument("--exact-time", type=float, default=1.0)
    parser.add_argument("--round-budget", type=float, default=10.0)
    parser.add_argument("--box-width", type=float, default=20.0)
    parser.add_argument("--smoothing", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--province", default=None, help="only this province's schools")
    parser.add_argument("--regions", type=int, default=77)
    args = parser.parse_args()

    started = time.perf_counter()
    ws = open_workspace()
    instance, graph = ws.instance, ws.graph
    if args.province is not None:
        gm = ws.loaded.geography.gemeenten
        province = dict(zip(gm["code"], gm["province"], strict=True))
        others = [s.code for s in instance.schools if province.get(s.gemeente) != args.province]
        instance, graph = exclude_schools(instance, graph, others)
        print(f"province {args.province}: {instance.n} schools")
    problem = Problem.from_instance(
        instance, graph, ws.config.rules, regions=(args.regions, args.regions)
    )
    objective = Objective.build(problem, ws.config.weights)
    search = ws.config.search.model_copy(
        update={"cp_sat_s": args.solve_time, "bound_s": 0, "improve_s": 0, "workers": args.workers}
    )
    print(
        f"loaded {problem.n} schools, {len(problem.edges)} edges in "
        f"{time.perf_counter() - started:.1f} s"
    )
    sol = optimise(problem, ws.config.weights, search)
    assert sol.partition is not None, "CP-SAT found no plan"
    print(
        f"CP-SAT: {sol.status} objective {sol.partition.objective:,.1f} bound {sol.bound:,.1f} "
        f"in {sol.wall_time_s:.1f} s"
    )

    def show(step: CgStep) -> None:
        print(
            f"  t {step.elapsed_s:6.1f} s  bound {step.bound:10,.1f}  round {step.raw:12,.1f}  "
            f"master {step.master:10,.1f}  plan {step.incumbent or 0:10,.1f}  "
            f"columns {step.columns:5d} (+{step.added:3d})  "
            f"pricing {step.pricing_s:5.2f} s  CP-SAT calls {step.exact_roots:3d}",
            flush=True,
        )

    restriction = restriction_of(search)
    res = column_generation(
        objective,
        candidates(problem, restriction).with_plan(sol.partition.labels, sol.partition.roots),
        restriction,
        CgSettings(
            pricing=args.pricing,
            time_limit_s=args.bound_time,
            exact_time_s=args.exact_time,
            round_budget_s=args.round_budget,
            box_width=args.box_width,
            smoothing=args.smoothing,
            workers=args.workers,
            ip_every_s=10.0,
        ),
        plans=[(sol.partition.labels, list(sol.partition.roots))],
        progress=show,
    )
    plan_value = sol.partition.objective
    gap = (plan_value - res.bound) / plan_value
    proven = next(
        (
            s.elapsed_s
            for s in res.history
            if s.incumbent is not None and s.incumbent - s.bound <= 1e-3 * s.incumbent
        ),
        None,
    )
    t_ip = time.perf_counter()
    found = best_partition(objective, res.pool, time_limit_s=30.0)
    ip = None if found is None else objective.score(*found[0])
    t_ip = time.perf_counter() - t_ip
    if proven is None and ip is not None and ip.total - res.bound <= 1e-3 * ip.total:
        # Proven only by the IP over the final pool, after column generation ended.
        proven = res.wall_time_s + t_ip
    first = next((s.elapsed_s for s in res.history if s.bound > 0), None)
    print("\nmethod        column generation")
    print(f"bound         {res.bound:,.1f}  (converged: {res.converged})")
    print(f"objective     {plan_value:,.1f}")
    print(f"gap           {gap:.1%} (the CP-SAT plan)")
    if ip is not None:
        print(f"IP over pool  {ip.total:,.1f}  ({t_ip:.2f} s; price and branch over the columns)")
        print(f"gap           {(ip.total - res.bound) / ip.total:.2%} (the IP's plan)")
    print(f"gap <= 0.1%   {'not reached' if proven is None else f'at {proven:.1f} s'}")
    print(f"rounds        {res.rounds}, columns {res.columns}")
    print(f"bound time    {res.wall_time_s:.1f} s (first positive bound at {first} s)")
    print(f"CP-SAT time   {sol.wall_time_s:.1f} s")
    for mark in (10, 30, 60, 120, 180, 300):
        seen = [s.bound for s in res.history if s.elapsed_s <= mark]
        if seen and mark <= res.wall_time_s + 1:
            print(f"  bound after {mark:4d} s: {max(seen):,.1f}")


if __name__ == "__main__":
    main()
