"""The restricted master LP: cover every school once with lo..hi columns.

With a reference plan each reference region is matched to at most one column (a row per
reference region) and, with ``max_moves``, at least ``min_kept`` schools stay (one row); a
row per subset-row cut keeps at most one region on two or more of its schools. The LP is one
GLOP model that grows by each round's columns, so every solve starts from the last basis.
Box-step stabilisation keeps the cover duals within ``delta`` of a centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from regionopt.solve.cg.pricing_problem import Column, PricingProblem

STAND_IN_UNITS = 1e5
"""Objective units a stand-in region costs (far above any real region's cost: the national
plan costs about 800 a region)."""


class MasterLpError(RuntimeError):
    """GLOP did not solve the master LP (numerical trouble with duals far out)."""


@dataclass(frozen=True)
class MasterSolution:
    """One solve of the master."""

    value: float
    """LP value (scaled, without the constant)."""
    pi: np.ndarray
    """Duals: cover rows, then match rows (at most 0), the kept row (at least 0), then the
    subset-row cuts (at most 0)."""
    mu: float
    """Dual of the region-count row."""
    binding: bool
    """True when the box slack is in use (the LP is not yet the real master's)."""


class Master:
    """The restricted master LP and its columns."""

    def __init__(self, prob: PricingProblem) -> None:
        self.prob = prob
        self.cols: list[tuple[np.ndarray, int, int]] = []
        """(members, root, scaled cost) per column."""
        self.refs: list[int] = []
        """Per column, the reference region it is matched to (-1: none)."""
        self.kept: list[int] = []
        """Per column, its schools kept in that reference region."""
        self.hit: list[np.ndarray] = []
        """Per column, the subset-row cuts it hits (indices into ``prob.cuts``)."""
        self.seen: set[tuple[int, frozenset[int], int]] = set()
        self.support = np.zeros(0, dtype=np.int64)
        """Columns with a positive value in the last LP solution."""
        self.values = np.zeros(0)
        """Every column's value in the last LP solution."""
        lp = pywraplp.Solver.CreateSolver("GLOP")
        if lp is None:
            raise RuntimeError("OR-Tools has no GLOP linear solver")
        self.lp = lp
        n = prob.problem.n
        self.cover = [lp.RowConstraint(1.0, 1.0, "") for _ in range(n)]
        self.count = lp.RowConstraint(float(prob.lo), float(prob.hi), "")
        if prob.decisions:
            # A branch-and-price node may start with no column that keeps its decisions: a
            # costly stand-in region keeps the count row feasible until priced ones come in
            # (any duals give a valid bound).
            stand_in = lp.NumVar(0.0, lp.infinity(), "")
            self.count.SetCoefficient(stand_in, 1.0)
            lp.Objective().SetCoefficient(stand_in, STAND_IN_UNITS * prob.scale)
        self.once = [lp.RowConstraint(-lp.infinity(), 1.0, "") for _ in range(prob.n_ref)]
        self.keep = None
        if prob.min_kept is not None:
            self.keep = lp.RowConstraint(float(prob.min_kept), lp.infinity(), "")
            # A seed plan may move too many schools (a warm start ignores the cap): a costly
            # shortfall keeps the LP feasible until columns that keep enough come in. Its cost
            # caps the row's dual; any dual >= 0 gives a valid bound.
            short = lp.NumVar(0.0, lp.infinity(), "")
            self.keep.SetCoefficient(short, 1.0)
            lp.Objective().SetCoefficient(short, 10.0 * max(prob.move_cost, prob.scale))
        # Subset-row cuts: at most one region holds two or more of a cut's three schools.
        self.cut_rows = [lp.RowConstraint(-lp.infinity(), 1.0, "") for _ in prob.cuts]
        # Box-step stabilisation: an under-cover slack and an over-cover surplus per school.
        self.under = [lp.NumVar(0.0, lp.infinity(), "") for _ in self.cover]
        self.over = [lp.NumVar(0.0, lp.infinity(), "") for _ in self.cover]
        for row, under, over in zip(self.cover, self.under, self.over, strict=True):
            row.SetCoefficient(under, 1.0)
            row.SetCoefficient(over, -1.0)
        self.x: list[pywraplp.Variable] = []
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        self._index = _ColumnIndex()
        self.iterations = 0
        """Simplex iterations of the last solve."""

    def add(self, members: np.ndarray, root: int, ref: int = -1) -> bool:
        """Add a column (matched to reference region ``ref``); False when already there."""
        key = (int(root), frozenset(int(i) for i in members), int(ref))
        if key in self.seen:
            return False
        self.seen.add(key)
        ids = np.array(sorted(key[1]), dtype=np.int64)
        self.cols.append((ids, int(root), self.prob.cost(ids, root, ref)))
        self.refs.append(int(ref))
        self.kept.append(self.prob.objective.kept(ids, ref))
        self.hit.append(self.prob.cuts_hit(ids))
        return True

    def rebuilt(self, prob: PricingProblem) -> Master:
        """A master of ``prob`` (the same model with more cuts) holding this one's columns."""
        new = Master(prob)
        for (ids, root, cost), ref, kept in zip(self.cols, self.refs, self.kept, strict=True):
            new.seen.add((root, frozenset(ids.tolist()), ref))
            new.cols.append((ids, root, cost))
            new.refs.append(ref)
            new.kept.append(kept)
            new.hit.append(prob.cuts_hit(ids))
        return new

    def add_with_every_match(self, members: np.ndarray, root: int) -> None:
        """Add a region once per match it may have (none, or a reference region of a member)."""
        for ref in self.prob.objective.match_options(members):
            self.add(members, root, ref)

    def solution(self) -> list[tuple[Column, float]]:
        """The columns of the last LP solution with a positive value, and their values."""
        return [
            (Column(root, tuple(ids.tolist()), cost), float(self.values[c]))
            for c in self.support.tolist()
            for ids, root, cost in [self.cols[c]]
        ]

    def pool(self) -> list[Column]:
        """The columns as ``Column`` records."""
        return [Column(root, tuple(ids.tolist()), cost) for ids, root, cost in self.cols]

    def best_values(self, pi: np.ndarray) -> np.ndarray:
        """max pi(R) - c(R) (plus its match terms) over the master's columns of each root
        (-inf for none): lower bounds on the pricing values."""
        return self._index.best_values(self, pi)

    def solve(self, center: np.ndarray, delta: float) -> MasterSolution:
        """Solve with every cover dual kept within ``delta`` of ``center``.

        An under-cover slack of cost center + delta and an over-cover surplus of cost
        delta - center per school bound the duals (and keep the LP feasible); the bound of
        column generation stays valid for any duals.
        """
        self._add_new_columns()
        for under, over, c in zip(self.under, self.over, center.tolist(), strict=True):
            self.objective.SetCoefficient(under, c + delta)
            self.objective.SetCoefficient(over, delta - c)
        status = self.lp.Solve()
        self.iterations = int(self.lp.iterations())
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterLpError(f"master LP failed (GLOP status {status})")
        pi = np.array([row.dual_value() for row in self.cover], dtype=float)
        # A "<= 1" row of a minimisation has a dual <= 0 (clipped: float noise).
        match = np.array([min(row.dual_value(), 0.0) for row in self.once], dtype=float)
        # A ">=" row of a minimisation has a dual >= 0.
        kept = [max(self.keep.dual_value(), 0.0)] if self.keep is not None else []
        cuts = [min(row.dual_value(), 0.0) for row in self.cut_rows]
        slack = sum(var.solution_value() for var in [*self.under, *self.over])
        values = np.array([var.solution_value() for var in self.x], dtype=float)
        self.values = values
        self.support = np.flatnonzero(values > 1e-6)
        return MasterSolution(
            value=float(self.objective.Value()),
            pi=np.r_[pi, match, kept, cuts],
            mu=float(self.count.dual_value()),
            binding=slack > 1e-7,
        )

    def _add_new_columns(self) -> None:
        lp = self.lp
        start = len(self.x)
        for (ids, _, cost), ref, kept, hit in zip(
            self.cols[start:], self.refs[start:], self.kept[start:], self.hit[start:], strict=True
        ):
            var = lp.NumVar(0.0, lp.infinity(), "")
            for i in ids.tolist():
                self.cover[i].SetCoefficient(var, 1.0)
            self.count.SetCoefficient(var, 1.0)
            if ref >= 0:
                self.once[ref].SetCoefficient(var, 1.0)
            if self.keep is not None and kept:
                self.keep.SetCoefficient(var, float(kept))
            for c in hit.tolist():
                self.cut_rows[c].SetCoefficient(var, 1.0)
            self.objective.SetCoefficient(var, float(cost))
            self.x.append(var)


class _ColumnIndex:
    """The master's columns as flat arrays (member, column), grown lazily, for best values."""

    def __init__(self) -> None:
        self.indexed = 0
        self.members = np.zeros(0, dtype=np.int64)
        self.column = np.zeros(0, dtype=np.int64)
        self.root = np.zeros(0, dtype=np.int64)
        self.cost = np.zeros(0, dtype=float)
        self.ref = np.zeros(0, dtype=np.int64)
        self.hit_column = np.zeros(0, dtype=np.int64)
        self.hit_cut = np.zeros(0, dtype=np.int64)
        """(column, cut) pairs: the column hits the subset-row cut."""

    def _grow(self, master: Master) -> None:
        if self.indexed == len(master.cols):
            return
        index = {root.root: k for k, root in enumerate(master.prob.roots)}
        new = master.cols[self.indexed :]
        self.members = np.r_[self.members, *(ids for ids, _, _ in new)].astype(np.int64)
        self.column = np.r_[
            self.column, *(np.full(len(ids), self.indexed + c) for c, (ids, _, _) in enumerate(new))
        ].astype(np.int64)
        self.root = np.r_[self.root, [index.get(j, -1) for _, j, _ in new]].astype(np.int64)
        self.cost = np.r_[self.cost, [cost for _, _, cost in new]].astype(float)
        self.ref = np.r_[self.ref, master.refs[self.indexed :]].astype(np.int64)
        hit = master.hit[self.indexed :]
        self.hit_column = np.r_[
            self.hit_column, *(np.full(len(h), self.indexed + c) for c, h in enumerate(hit))
        ].astype(np.int64)
        self.hit_cut = np.r_[self.hit_cut, *hit].astype(np.int64)
        self.indexed = len(master.cols)

    def best_values(self, master: Master, pi: np.ndarray) -> np.ndarray:
        self._grow(master)
        prob = master.prob
        value = np.bincount(self.column, pi[self.members], minlength=self.indexed) - self.cost
        if prob.n_ref:
            matched = self.ref >= 0
            value[matched] += pi[prob.problem.n + self.ref[matched]]
        if prob.tau is not None:
            value += pi[prob.tau] * np.asarray(master.kept, dtype=float)
        if len(self.hit_cut):
            np.add.at(value, self.hit_column, pi[prob.cut_offset + self.hit_cut])
        best = np.full(len(prob.roots), -math.inf)
        known = self.root >= 0
        np.maximum.at(best, self.root[known], value[known])
        return best


__all__ = ["Master", "MasterLpError", "MasterSolution"]
