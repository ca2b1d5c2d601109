"""The whole optimisation behind ``regionopt propose``: solve, prove a bound, improve.

Pure numeric core (never geopandas). Three phases, each with its own time budget:

1. ``solve``: the CP-SAT model (constructive warm start, then CP-SAT) gives a valid plan fast;
2. ``column_generation_bound``: a lower bound on the model's optimum gives the gap; every
   10 s the set-partitioning IP over the regions it met ("price and branch") gives a plan,
   and the phase stops once that plan is proven within ``config.relative_gap`` (or the LP
   has converged: then the plan, not the bound, keeps the gap open);
3. ``improve_by_windows``: windows of neighbouring regions re-solved by column generation
   lower the objective, and every few windows the national set-partitioning IP over every
   region met so far (phase 2's included) recombines them; a last IP closes the phase. It
   runs only while the gap is open, and stops once the plan is within the gap.

Measured on the national instance with the defaults of ``regionopt propose`` (1 s, 150 s,
60 s): column generation and its IP take the warm start's plan of 47,831 to the proven
optimum of 26,529 (gap at most 0.1%) in 12-15 s; when the IP's plan stays just above, the
windows close the gap. Column generation models ``--reference`` moves (each region matched
to at most one reference region) and ``max_moves``; when CP-SAT finds nothing in time and
the warm start moves too many schools, its IP gives the first plan within the cap (else
there is no plan). Windows do not model moves, so they are skipped then. With ``exact``
contiguity only the bound runs (its columns are checked for Hess contiguity only, so they
are never used as regions).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from regionopt.bound import BoundStep, Column, best_partition, column_generation_bound
from regionopt.improve import WindowStep, improve_by_windows
from regionopt.solve import (
    Progress,
    Solution,
    SolverConfig,
    SolverInput,
    candidates,
    proven_gap,
    region_ids_for,
    score_labels,
    solve,
)


@dataclass(frozen=True)
class Optimised:
    """The final solution and how its bound was proven."""

    solution: Solution
    bound_method: str
    """``cp-sat`` or ``column generation (...)``."""


def _with_plan(
    inp: SolverInput,
    config: SolverConfig,
    sol: Solution,
    labels: np.ndarray,
    roots: Sequence[int],
) -> Solution:
    """The solution with a better plan (same bound, new objective and gap)."""
    comps = score_labels(inp, labels, config.weights, roots=roots)
    bound = sol.bound or 0.0
    return replace(
        sol,
        labels=labels,
        roots=tuple(int(j) for j in roots),
        region_ids=region_ids_for(inp, labels, len(roots)),
        status="FEASIBLE",
        objective=comps.total,
        components=comps,
        gap=proven_gap(comps.total, bound),
    )


def _plan_columns(sol: Solution) -> list[Column]:
    """The regions of a solution's plan as columns (cost recomputed by ``best_partition``)."""
    return [
        Column(int(j), tuple(np.flatnonzero(sol.labels == r).tolist()), 0)
        for r, j in enumerate(sol.roots)
    ]


def optimise(
    inp: SolverInput,
    config: SolverConfig,
    *,
    improve_time_s: float = 60.0,
    bound_time_s: float = 150.0,
    progress: Callable[[Progress], None] | None = None,
    bound_progress: Callable[[BoundStep], None] | None = None,
) -> Optimised:
    """Solve with CP-SAT, prove a lower bound, then improve by windows.

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

    def over_cap(s: Solution) -> bool:
        """True when a plan moves more schools than ``max_moves`` (only a warm start can)."""
        moves = s.components.reference_moves if s.components is not None else 0
        return config.max_moves is not None and moves > config.max_moves

    stats = dict(sol.stats)
    stats["cp_sat_objective"] = round(float(sol.objective or 0.0), 3)
    stats["cp_sat_wall_s"] = round(sol.wall_time_s, 3)
    cand = candidates(inp, config).with_plan(sol.labels, sol.roots)
    modelled = inp.reference is None or not len(inp.reference_ids)
    # Column generation models reference moves, but not locks that name a reference region.
    # Then it runs on the model without moves: they only add to the objective, so its bound
    # still holds.
    ref_ids = set(inp.reference_ids)
    ref_locks = not modelled and any(label in ref_ids for label, _ in inp.locks)
    bounded = replace(inp, reference=None, reference_ids=()) if ref_locks else inp
    # Columns are checked for Hess contiguity only: with "exact" contiguity they serve the
    # bound (a relaxation) but never as regions of a plan.
    hess = config.contiguity == "hess" or not inp.rules.contiguous
    method = "cp-sat"
    pool: tuple[Column, ...] = ()

    def take(labels: np.ndarray, roots: Sequence[int], key: str) -> None:
        """Keep a plan when it beats the current one (any plan within the cap beats one over)."""
        nonlocal sol
        comps = score_labels(inp, labels, config.weights, roots=roots)
        stats[f"{key}_objective"] = round(comps.total, 3)
        if config.max_moves is not None and comps.reference_moves > config.max_moves:
            return
        if over_cap(sol) or comps.total < (sol.objective or 0.0) - 1e-6:
            first = over_cap(sol)
            sol = _with_plan(inp, config, sol, labels, roots)
            elapsed = time.perf_counter() - started
            if first:  # the first plan within max_moves
                sol = replace(sol, time_to_first_valid_s=elapsed)
            if progress is not None:
                progress(Progress(elapsed, comps.total, None, None, 0))

    def better_cover(columns: Sequence[Column], key: str) -> None:
        t0 = time.perf_counter()
        found = best_partition(inp, config, columns, time_limit_s=10.0)
        stats[f"{key}_s"] = round(time.perf_counter() - t0, 3)
        if found is not None:
            take(found[0], found[1], key)

    if bound_time_s > 0 and ((sol.gap or 0) > config.relative_gap or over_cap(sol)):
        t0 = time.perf_counter()
        proven = column_generation_bound(
            bounded,
            config,
            cand,
            plans=[(sol.labels, sol.roots)],
            pricing="exact",
            time_limit_s=bound_time_s,
            workers=config.workers,
            # Price and branch along the way: the IP over the regions met so far gives the
            # plan, and column generation stops once that plan is proven within the gap.
            incumbent_every_s=10.0 if hess else None,
            target_gap=config.relative_gap if hess else 0.0,
            # The last hundredths of a percent of the LP take longest (degenerate duals) and
            # the plan, not the bound, is then what keeps the gap open: leave to the windows.
            tolerance=config.relative_gap / 5,
            progress=bound_progress,
        )
        stats["bound_s"] = round(time.perf_counter() - t0, 3)
        stats["bound_rounds"] = proven.rounds
        stats["bound_converged"] = proven.converged
        if sol.bound is None or proven.bound > sol.bound:
            sol = replace(sol, bound=proven.bound)
            method = f"column generation ({proven.wall_time_s:.0f} s, {proven.rounds} rounds)"
        if hess:
            pool = proven.pool
            if proven.incumbent is not None:
                take(*proven.incumbent, "bound_ip")
            if ref_locks or over_cap(sol):
                # The regions met, recombined with moves charged: the IP matches them to
                # reference regions as the CP-SAT model does (and keeps max_moves).
                better_cover([*pool, *_plan_columns(sol)], "reference_ip")
    proven_enough = proven_gap(sol.objective or 0.0, sol.bound or 0.0) <= config.relative_gap
    if improve_time_s > 0 and modelled and hess and not proven_enough:
        t0 = time.perf_counter()

        def step(s: WindowStep) -> None:
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(Progress(elapsed, s.objective, None, None, 0))

        better = improve_by_windows(
            inp,
            config,
            cand,
            sol.labels,
            sol.roots,
            time_limit_s=improve_time_s,
            columns=pool,
            target_objective=(sol.bound or 0.0) / (1.0 - config.relative_gap),
            progress=step,
        )
        stats["windows"] = better.windows
        stats["window_improvements"] = better.improvements
        stats["national_improvements"] = better.national_improvements
        stats["windows_local_optimum"] = better.local_optimum
        stats["windows_s"] = round(time.perf_counter() - t0, 3)
        if better.objective < (sol.objective or 0.0) - 1e-6:
            sol = _with_plan(inp, config, sol, better.labels, better.roots)
        better_cover(better.pool, "final_ip")
    if over_cap(sol):
        # Only the warm start was found, and it moves too many schools: no plan.
        stats["warm_start_moves"] = sol.components.reference_moves if sol.components else 0
        none = np.full(inp.n, -1, dtype=np.int64)
        sol = replace(
            sol,
            labels=none,
            roots=(),
            region_ids=(),
            status="UNKNOWN",
            objective=None,
            components=None,
            gap=None,
            time_to_first_valid_s=None,
            wall_time_s=time.perf_counter() - started,
            stats=stats,
        )
        return Optimised(sol, method)
    assert sol.objective is not None
    gap = proven_gap(sol.objective, sol.bound or 0.0)
    status = "OPTIMAL" if gap <= config.relative_gap else sol.status
    sol = replace(sol, gap=gap, status=status)
    sol = replace(sol, wall_time_s=time.perf_counter() - started, stats=stats)
    return Optimised(sol, method)


__all__ = ["Optimised", "optimise"]
