"""The whole optimisation behind ``regionopt propose``: solve, improve, prove a bound.

Pure numeric core (never geopandas). Three phases, each with its own time budget:

1. ``solve``: the CP-SAT model (constructive warm start, then CP-SAT) gives a valid plan fast;
2. ``improve_by_windows``: windows of neighbouring regions re-solved by column generation
   lower the objective (CP-SAT improves a national plan slowly on this objective);
3. ``column_generation_bound``: a lower bound on the model's optimum, seeded with every region
   the windows met, gives the gap.

Phases 2 and 3 model neither reference moves nor ``exact`` contiguity: with ``--reference``
(or ``exact`` contiguity) phase 2 is skipped, and phase 3 only with a reference.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from regionopt.bound import BoundStep, column_generation_bound
from regionopt.improve import WindowStep, improve_by_windows
from regionopt.solve import (
    Progress,
    Solution,
    SolverConfig,
    SolverInput,
    _region_ids,
    candidates,
    score_labels,
    solve,
)


@dataclass(frozen=True)
class Optimised:
    """The final solution and how its bound was proven."""

    solution: Solution
    bound_method: str
    """``cp-sat`` or ``column generation (...)``."""


def optimise(
    inp: SolverInput,
    config: SolverConfig,
    *,
    improve_time_s: float = 90.0,
    bound_time_s: float = 60.0,
    progress: Callable[[Progress], None] | None = None,
    bound_progress: Callable[[BoundStep], None] | None = None,
) -> Optimised:
    """Solve with CP-SAT, improve by windows, then prove a lower bound.

    Parameters
    ----------
    inp, config : SolverInput, SolverConfig
        As for ``solve``; ``config.time_limit_s`` is the CP-SAT phase.
    improve_time_s : float
        Seconds of window improvement (0 = none).
    bound_time_s : float
        Seconds of column generation for the bound (0 = CP-SAT's own bound).
    progress : callable, optional
        Called with a ``Progress`` on every new incumbent (both improving phases; elapsed
        counts from the start of the run).
    bound_progress : callable, optional
        Called with a ``BoundStep`` after every column-generation round.

    Returns
    -------
    Optimised
        ``solution.wall_time_s`` covers all phases; ``solution.stats`` has each phase's time
        and the objective after CP-SAT.

    Raises
    ------
    InfeasibleError
        As ``solve``.
    """
    started = time.perf_counter()
    sol = solve(inp, config, progress)
    if not sol.found:
        return Optimised(sol, "cp-sat")
    stats = dict(sol.stats)
    stats["cp_sat_objective"] = round(float(sol.objective or 0.0), 3)
    stats["cp_sat_wall_s"] = round(sol.wall_time_s, 3)
    cand = candidates(inp, config).with_plan(sol.labels, sol.roots)
    modelled = inp.reference is None or not len(inp.reference_ids)
    hess = config.contiguity == "hess" or not inp.rules.contiguous
    pool = ()
    if improve_time_s > 0 and modelled and hess and (sol.gap or 0) > config.relative_gap:
        t0 = time.perf_counter()

        def step(s: WindowStep) -> None:
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(Progress(elapsed, s.objective, None, None, 0))

        better = improve_by_windows(
            inp, config, cand, sol.labels, sol.roots, time_limit_s=improve_time_s, progress=step
        )
        pool = better.pool
        stats["windows"] = better.windows
        stats["window_improvements"] = better.improvements
        stats["windows_local_optimum"] = better.local_optimum
        stats["windows_s"] = round(time.perf_counter() - t0, 3)
        if better.objective < (sol.objective or 0.0) - 1e-6:
            comps = score_labels(inp, better.labels, config.weights, roots=better.roots)
            bound = sol.bound or 0.0
            sol = replace(
                sol,
                labels=better.labels,
                roots=better.roots,
                region_ids=_region_ids(inp, better.labels, len(better.roots)),
                status="FEASIBLE",
                objective=comps.total,
                components=comps,
                gap=max(comps.total - bound, 0.0) / max(abs(comps.total), 1e-9),
            )
    method = "cp-sat"
    if bound_time_s > 0 and modelled and (sol.gap or 0) > config.relative_gap:
        t0 = time.perf_counter()
        proven = column_generation_bound(
            inp,
            config,
            cand,
            plans=[(sol.labels, sol.roots)],
            columns=pool,
            pricing="exact",
            time_limit_s=bound_time_s,
            progress=bound_progress,
        )
        stats["bound_s"] = round(time.perf_counter() - t0, 3)
        if sol.bound is None or proven.bound > sol.bound:
            assert sol.objective is not None
            gap = max(sol.objective - proven.bound, 0.0) / max(abs(sol.objective), 1e-9)
            status = "OPTIMAL" if gap <= config.relative_gap else sol.status
            sol = replace(sol, bound=proven.bound, gap=gap, status=status)
            method = f"column generation ({proven.wall_time_s:.0f} s, {proven.rounds} rounds)"
    sol = replace(sol, wall_time_s=time.perf_counter() - started, stats=stats)
    return Optimised(sol, method)


__all__ = ["Optimised", "optimise"]
