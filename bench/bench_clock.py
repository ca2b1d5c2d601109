"""How well the deterministic clock's work seconds track wall seconds, per kind of solve.

Usage::

    python bench/bench_clock.py [--area-time 60] [--bound-time 60] [--improve-time 30]

Runs ``regionopt propose``'s pipeline on the national instance on the wall clock, in one
process (``workers = 1``, so every solve's wall time is measured where it runs), with shorter
budgets. Every solve is timed, and the work it reports is counted by kind: the master LP's
simplex iterations, the closure pricing, CP-SAT (pricing and the national model) and the
set-partitioning IP. Prints, per kind, the work seconds the clock charged, the wall seconds
measured and their ratio: a ratio near 1 means a budget of N work seconds takes about N
seconds here. The constants live in ``regionopt/solve/clock.py``.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from typing import Any

from regionopt.proposal import run_propose
from regionopt.solve import clock as clock_module
from regionopt.solve import pipeline
from regionopt.solve.cg import ip, master, workers
from regionopt.solve.cg.exact import ExactPricer
from regionopt.workspace import open_workspace

WALL: dict[str, float] = {}
WORK: dict[str, float] = {}
IP_CALLS: list[tuple[int, int, int, float]] = []
"""(choices, nonzeros, nodes, wall seconds) of every set-partitioning IP."""


def _timed(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            WALL[kind] = WALL.get(kind, 0.0) + time.perf_counter() - started

    return wrapper


PRICING_CALLS: list[tuple[float, float]] = []
"""(work seconds, wall seconds) of every exact pricing call of this process."""


def _recorded_price(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(self: ExactPricer, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        res = fn(self, *args, **kwargs)
        PRICING_CALLS.append((self.work_s, time.perf_counter() - started))
        return res

    return wrapper


def _recorded_milp(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(c: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        res = fn(c, *args, **kwargs)
        wall = time.perf_counter() - started
        nnz = sum(getattr(con.A, "nnz", 0) for con in kwargs.get("constraints", ()))
        IP_CALLS.append((len(c), int(nnz), int(getattr(res, "mip_node_count", 0) or 0), wall))
        return res

    return wrapper


def _count_work() -> None:
    """Count every charge of every clock (an area's run has its own), by kind."""
    charge = clock_module.Clock.charge

    def counting(self: clock_module.Clock, kind: str, work_s: float) -> None:
        if kind != "area start":  # the areas' own clocks counted it already
            WORK[kind] = WORK.get(kind, 0.0) + work_s
        charge(self, kind, work_s)

    clock_module.Clock.charge = counting  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area-time", type=float, default=60.0)
    parser.add_argument("--bound-time", type=float, default=60.0)
    parser.add_argument("--improve-time", type=float, default=30.0)
    parser.add_argument(
        "--deterministic", action="store_true", help="budgets on the deterministic clock"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="2: the area start's solves are not timed"
    )
    args = parser.parse_args()

    ws = open_workspace()
    master.Master.solve = _timed("lp", master.Master.solve)  # type: ignore[method-assign]
    workers.PricingPool.closures = _timed(  # type: ignore[method-assign]
        "closure", workers.PricingPool.closures
    )
    ExactPricer.price = _timed(  # type: ignore[method-assign]
        "pricing", _recorded_price(ExactPricer.price)
    )
    pipeline.solve_model = _timed("cp-sat model", pipeline.solve_model)
    ip.milp = _timed("ip", _recorded_milp(ip.milp))
    _count_work()
    search = ws.config.search.model_copy(
        update={
            "deterministic": args.deterministic,
            "workers": args.workers,
            "area_start_s": args.area_time,
            "bound_s": args.bound_time,
            "improve_s": args.improve_time,
        }
    )
    started = time.perf_counter()
    done = run_propose(ws, search=search).optimised
    wall = time.perf_counter() - started
    print(f"pipeline: {done.status}, {wall:.1f} s on the wall, {done.work_s:.1f} work seconds")
    for name, phase in (("bound", done.column_generation), ("windows", done.windows)):
        if phase is not None:
            print(f"  {name}: {phase.wall_s:.1f} s on the wall")
    print(f"{'kind':<10} {'work s':>9} {'wall s':>9} {'work/wall':>10}")
    for kind in sorted(set(WALL) | set(WORK)):
        work_s, wall_s = WORK.get(kind, 0.0), WALL.get(kind, 0.0)
        ratio = work_s / wall_s if wall_s else float("nan")
        print(f"{kind:<10} {work_s:9.1f} {wall_s:9.1f} {ratio:10.2f}")
    timed = sum(WALL.values())
    print(f"{'all':<10} {sum(WORK.values()):9.1f} {timed:9.1f}   (untimed: {wall - timed:.1f} s)")
    work_s, wall_s = (sum(c) for c in zip(*PRICING_CALLS, strict=True)) if PRICING_CALLS else (0, 0)
    print(
        f"exact pricing calls of this process: {len(PRICING_CALLS)}, {work_s:.1f} work s, "
        f"{wall_s:.1f} wall s"
    )
    print("set-partitioning IPs of this process (choices, nonzeros, nodes, wall s), largest:")
    for row in sorted(IP_CALLS, key=lambda r: -r[3])[:12]:
        print("  ", row)


if __name__ == "__main__":
    main()
