"""Time what-ifs with ``--repair`` on a national plan, after loading (issue 6: under 2 s).

Usage::

    python bench/bench_whatif.py [--plan regions.csv] [--cases 10] [--seed 0]

``--plan`` is a ``regions.csv`` from ``regionopt propose``; without it the RMC stand-in of
``bench/national_plan.py`` is used. Loading the data and building the graph are timed
separately; each case is one ``whatif(..., do_repair=True)`` call (checker before/after,
budgets, repair, full check of the result). Cases: the school with most technical pupils
leaves each of the smallest regions (breaks the size rule), plus random moves of border
schools to a neighbouring region.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national_plan import national_plan

from regionopt.check import is_valid
from regionopt.whatif import Change, whatif
from regionopt.workspace import open_workspace


def main() -> None:
    """Run the cases and print one line each, then the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=None)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    ws = open_workspace()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    plan = national_plan(ws, args.plan)
    t_plan = time.perf_counter() - t0
    inst, graph = ws.instance, ws.graph
    print(
        f"load + graph: {t_load:.2f} s; plan {plan.name!r}: {len(plan.regions)} regions "
        f"({t_plan:.2f} s)"
    )

    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    cases: list[list[Change]] = []
    for region in sorted(sizes, key=lambda r: sizes[r])[: args.cases // 2]:
        top = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
        cases.append([Change("leave", top)])
    rng = random.Random(args.seed)
    assign = {inst.index[c]: r for c, r in plan.assignment.items() if c in inst.index}
    border = [
        (i, sorted({assign[j] for j in graph.neighbors(i) if assign.get(j) not in (None, r)}))
        for i, r in assign.items()
    ]
    border = [(i, nbrs) for i, nbrs in border if nbrs]
    while len(cases) < args.cases and border:
        i, nbrs = border.pop(rng.randrange(len(border)))
        cases.append([Change("move", inst.schools[i].code, rng.choice(nbrs))])

    times: list[float] = []
    header = f"{'change':<24} {'after':>7} {'repair':>10} {'moves':>5} {'opt':>4} "
    header += f"{'scope':>5} {'solves':>6} {'repair s':>8} {'total s':>7} {'valid':>5}"
    print(header)
    for changes in cases:
        t0 = time.perf_counter()
        result = whatif(inst, graph, plan, changes, ws.config, do_repair=True)
        dt = time.perf_counter() - t0
        times.append(dt)
        rep = result.repair
        assert rep is not None
        print(
            f"{', '.join(str(c) for c in changes):<24} "
            f"{'ok' if result.valid_after else 'broken':>7} {rep.status:>10} {len(rep.moves):>5} "
            f"{'yes' if rep.optimal else '-':>4} {len(rep.scope_regions):>5} {rep.solves:>6} "
            f"{rep.wall_time_s:>8.3f} {dt:>7.3f} {is_valid(result.full_check)!s:>5}"
        )
    print(
        f"what-if with repair, after loading: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {len(times)} cases (target < 2 s)"
    )


if __name__ == "__main__":
    main()
