"""The column-generation lower bound (regionopt.solve.cg) on the national instance.

Usage::

    python bench/bench_bound.py [--solve-time 60] [--bound-time 180] [--pricing exact]
                                [--exact-time 1.0] [--round-budget 10] [--box-width 20]
                                [--smoothing 0.5] [--workers 2]
                                [--province NAME --regions K] [--start cp-sat|area]

Runs CP-SAT (the propose defaults, 77 regions) for ``--solve-time`` seconds, then column
generation seeded with its plan for ``--bound-time`` seconds (pricing in ``--workers``
processes, the IP over its columns every 10 s), printing every round (valid bound, this
round's Lagrangian value, master LP, best plan, columns, pricing time, CP-SAT pricing calls)
and finally the bound, the gap against the plan, the set-partitioning IP over every column
met (price and branch), when the gap first reached 0.1%, and the timings. ``--province``
restricts the instance to one province's schools (e.g. ``--province Overijssel --regions 7``).
``--start area`` seeds column generation as ``regionopt propose`` does instead: the start made
labour-market area by labour-market area, its plan and every region its runs met.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from regionopt.config import SearchConfig
from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem, exclude_schools
from regionopt.proposal import families_of
from regionopt.solve.cg.ip import best_partition
from regionopt.solve.cg.loop import CgStep, column_generation
from regionopt.solve.cg.pricing_problem import Column
from regionopt.solve.clock import Clock
from regionopt.solve.decompose import decomposed_start
from regionopt.solve.heuristic import Labelled
from regionopt.solve.pipeline import (
    LABOUR_MARKET,
    area_search,
    area_solver,
    cg_settings,
    optimise,
    restriction_of,
)
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
    parser.add_argument("--start", choices=("cp-sat", "area"), default="cp-sat")
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
        instance,
        graph,
        ws.config.rules,
        regions=(args.regions, args.regions),
        families=families_of(ws, instance),
    )
    weights = ws.config.weights
    objective = Objective.build(problem, weights)
    search = ws.config.search.model_copy(
        update={"cp_sat_s": args.solve_time, "bound_s": 0, "improve_s": 0, "workers": args.workers}
    )
    print(
        f"loaded {problem.n} schools, {len(problem.edges)} edges in "
        f"{time.perf_counter() - started:.1f} s"
    )
    plan, columns = start_plan(args.start, objective, search)
    plan_value = objective.score(*plan).total

    def show(step: CgStep) -> None:
        print(
            f"  t {step.elapsed_s:6.1f} s  bound {step.bound:10,.1f}  round {step.raw:12,.1f}  "
            f"master {step.master:10,.1f}  plan {step.incumbent or 0:10,.1f}  "
            f"columns {step.columns:5d} (+{step.added:3d})  "
            f"pricing {step.pricing_s:5.2f} s  CP-SAT calls {step.exact_roots:3d}",
            flush=True,
        )

    restriction = restriction_of(search)
    # Column generation as `regionopt propose` runs it, but for the options given.
    settings = replace(
        cg_settings(search),
        pricing=args.pricing,
        time_limit_s=args.bound_time,
        exact_time_s=args.exact_time,
        round_budget_s=args.round_budget,
        box_width=args.box_width,
        smoothing=args.smoothing,
    )
    res = column_generation(
        objective,
        candidates(problem, restriction).with_plan(*plan),
        restriction,
        settings,
        plans=[plan],
        columns=columns,
        progress=show,
        clock=Clock(deterministic=search.deterministic),
    )
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
    print(f"gap           {gap:.2%} (the start plan)")
    if ip is not None:
        print(f"IP over pool  {ip.total:,.1f}  ({t_ip:.2f} s; price and branch over the columns)")
        print(f"gap           {(ip.total - res.bound) / ip.total:.2%} (the IP's plan)")
    print(f"gap <= 0.1%   {'not reached' if proven is None else f'at {proven:.1f} s'}")
    print(f"rounds        {res.rounds}, columns {res.columns}")
    first_s = "-" if first is None else f"{first:.1f}"
    print(f"bound time    {res.wall_time_s:.1f} s (first positive bound at {first_s} s)")
    for mark in (10, 30, 60, 120, 180, 300):
        seen = [s.bound for s in res.history if s.elapsed_s <= mark]
        if seen and mark <= res.wall_time_s + 1:
            print(f"  bound after {mark:4d} s: {max(seen):,.1f}")


def start_plan(
    start: str, objective: Objective, search: SearchConfig
) -> tuple[Labelled, tuple[Column, ...]]:
    """The plan column generation starts from (CP-SAT's, or the area start's with the regions
    its runs met)."""
    t = time.perf_counter()
    problem = objective.problem
    if start == "cp-sat":
        sol = optimise(problem, objective.weights, search)
        assert sol.partition is not None, "CP-SAT found no plan"
        plan: Labelled = (sol.partition.labels, list(sol.partition.roots))
        columns: tuple[Column, ...] = ()
    else:
        family = next(f for f in problem.items if f.name == LABOUR_MARKET)
        made = decomposed_start(
            objective,
            family,
            area_search(search),
            area_solver(objective.weights),
            time_limit_s=search.area_start_s,
            workers=search.workers,
            clock=Clock(deterministic=search.deterministic),
        )
        assert made.plan is not None, "the area start found no plan"
        plan, columns = made.plan, made.columns
    print(
        f"{start} start: objective {objective.score(*plan).total:,.1f} "
        f"in {time.perf_counter() - t:.1f} s, {len(columns)} regions met"
    )
    return plan, columns


if __name__ == "__main__":
    main()
