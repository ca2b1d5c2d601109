"""The CP-SAT model of one scope: moves, the rules of each region, lazy contiguity cuts."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
from ortools.sat.python import cp_model

from regionopt.config import RulesConfig
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules, SchoolFacts, add_region_rules

MODELLED_RULES = ("min_vmbo", "penvoerder", "mbo", "size", "contiguity", "together")
DISTANCE_CAP_KM = 100
"""Tie-break cost per moved school is its distance to the new region, capped at this many km."""
MOVE_REACH_STEPS = 2
"""A school may move only to a region that has a school within this many links of it in the
school graph (before the repair). Two links allow chains (a school follows a neighbour that
moves) and keep the far interior of large regions out of the model."""


class ScopeModel:
    """The CP-SAT model of one scope, with lazy contiguity cuts."""

    def __init__(
        self,
        instance: Instance,
        graph: nx.Graph,
        members: Mapping[str, list[int]],
        fixed: Mapping[int, str],
        rules: RulesConfig,
        *,
        allow_dissolve: bool,
        drop_rule: str | None = None,
    ) -> None:
        self.instance, self.graph = instance, graph
        self.rules = RegionRules.from_config(rules)
        self.members = members
        self.regions = sorted(members)
        self.schools = sorted(i for ids in members.values() for i in ids)
        self.current = {i: r for r, ids in members.items() for i in ids}
        self.drop_rule = drop_rule
        self.connected = self.rules.connected and drop_rule != "contiguity"
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, str], cp_model.IntVar] = {}
        for i in self.schools:
            allowed = [fixed[i]] if i in fixed else self._domain(i)
            for r in allowed:
                self.x[i, r] = self.model.new_bool_var(f"x_{i}_{r}")
            self.model.add_exactly_one(self.x[i, r] for r in allowed)
        self._add_region_rules(allow_dissolve)
        self._add_links()
        self._set_objective([i for i in self.schools if i not in fixed])
        self.cuts = 0

    def _domain(self, i: int) -> list[str]:
        """Regions school ``i`` may end in: its own, and those of schools within
        ``MOVE_REACH_STEPS`` links of it in the school graph (in scope)."""
        near = nx.single_source_shortest_path_length(self.graph, i, cutoff=MOVE_REACH_STEPS)
        found = {self.current[j] for j in near if j in self.current}
        return sorted(found | {self.current[i]})

    def _col(self, r: str, schools: Iterable[int]) -> list[cp_model.IntVar]:
        return [self.x[i, r] for i in schools if (i, r) in self.x]

    def _add_region_rules(self, allow_dissolve: bool) -> None:
        """Per region: non-empty unless dissolving is allowed, and the rules of a region."""
        m = self.model
        facts = SchoolFacts.of(self.instance, self.rules)
        skip = [self.drop_rule] if self.drop_rule else []
        for r in self.regions:
            members = [i for i in self.schools if (i, r) in self.x]
            if not members:
                continue
            col = [self.x[i, r] for i in members]
            used = m.new_bool_var(f"used_{r}")
            m.add_max_equality(used, col)
            if not allow_dissolve and self.members[r]:
                m.add(used == 1)
            add_region_rules(m, self.rules, facts, members, col, used, skip=skip)

    def _add_links(self) -> None:
        """Close schools stay together; a member has a graph neighbour in its region."""
        m, rules, in_scope = self.model, self.rules, set(self.schools)
        if rules.together_strict and self.drop_rule != "together":
            for a, b in rules.close_pairs(self.instance.xy).tolist():
                if a in in_scope and b in in_scope:
                    for r in self.regions:
                        xa, xb = self.x.get((a, r)), self.x.get((b, r))
                        m.add((xa if xa is not None else 0) == (xb if xb is not None else 0))
        # Necessary for contiguity when every non-empty region has 2+ members: a member has a
        # graph neighbour in its own region. Prunes scattered plans before any cut is needed.
        if self.connected and rules.two_or_more_members and self.drop_rule != "min_vmbo":
            for (i, r), var in self.x.items():
                m.add(var <= sum(self._col(r, self.graph.neighbors(i))))

    def _set_objective(self, free: list[int]) -> None:
        """Moves first (weight ``big``), then the distance of each move (tie-break)."""
        big = DISTANCE_CAP_KM * max(1, len(free)) + 1
        xy = self.instance.xy
        terms = []
        for i in free:
            for r in self.regions:
                if self.current[i] == r or (i, r) not in self.x:
                    continue
                ids = self.members[r]
                km = float(np.min(np.hypot(*(xy[ids] - xy[i]).T))) / 1000.0 if ids else np.inf
                terms.append((big + min(DISTANCE_CAP_KM, round(km))) * self.x[i, r])
        self.model.minimize(sum(terms))
        self.big = big

    def solve(
        self, deadline: float, workers: int, max_solves: int = 200
    ) -> tuple[str, dict[int, str] | None, bool, int]:
        """Solve with lazy contiguity cuts until the plan is connected or time runs out.

        Returns
        -------
        status : "optimal", "feasible", "infeasible" or "unknown"
        solution : dict school id -> region, or None
        proved : bool (optimum proved for the final model)
        solves : int
        """
        solves = 0
        last: dict[int, str] | None = None
        while solves < max_solves:
            left = deadline - time.perf_counter()
            if left <= 0.01:
                return ("unknown" if last is None else "feasible"), None, False, solves
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = left
            solver.parameters.num_workers = workers
            solver.parameters.random_seed = 0
            # Leave Ctrl-C to Python (CP-SAT's handler would outlive the solve).
            solver.parameters.catch_sigint_signal = False
            if last is not None:
                self.model.clear_hints()  # type: ignore[no-untyped-call]
                for (i, r), var in self.x.items():
                    self.model.add_hint(var, 1 if last[i] == r else 0)
            status = solver.solve(self.model)
            solves += 1
            if status == cp_model.INFEASIBLE:
                return "infeasible", None, True, solves
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return "unknown", None, False, solves
            sol = {i: r for (i, r), var in self.x.items() if solver.value(var)}
            last = sol
            if not self.connected or not self._add_cuts(sol):
                return (
                    "optimal" if status == cp_model.OPTIMAL else "feasible",
                    sol,
                    status == cp_model.OPTIMAL,
                    solves,
                )
        return "unknown", None, False, solves

    def _add_cuts(self, sol: Mapping[int, str]) -> bool:
        """Add separator cuts for every disconnected region; True when any was added."""
        added = False
        by_region: dict[str, list[int]] = {}
        for i, r in sol.items():
            by_region.setdefault(r, []).append(i)
        in_scope = set(self.schools)
        for r, ids in by_region.items():
            parts = sorted(nx.connected_components(self.graph.subgraph(ids)), key=len, reverse=True)
            if len(parts) < 2:
                continue
            anchor = min(parts[0])
            for part in parts[1:]:
                boundary = {k for a in part for k in self.graph.neighbors(a)} - set(part)
                rhs = self._col(r, sorted(boundary & in_scope))
                for a in sorted(part):
                    self.model.add(self.x[a, r] + self.x[anchor, r] - 1 <= sum(rhs))
                    self.cuts += 1
                # Symmetric cut, anchored in the stray part, for the main part's members.
                b = min(part)
                boundary_main = {k for a in parts[0] for k in self.graph.neighbors(a)} - parts[0]
                rhs_main = self._col(r, sorted(boundary_main & in_scope))
                self.model.add(self.x[anchor, r] + self.x[b, r] - 1 <= sum(rhs_main))
                self.cuts += 1
                added = True
        return added
