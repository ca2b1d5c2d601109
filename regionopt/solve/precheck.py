"""Explain an infeasible setting before a long solve: which schools, which parameter to relax."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from regionopt.model.candidates import Candidates, Restriction
from regionopt.model.problem import Problem
from regionopt.model.rules import RegionTotals, totals


def precheck(
    problem: Problem, cand: Candidates | None, restriction: Restriction | None
) -> list[str]:
    """Quick necessary conditions; each failure names where and which parameter to relax.

    Parameters
    ----------
    problem : Problem
    cand : Candidates or None
        The model's candidate pairs; ``None`` checks the unrestricted model only.
    restriction : Restriction or None
        The restriction ``cand`` was built under (for the messages).

    Returns
    -------
    list of str
        Empty when nothing obviously prevents a valid plan (the solver may still prove
        infeasibility).
    """
    lo, hi = problem.regions
    if problem.n == 0:
        return ["no participating schools"]
    if lo > hi or lo < 1:
        return [f"bad region range {lo}-{hi}"]
    reasons = _per_part(problem) + _size_and_locks(problem)
    if reasons or cand is None or restriction is None:
        return reasons
    return _within_restriction(problem, cand, restriction)


def _parts(problem: Problem) -> tuple[int, np.ndarray]:
    """The connected parts of the school graph (one part when contiguity is not a rule)."""
    if not problem.rules.connected:
        return 1, np.zeros(problem.n, dtype=np.int64)
    ncomp, comp = connected_components(problem.graph_lengths, directed=False)
    return int(ncomp), np.asarray(comp)


def _per_part(problem: Problem) -> list[str]:
    """Each part of the graph must hold at least one valid region; enough regions in all."""
    rules = problem.rules
    lo, hi = problem.regions
    ncomp, comp = _parts(problem)
    reasons: list[str] = []
    max_total = 0
    for c in range(ncomp):
        ids = np.flatnonzero(comp == c)
        part = totals(problem.facts, ids)
        max_total += rules.capacity(part)
        reasons += [_shortfall(problem, ids, part, rule) for rule in rules.short_of(part)]
    if ncomp > hi:
        reasons.append(
            f"the school graph has {ncomp} separate parts, so at least {ncomp} regions are "
            f"needed but at most {hi} are asked (raise --regions)"
        )
    if max_total < lo:
        reasons.append(
            f"at most {max_total} regions can each have a penvoerder, "
            f"{rules.min_vmbo_schools} vmbo schools and {rules.min_technical} technical pupils, "
            f"but {lo} are asked (lower --regions or rules.min_technical_pupils / rules.min_vmbo)"
        )
    return reasons


def _shortfall(problem: Problem, ids: np.ndarray, part: RegionTotals, rule: str) -> str:
    """Why a part of the graph cannot hold a region, naming the parameter to relax."""
    rules = problem.rules
    where = problem.where(ids)
    if rule == "penvoerder":
        return (
            f"{where}: no school with technical pupils, so no penvoerder "
            "(join it to other schools: check the graph or participation settings)"
        )
    if rule == "size":
        return (
            f"{where}: {part.technical} technical pupils in total, below "
            f"rules.min_technical_pupils = {rules.min_technical} (lower it)"
        )
    if rule == "min_vmbo":
        return (
            f"{where}: {part.vmbo} vmbo vestiging(en), below rules.min_vmbo = "
            f"{rules.min_vmbo_schools}"
        )
    return (
        f"{where}: no mbo location within rules.mbo_reach_km = {rules.mbo_within_km:g} km "
        "of any of its schools (raise mbo_reach_km)"
    )


def _size_and_locks(problem: Problem) -> list[str]:
    """The maximum size against the total and the groups that must stay together; locks."""
    rules = problem.rules
    hi = problem.regions[1]
    reasons: list[str] = []
    total = int(problem.technical.sum())
    if rules.too_big(-(-total // hi)):
        reasons.append(
            f"{total} technical pupils do not fit in {hi} regions of at most "
            f"rules.max_technical_pupils = {rules.max_technical} (raise it or --regions)"
        )
    for group in problem.together_groups:
        size = int(problem.technical[group].sum())
        if len(group) > 1 and rules.too_big(size):
            reasons.append(
                f"{problem.where(group)} must stay together (together_km / locks) "
                f"but has {size} technical pupils > rules.max_technical_pupils"
            )
    if len(problem.locks) > hi:
        reasons.append(f"{len(problem.locks)} distinct lock labels but at most {hi} regions")
    _, comp = _parts(problem)
    for label, ids in problem.locks:
        if len(set(comp[list(ids)].tolist())) > 1:
            reasons.append(f"lock {label}: its schools lie in separate parts of the school graph")
    return reasons


def _within_restriction(problem: Problem, cand: Candidates, restriction: Restriction) -> list[str]:
    """Enough roots, every school some root, every group one root, under the restriction."""
    lo = problem.regions[0]
    radius = restriction.radius_km
    reasons: list[str] = []
    if len(cand.roots) < lo:
        reasons.append(
            f"only {len(cand.roots)} schools can root a valid region within {radius:g} km along "
            f"the graph, but {lo} regions are asked (lower --regions or "
            "rules.min_technical_pupils, or raise the candidate radius)"
        )
    covered = np.zeros(problem.n, dtype=bool)
    for m in cand.members:
        covered[m] = True
    orphans = np.flatnonzero(~covered)
    if len(orphans):
        reasons.append(
            f"{problem.where(orphans)}: no viable penvoerder within {radius:g} km along the "
            "graph (raise the candidate radius, or lower rules.min_technical_pupils)"
        )
    for group in problem.together_groups:
        if len(group) < 2:
            continue
        if not any(np.isin(group, m).all() for m in cand.members):
            reasons.append(
                f"{problem.where(group)} must stay together but no viable root reaches all of "
                "them (raise the candidate radius)"
            )
    return reasons


__all__ = ["precheck"]
