"""Which school may join which root: the region model's candidate pairs and its restriction.

Every region has a root: a member with technical pupils (a possible penvoerder) that is its
centre for compactness. Without a restriction every connected region that meets the rules is
a region of the model. Optional restrictions a user may ask for: a ``radius_km`` (a school joins
a root at most that far along the school graph, and always its ``min_roots`` nearest roots),
and ``hess`` contiguity (a school joins through a graph neighbour strictly closer to the root).
The restriction decides what "optimal" means, so ``Restriction.scope`` says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy.sparse.csgraph import dijkstra

from regionopt.model.problem import Problem
from regionopt.model.rules import totals

Contiguity = Literal["connected", "hess"]


@dataclass(frozen=True)
class Restriction:
    """The shape of the regions the model considers (none: every connected region)."""

    radius_km: float | None = None
    """A school joins a root at most this far along the school graph (None: any distance)."""
    min_roots: int = 3
    """With a radius, each school can always join at least this many of its nearest roots."""
    contiguity: Contiguity = "connected"
    """``connected``: any connected region; ``hess``: through strictly closer neighbours."""

    @property
    def hess(self) -> bool:
        """True when regions must follow the Hess order."""
        return self.contiguity == "hess"

    @property
    def unrestricted(self) -> bool:
        """True when every connected region that meets the rules is a region of the model."""
        return self.radius_km is None and not self.hess

    @property
    def scope(self) -> str:
        """What an optimum under this restriction is optimal among, in words."""
        if self.unrestricted:
            return "all connected regions that meet the rules"
        shape = "joined to it through closer schools (Hess order)" if self.hess else "connected"
        if self.radius_km is None:
            return f"regions {shape.replace('it', 'their penvoerder', 1)}"
        return (
            f"regions whose schools lie within {self.radius_km:g} km of their penvoerder along "
            f"the school graph, {shape}"
        )

    @property
    def scope_nl(self) -> str:
        """``scope`` in Dutch, for reports."""
        if self.unrestricted:
            return "alle samenhangende regio's die aan de regels voldoen"
        shape = (
            "via scholen die dichter bij de penvoerder liggen (Hess-volgorde)"
            if self.hess
            else "samenhangend in het scholennetwerk"
        )
        if self.radius_km is None:
            return f"regio's {shape}"
        return (
            f"regio's waarvan elke school binnen {self.radius_km:g} km (over het scholennetwerk) "
            f"van de penvoerder ligt, {shape}"
        )


@dataclass(frozen=True)
class Candidates:
    """Which school may join which root, with the graph distances that order contiguity."""

    roots: np.ndarray
    """Viable root school ids, shape (r,)."""
    graph_km: np.ndarray
    """Shortest-path km from each viable root to every school (inf = not a candidate), (r, n)."""
    members: list[np.ndarray]
    """Per root (aligned with ``roots``): the school ids it may hold."""
    rejected_roots: dict[int, str]
    """Root candidates dropped because their reach cannot make a valid region, and why."""
    full_km: np.ndarray
    """Shortest-path km from each viable root to every school, no radius, (r, n)."""
    pred: np.ndarray
    """Shortest-path predecessors from each viable root, (r, n), -9999 at the root."""
    hess: bool = False
    """True when regions follow the Hess order of ``graph_km`` (else: any connected region)."""

    def row(self, root: int) -> int:
        """The row of a root school in the arrays."""
        return int(np.flatnonzero(self.roots == root)[0])

    def admitting(self, members: np.ndarray) -> np.ndarray:
        """The viable roots among ``members`` that may hold every one of them (any order of
        joining: the Hess order is not checked)."""
        rows = np.flatnonzero(np.isin(self.roots, members))
        holds_all = np.isfinite(self.graph_km[np.ix_(rows, members)]).all(axis=1)
        admitted: np.ndarray = self.roots[rows[holds_all]]
        return admitted

    def with_plan(self, labels: np.ndarray, roots: Sequence[int]) -> Candidates:
        """These candidates plus every (school, root) pair a plan uses, so it can be hinted."""
        graph_km = self.graph_km.copy()
        pos = {int(j): r for r, j in enumerate(self.roots)}
        for lab, j in enumerate(roots):
            r = pos[int(j)]
            for i in np.flatnonzero(labels == lab):
                node = int(i)
                while node >= 0 and not np.isfinite(graph_km[r, node]):
                    graph_km[r, node] = self.full_km[r, node]
                    node = int(self.pred[r, node])
        members = [np.flatnonzero(np.isfinite(row)) for row in graph_km]
        return replace(self, graph_km=graph_km, members=members)

    def restrict(self, ids: Sequence[int] | np.ndarray, n: int) -> Candidates:
        """These candidates on a subset of the schools (numbered as ``Problem.restrict``).

        The graph distances stay those of the whole problem, so a region of the subset is a
        region of the whole problem.
        """
        ids_arr = np.asarray(sorted(int(i) for i in ids), dtype=np.int64)
        local = np.full(n, -1, dtype=np.int64)
        local[ids_arr] = np.arange(len(ids_arr))
        rows = np.flatnonzero(local[self.roots] >= 0)
        graph_km = self.graph_km[rows][:, ids_arr]
        pred = self.pred[rows][:, ids_arr]
        pred = np.where(pred >= 0, local[np.clip(pred, 0, None)], -9999)
        pred = np.where(pred < 0, -9999, pred)
        return Candidates(
            roots=local[self.roots[rows]],
            graph_km=graph_km,
            members=[np.flatnonzero(np.isfinite(row)) for row in graph_km],
            rejected_roots={},
            full_km=self.full_km[rows][:, ids_arr],
            pred=pred,
            hess=self.hess,
        )


def candidates(problem: Problem, restriction: Restriction) -> Candidates:
    """Candidate (school, root) pairs: roots with technical pupils, within the radius.

    A school may join a root within ``radius_km`` along the graph, and always its
    ``min_roots`` nearest roots (so remote schools, e.g. on an island, keep a choice). Every
    shortest path from a root to one of its schools stays in the set, so the contiguity
    ordering always has a closer neighbour to offer. A root whose schools cannot add up to a
    valid region (the region rules, judged on everything within reach) is dropped.
    """
    leaders = np.flatnonzero(problem.can_lead)
    if len(leaders) == 0:
        empty = np.zeros((0, problem.n))
        return Candidates(leaders, empty, [], {}, empty, empty.astype(np.int64), restriction.hess)
    gd, pred = dijkstra(
        problem.graph_lengths, directed=False, indices=leaders, return_predecessors=True
    )
    if restriction.radius_km is None:
        allowed = np.isfinite(gd)
    else:
        allowed = _within_radius(gd, pred, restriction.radius_km, restriction.min_roots)
    keep, rejected = [], {}
    for r, j in enumerate(leaders):
        why = _why_no_region(problem, np.flatnonzero(allowed[r]), int(j))
        if why:
            rejected[int(j)] = why
        else:
            keep.append(r)
    keep_arr = np.array(keep, dtype=np.int64)
    graph_km = np.where(allowed, gd, np.inf)[keep_arr] if keep else np.zeros((0, problem.n))
    roots = leaders[keep_arr] if keep else np.zeros(0, dtype=np.int64)
    members = [np.flatnonzero(np.isfinite(row)) for row in graph_km]
    full_km = gd[keep_arr] if keep else np.zeros((0, problem.n))
    preds = pred[keep_arr] if keep else np.zeros((0, problem.n), dtype=np.int64)
    return Candidates(roots, graph_km, members, rejected, full_km, preds, restriction.hess)


def _within_radius(
    gd: np.ndarray, pred: np.ndarray, radius_km: float, min_roots: int
) -> np.ndarray:
    """Pairs within the radius and each school's nearest roots, closed under shortest paths."""
    allowed = gd <= radius_km
    k = min(min_roots, gd.shape[0])
    nearest = np.argsort(gd, axis=0, kind="stable")[:k]  # (k, n) root rows per school
    for col in range(gd.shape[1]):
        for row in nearest[:, col]:
            if np.isfinite(gd[row, col]):
                allowed[row, col] = True
    # Close the sets under shortest-path predecessors.
    for row in range(gd.shape[0]):
        for school in np.flatnonzero(allowed[row]).tolist():
            node = int(pred[row, school])
            while node >= 0 and not allowed[row, node]:
                allowed[row, node] = True
                node = int(pred[row, node])
    return np.asarray(allowed)


def _why_no_region(problem: Problem, ball: np.ndarray, root: int) -> str:
    """Why the schools within a root's reach cannot make a valid region ('' when they can)."""
    rules = problem.rules
    within = totals(problem.facts, ball)
    reasons = {
        "size": f"only {within.technical} technical pupils within reach",
        "min_vmbo": "too few vmbo schools within reach",
        "mbo": "no mbo within reach",
    }
    why = [reasons[r] for r in rules.short_of(within) if r in reasons]
    if rules.too_big(int(problem.technical[root])):
        why.append("the school alone exceeds the maximum size")
    return "; ".join(why)


__all__ = ["Candidates", "Contiguity", "Restriction", "candidates"]
