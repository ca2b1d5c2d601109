"""Improve a valid plan by re-solving windows of neighbouring regions almost exactly.

Pure numeric core (numpy, scipy, ortools; never geopandas). CP-SAT on the national model finds
a first plan fast but improves it slowly: the LP relaxation of the cut-pupils term is near
zero, so its search is nearly blind. A window of a few neighbouring regions (40-70 schools)
is small enough for column generation to solve almost exactly in seconds, because the
set-partitioning relaxation is tight there. Re-solving window after window (a large
neighbourhood search whose neighbourhoods are solved by price and branch) therefore lowers
the national objective quickly.

A window keeps its number of regions and the schools outside it stay put, so the edges from
the window to the outside are cut whatever the window does: the window's own objective is
exactly its share of the national one. Every region a window returns is a column of the
national model (the national candidate pairs and Hess ordering, every rule), so the plan
stays valid and can be handed back to CP-SAT as a hint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from regionopt.bound import Column, best_partition, column_generation_bound
from regionopt.solve import Candidates, SolverConfig, SolverInput, score_labels


@dataclass(frozen=True)
class WindowStep:
    """One window re-solved."""

    elapsed_s: float
    objective: float
    """National objective after this window."""
    regions: int
    schools: int
    improved: bool


@dataclass(frozen=True)
class ImproveResult:
    """What ``improve_by_windows`` returns."""

    labels: np.ndarray
    roots: tuple[int, ...]
    objective: float
    start_objective: float
    windows: int
    """Windows re-solved."""
    improvements: int
    """Windows whose new regions lowered the objective."""
    national_improvements: int
    """National set-partitioning IPs over the pool that lowered the objective."""
    local_optimum: bool
    """True when no window could improve the plan any more (every window tried unchanged)."""
    wall_time_s: float
    pool: tuple[Column, ...]
    """Every region the windows' column generation met (national school ids)."""


def sub_input(inp: SolverInput, ids: Sequence[int]) -> SolverInput:
    """The instance restricted to some schools (renumbered ``0..len(ids)-1`` in order).

    Edges, close pairs and locks keep only what lies inside; the reference plan is dropped.
    """
    ids = np.asarray(sorted(int(i) for i in ids), dtype=np.int64)
    local = np.full(inp.n, -1, dtype=np.int64)
    local[ids] = np.arange(len(ids))
    inside = (local[inp.edges[:, 0]] >= 0) & (local[inp.edges[:, 1]] >= 0)
    close = (local[inp.together[:, 0]] >= 0) & (local[inp.together[:, 1]] >= 0)
    locks = tuple(
        (label, tuple(int(local[i]) for i in members if local[i] >= 0))
        for label, members in inp.locks
    )
    return replace(
        inp,
        codes=tuple(inp.codes[i] for i in ids),
        labels=tuple(inp.labels[i] for i in ids),
        xy=_ro(inp.xy[ids]),
        technical=_ro(inp.technical[ids]),
        is_vmbo=_ro(inp.is_vmbo[ids]),
        has_mbo=_ro(inp.has_mbo[ids]),
        gemeente=_ro(inp.gemeente[ids]),
        edges=_ro(local[inp.edges[inside]].reshape(-1, 2)),
        edge_weight=_ro(inp.edge_weight[inside]),
        edge_km=_ro(inp.edge_km[inside]),
        together=_ro(local[inp.together[close]].reshape(-1, 2)),
        locks=tuple((label, members) for label, members in locks if members),
        reference=None,
        reference_ids=(),
    )


def sub_candidates(cand: Candidates, ids: Sequence[int], n: int) -> Candidates:
    """National candidate pairs restricted to some schools (ids as in ``sub_input``).

    The graph distances stay national, so the Hess ordering of every region is the national
    one and a window's regions are columns of the national model.
    """
    ids = np.asarray(sorted(int(i) for i in ids), dtype=np.int64)
    local = np.full(n, -1, dtype=np.int64)
    local[ids] = np.arange(len(ids))
    rows = np.flatnonzero(local[cand.roots] >= 0)
    graph_km = cand.graph_km[rows][:, ids]
    pred = cand.pred[rows][:, ids]
    pred = np.where(pred >= 0, local[np.clip(pred, 0, None)], -9999)
    pred = np.where(pred < 0, -9999, pred)
    return Candidates(
        roots=local[cand.roots[rows]],
        graph_km=graph_km,
        members=[np.flatnonzero(np.isfinite(row)) for row in graph_km],
        rejected_roots={},
        full_km=cand.full_km[rows][:, ids],
        pred=pred,
    )


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def _add_plan(
    pool: dict[tuple[int, tuple[int, ...]], Column], labels: np.ndarray, roots: Sequence[int]
) -> None:
    """Add a plan's regions to the pool (costs are recomputed where the pool is used)."""
    for r, j in enumerate(roots):
        members = tuple(np.flatnonzero(labels == r).tolist())
        pool.setdefault((int(j), members), Column(int(j), members, 0))


def _national(
    inp: SolverInput,
    config: SolverConfig,
    pool: dict[tuple[int, tuple[int, ...]], Column],
    objective: float,
) -> tuple[np.ndarray, list[int], float] | None:
    """The cheapest national cover of the pool when it beats ``objective``, else None.

    Regions met in different windows combine across the country, so this may move a region
    from one area to another, which no single window can.
    """
    found = best_partition(inp, config, list(pool.values()), time_limit_s=5.0)
    if found is None:
        return None
    labels, roots, _ = found
    score = score_labels(inp, labels, config.weights, roots=roots).total
    if score >= objective - 1e-6 or not locks_apart(inp, labels):
        return None
    return labels, list(roots), score


def locks_apart(inp: SolverInput, labels: np.ndarray) -> bool:
    """True when schools locked under different labels are in different regions.

    Column generation knows the locks that tie schools together, not the ones that keep
    labels apart, so a window's plan is checked for them.
    """
    heads = [int(labels[members[0]]) for _, members in inp.locks if members]
    return len(heads) == len(set(heads))


def _region_links(inp: SolverInput, labels: np.ndarray, k: int) -> np.ndarray:
    """Commuting weight between every two regions, shape (k, k)."""
    a, b = labels[inp.edges[:, 0]], labels[inp.edges[:, 1]]
    links = np.zeros((k, k))
    cross = a != b
    np.add.at(links, (a[cross], b[cross]), inp.edge_weight[cross])
    return links + links.T


def _window(
    links: np.ndarray, sizes: np.ndarray, seed: int, max_regions: int, max_schools: int
) -> list[int]:
    """The seed region and its most strongly linked neighbours, grown greedily."""
    chosen = [seed]
    schools = int(sizes[seed])
    while len(chosen) < max_regions:
        pull = links[chosen].sum(axis=0)
        pull[chosen] = 0.0
        order = np.argsort(-pull, kind="stable")
        nxt = next(
            (int(r) for r in order if pull[r] > 0 and schools + sizes[r] <= max_schools), None
        )
        if nxt is None:
            break
        chosen.append(nxt)
        schools += int(sizes[nxt])
    return chosen


def improve_by_windows(
    inp: SolverInput,
    config: SolverConfig,
    cand: Candidates,
    labels: np.ndarray,
    roots: Sequence[int],
    *,
    time_limit_s: float = 60.0,
    window_regions: int = 6,
    window_schools: int = 60,
    window_time_s: float = 4.0,
    national_every: int = 5,
    columns: Sequence[Column] = (),
    target_objective: float | None = None,
    progress: Callable[[WindowStep], None] | None = None,
) -> ImproveResult:
    """Lower a valid plan's objective by re-solving windows of neighbouring regions.

    Parameters
    ----------
    inp, config : SolverInput, SolverConfig
        As for ``solve`` (no reference plan: windows do not model reference moves).
    cand : Candidates
        The national candidate pairs the plan's regions belong to.
    labels, roots : array, sequence
        A valid plan: ``labels[i]`` indexes ``roots``.
    time_limit_s : float
        Stop after this many seconds (a window under way finishes first).
    window_regions, window_schools : int
        A window holds at most this many regions and schools.
    window_time_s : float
        Column generation time per window (the set-partitioning IP gets half of it more).
    national_every : int
        After this many windows, solve the set-partitioning IP over every region met so far
        (all windows and the current plan) for the whole country, and keep it when better.
    columns : sequence of Column
        Regions of the national model known already (e.g. a bound's ``pool``), for those IPs.
    target_objective : float, optional
        Stop as soon as the plan's objective is at most this (e.g. within the wanted gap of
        a proven bound).
    progress : callable, optional
        Called with a ``WindowStep`` after each window.

    Returns
    -------
    ImproveResult
        The plan is never worse than the input; ``pool`` seeds the national bound.
    """
    start = time.perf_counter()
    labels = np.asarray(labels, dtype=np.int64).copy()
    roots = [int(j) for j in roots]
    k = len(roots)
    weights = config.weights
    objective = score_labels(inp, labels, weights, roots=roots).total
    start_objective = objective
    pool: dict[tuple[int, tuple[int, ...]], Column] = {(c.root, c.members): c for c in columns}
    _add_plan(pool, labels, roots)
    settled: set[frozenset[tuple[int, ...]]] = set()
    windows = improvements = national = 0
    local_optimum = False

    def done() -> bool:
        reached = target_objective is not None and objective <= target_objective
        return reached or time.perf_counter() - start >= time_limit_s

    while not done():
        sizes = np.bincount(labels, minlength=k)
        links = _region_links(inp, labels, k)
        tried_any = False
        # Regions with the heaviest borders first: that is where a re-solve can gain most.
        border = links.sum(axis=1)
        for seed in np.argsort(-border, kind="stable").tolist():
            if done():
                break
            regions = _window(links, sizes, seed, window_regions, window_schools)
            key = frozenset(tuple(np.flatnonzero(labels == r).tolist()) for r in regions)
            if len(regions) < 2 or key in settled:
                continue
            tried_any = True
            ids = np.flatnonzero(np.isin(labels, regions))
            sub = sub_input(inp, ids)
            sub_cand = sub_candidates(cand, ids, inp.n)
            local = {int(i): q for q, i in enumerate(ids.tolist())}
            sub_labels = np.array([regions.index(int(labels[i])) for i in ids], dtype=np.int64)
            sub_roots = [local[roots[r]] for r in regions]
            sub_config = replace(config, n_regions=len(regions), n_regions_max=None)
            res = column_generation_bound(
                sub,
                sub_config,
                sub_cand,
                plans=[(sub_labels, sub_roots)],
                pricing="exact",
                time_limit_s=window_time_s,
                exact_time_s=0.5,
                round_budget_s=window_time_s / 2,
            )
            for col in res.pool:
                members = tuple(int(ids[q]) for q in col.members)
                pool.setdefault(
                    (int(ids[col.root]), members),
                    replace(col, root=int(ids[col.root]), members=members),
                )
            found = best_partition(sub, sub_config, res.pool, time_limit_s=window_time_s / 2)
            windows += 1
            improved = False
            if found is not None:
                new_labels = labels.copy()
                new_roots = list(roots)
                part, part_roots, _ = found
                for q, i in enumerate(ids.tolist()):
                    new_labels[i] = regions[int(part[q])]
                for r, j in zip(regions, part_roots, strict=True):
                    new_roots[r] = int(ids[j])
                score = score_labels(inp, new_labels, weights, roots=new_roots).total
                if score < objective - 1e-6 and locks_apart(inp, new_labels):
                    labels, roots, objective = new_labels, new_roots, score
                    improvements += 1
                    improved = True
            if improved:
                key = frozenset(tuple(np.flatnonzero(labels == r).tolist()) for r in regions)
                _add_plan(pool, labels, roots)
            settled.add(key)
            if windows % national_every == 0:
                better = _national(inp, config, pool, objective)
                if better is not None:
                    labels, roots, objective = better
                    k = len(roots)
                    national += 1
                    improved = True
            if progress is not None:
                progress(
                    WindowStep(
                        time.perf_counter() - start, objective, len(regions), len(ids), improved
                    )
                )
            if improved:
                break  # the region links changed: rebuild the windows
        if not tried_any:
            better = _national(inp, config, pool, objective)
            if better is None:
                local_optimum = True
                break
            labels, roots, objective = better
            k = len(roots)
            national += 1
    return ImproveResult(
        labels=labels,
        roots=tuple(roots),
        objective=objective,
        start_objective=start_objective,
        windows=windows,
        improvements=improvements,
        national_improvements=national,
        local_optimum=local_optimum,
        wall_time_s=time.perf_counter() - start,
        pool=tuple(pool.values()),
    )


__all__ = [
    "ImproveResult",
    "WindowStep",
    "improve_by_windows",
    "locks_apart",
    "sub_candidates",
    "sub_input",
]
