"""Smallest repair of a plan: the fewest further school moves that make broken regions valid.

Used by ``whatif --repair``. Pure: CP-SAT (OR-Tools) on the instance's numbers and the school
graph; never imports geopandas.

Model
-----
Scope: the regions to repair plus every region within ``level`` steps of them in the region
adjacency graph (two regions are adjacent when an edge of the school graph joins them), plus the
regions of schools that must stay ``together`` with a school in scope. Schools of those regions
are free, schools elsewhere stay where they are, and schools the user changed are fixed.

Variables ``x[i, r]``: school ``i`` ends in scope region ``r``, for the regions that have a
school within ``MOVE_REACH_STEPS`` links of ``i`` in the school graph (a school moves next door,
or follows a neighbour that moves; the minimum is over such moves). Every school in exactly one
region; no region may end empty unless ``allow_dissolve`` (then it is dissolved and reported).
Each non-empty region must meet the rules the checker judges: at least ``min_vmbo`` vmbo
vestigingen, a member with technical pupils (penvoerder), an mbo within reach, technical pupils
within [min, max], close schools together, and contiguity. Contiguity is added lazily (cut
generation): solve, find a region whose members fall apart in the school graph, add the
vertex-separator cut
``x[a, r] + x[b, r] - 1 <= sum(x[k, r] for k on the boundary of a's part)`` and solve again.
Each cut only removes disconnected plans, so the final optimum is the true optimum of the scope.

Objective: minimise the number of moved schools; ties are broken by the distance from each moved
school to its new region (km, capped), so a move to a near region is preferred.

The minimum is over moves inside the scope: when no valid plan exists there, the scope grows by
one level (up to ``max_level``). When none exists at the widest scope, the rules are dropped one
at a time to say which one cannot be met.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
from ortools.sat.python import cp_model

from regionopt.check import Violation, check, is_valid
from regionopt.config import RulesConfig
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules, SchoolFacts, add_region_rules
from regionopt.plan import Plan

RepairStatus = Literal["not_needed", "repaired", "none_found"]
MODELLED_RULES = ("min_vmbo", "penvoerder", "mbo", "size", "contiguity", "together")
DISTANCE_CAP_KM = 100
"""Tie-break cost per moved school is its distance to the new region, capped at this many km."""
MOVE_REACH_STEPS = 2
"""A school may move only to a region that has a school within this many links of it in the
school graph (before the repair). Two links allow chains (a school follows a neighbour that
moves) and keep the far interior of large regions out of the model."""


@dataclass(frozen=True)
class Move:
    """One school moved by the repair."""

    code: str
    from_region: str
    to_region: str


@dataclass(frozen=True)
class RepairResult:
    """What ``repair`` found.

    Attributes
    ----------
    status : {"not_needed", "repaired", "none_found"}
    plan : Plan
        The repaired plan (the input plan when nothing was needed or found).
    moves : tuple of Move
        The further moves, fewest possible within the scope.
    optimal : bool
        True when CP-SAT proved the number of moves minimal within the scope.
    scope_regions : tuple of str
        The regions whose schools could move.
    level : int
        Neighbourhood level of the scope that gave the answer.
    dissolved : tuple of str
        Regions the repair emptied.
    explanation : tuple of str
        Why no repair exists (status ``none_found``), or notes.
    violations : tuple of Violation
        The checker's verdict on the scope regions of the returned plan.
    """

    status: RepairStatus
    plan: Plan
    moves: tuple[Move, ...] = ()
    optimal: bool = False
    scope_regions: tuple[str, ...] = ()
    level: int = 0
    dissolved: tuple[str, ...] = ()
    explanation: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()
    wall_time_s: float = 0.0
    solves: int = 0
    cuts: int = 0
    stats: Mapping[str, float] = field(default_factory=dict)

    def headline(self) -> str:
        """One sentence: how many further moves, proved minimal or not, where, how long."""
        proof = "proved minimal" if self.optimal else "not proved minimal"
        return (
            f"{len(self.moves)} further move(s) make the plan valid again ({proof} among "
            f"{len(self.scope_regions)} regions around the change, neighbourhood level "
            f"{self.level}; {self.wall_time_s:.2f} s)"
        )


def region_adjacency(graph: nx.Graph, assignment: Mapping[int, str]) -> nx.Graph:
    """Regions as nodes, linked when a school-graph edge joins two of their members."""
    adj = nx.Graph()
    adj.add_nodes_from(set(assignment.values()))
    for a, b in graph.edges():
        ra, rb = assignment.get(a), assignment.get(b)
        if ra is not None and rb is not None and ra != rb:
            adj.add_edge(ra, rb)
    return adj


def scope_regions(
    adjacency: nx.Graph, targets: Iterable[str], level: int, extra: Iterable[str] = ()
) -> list[str]:
    """Target regions plus all regions within ``level`` steps in the region adjacency graph."""
    found = set(extra)
    for t in targets:
        if t in adjacency:
            found |= set(nx.single_source_shortest_path_length(adjacency, t, cutoff=level))
        else:
            found.add(t)
    return sorted(found)


class _ScopeModel:
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
                self.x[i, r] = self.model.NewBoolVar(f"x_{i}_{r}")
            self.model.AddExactlyOne(self.x[i, r] for r in allowed)
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
            used = m.NewBoolVar(f"used_{r}")
            m.AddMaxEquality(used, col)
            if not allow_dissolve and self.members[r]:
                m.Add(used == 1)
            add_region_rules(m, self.rules, facts, members, col, used, skip=skip)

    def _add_links(self) -> None:
        """Close schools stay together; a member has a graph neighbour in its region."""
        m, rules, in_scope = self.model, self.rules, set(self.schools)
        if rules.together_strict and self.drop_rule != "together":
            for a, b in rules.close_pairs(self.instance.xy).tolist():
                if a in in_scope and b in in_scope:
                    for r in self.regions:
                        xa, xb = self.x.get((a, r)), self.x.get((b, r))
                        m.Add((xa if xa is not None else 0) == (xb if xb is not None else 0))
        # Necessary for contiguity when every non-empty region has 2+ members: a member has a
        # graph neighbour in its own region. Prunes scattered plans before any cut is needed.
        if self.connected and rules.two_or_more_members and self.drop_rule != "min_vmbo":
            for (i, r), var in self.x.items():
                m.Add(var <= sum(self._col(r, self.graph.neighbors(i))))

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
        self.model.Minimize(sum(terms))
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
                self.model.ClearHints()
                for (i, r), var in self.x.items():
                    self.model.AddHint(var, 1 if last[i] == r else 0)
            status = solver.Solve(self.model)
            solves += 1
            if status == cp_model.INFEASIBLE:
                return "infeasible", None, True, solves
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return "unknown", None, False, solves
            sol = {i: r for (i, r), var in self.x.items() if solver.Value(var)}
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
                    self.model.Add(self.x[a, r] + self.x[anchor, r] - 1 <= sum(rhs))
                    self.cuts += 1
                # Symmetric cut, anchored in the stray part, for the main part's members.
                b = min(part)
                boundary_main = {k for a in parts[0] for k in self.graph.neighbors(a)} - parts[0]
                rhs_main = self._col(r, sorted(boundary_main & in_scope))
                self.model.Add(self.x[anchor, r] + self.x[b, r] - 1 <= sum(rhs_main))
                self.cuts += 1
                added = True
        return added


def _broken_in(violations: Iterable[Violation], regions: set[str]) -> list[Violation]:
    return [v for v in violations if v.severity == "broken" and v.region_id in regions]


def repair(
    instance: Instance,
    graph: nx.Graph,
    plan: Plan,
    rules: RulesConfig | None = None,
    *,
    regions: Iterable[str],
    fixed: Iterable[str] = (),
    min_level: int = 1,
    max_level: int = 3,
    allow_dissolve: bool = False,
    time_limit_s: float = 1.5,
    workers: int = 1,
) -> RepairResult:
    """Find the fewest further moves that make ``regions`` (and their scope) valid.

    Parameters
    ----------
    instance : Instance
    graph : networkx.Graph
        The school graph (contiguity and region adjacency).
    plan : Plan
        The plan to repair (e.g. after a what-if's changes).
    rules : RulesConfig, optional
    regions : iterable of str
        The regions that must become valid (the what-if's affected regions).
    fixed : iterable of str
        Vestiging codes that must stay where ``plan`` puts them (the user's changes).
    min_level, max_level : int
        Neighbourhood levels tried, smallest first (level 1: the regions adjacent to ``regions``).
    allow_dissolve : bool
        Whether a region may be emptied by moving all its schools to neighbours (off by
        default: a repair keeps the number of regions; a region the changes themselves
        emptied stays empty either way).
    time_limit_s : float
        Wall-clock budget for all solves.
    workers : int
        CP-SAT workers (1 is deterministic).

    Returns
    -------
    RepairResult
        ``status == "repaired"`` with the moves and a plan whose scope regions pass the checker,
        ``"not_needed"`` when the regions are valid already, or ``"none_found"`` with reasons.
    """
    start = time.perf_counter()
    deadline = start + time_limit_s
    rules = rules or RulesConfig()
    targets = sorted(set(regions))
    idx = instance.index
    assign_ids = {idx[c]: r for c, r in plan.assignment.items() if c in idx}
    fixed_ids = {idx[c]: plan.assignment[c] for c in fixed if c in idx and c in plan.assignment}

    initial = check(instance, graph, plan, rules, regions=targets)
    if not _broken_in(initial, set(targets)):
        return RepairResult(
            status="not_needed",
            plan=plan,
            scope_regions=tuple(targets),
            violations=tuple(initial),
            wall_time_s=time.perf_counter() - start,
        )
    unmodelled = [v for v in _broken_in(initial, set(targets)) if v.rule not in MODELLED_RULES]
    if unmodelled:
        return RepairResult(
            status="none_found",
            plan=plan,
            scope_regions=tuple(targets),
            explanation=tuple(
                f"moving schools cannot fix rule {v.rule!r}: {v.message}" for v in unmodelled
            ),
            violations=tuple(initial),
            wall_time_s=time.perf_counter() - start,
        )

    adjacency = region_adjacency(graph, assign_ids)
    partners = _together_partner_regions(instance, rules, assign_ids)
    solves = cuts = 0
    last_scope: list[str] = targets
    level_used = min_level
    for level in range(min_level, max_level + 1):
        scope = scope_regions(adjacency, targets, level)
        scope = sorted(set(scope) | {q for r in scope for q in partners.get(r, ())})
        if level > min_level and scope == last_scope:
            continue  # the neighbourhood stopped growing
        last_scope, level_used = scope, level
        members = {r: sorted(i for i, q in assign_ids.items() if q == r) for r in scope}
        model = _ScopeModel(
            instance, graph, members, fixed_ids, rules, allow_dissolve=allow_dissolve
        )
        status, sol, proved, n = model.solve(deadline, workers)
        solves, cuts = solves + n, cuts + model.cuts
        if status == "infeasible":
            continue
        if sol is None:
            return RepairResult(
                status="none_found",
                plan=plan,
                scope_regions=tuple(scope),
                level=level,
                explanation=(
                    f"no answer within the time limit of {time_limit_s:g} s "
                    f"(scope of {len(scope)} regions, {len(model.schools)} schools)",
                ),
                violations=tuple(initial),
                wall_time_s=time.perf_counter() - start,
                solves=solves,
                cuts=cuts,
            )
        return _result_from_solution(
            instance, graph, plan, rules, model, sol, proved, scope, level, start, solves, cuts
        )

    explanation = _explain_infeasible(
        instance, graph, rules, assign_ids, last_scope, fixed_ids, allow_dissolve, deadline
    )
    return RepairResult(
        status="none_found",
        plan=plan,
        scope_regions=tuple(last_scope),
        level=level_used,
        optimal=True,
        explanation=tuple(explanation),
        violations=tuple(initial),
        wall_time_s=time.perf_counter() - start,
        solves=solves,
        cuts=cuts,
    )


def _together_partner_regions(
    instance: Instance, rules: RulesConfig, assign_ids: Mapping[int, str]
) -> dict[str, set[str]]:
    """Region -> other regions holding a school that must stay with one of its schools."""
    out: dict[str, set[str]] = {}
    region_rules = RegionRules.from_config(rules)
    if not region_rules.together_strict:
        return out
    for a, b in region_rules.close_pairs(instance.xy).tolist():
        ra, rb = assign_ids.get(a), assign_ids.get(b)
        if ra is not None and rb is not None and ra != rb:
            out.setdefault(ra, set()).add(rb)
            out.setdefault(rb, set()).add(ra)
    return out


def _result_from_solution(
    instance: Instance,
    graph: nx.Graph,
    plan: Plan,
    rules: RulesConfig,
    model: _ScopeModel,
    sol: Mapping[int, str],
    proved: bool,
    scope: list[str],
    level: int,
    start: float,
    solves: int,
    cuts: int,
) -> RepairResult:
    codes = instance.schools
    changes = {codes[i].code: r for i, r in sol.items() if model.current[i] != r}
    moves = tuple(
        Move(codes[i].code, model.current[i], r)
        for i, r in sorted(sol.items())
        if model.current[i] != r
    )
    repaired = plan.with_assignment(changes, name=f"{plan.name} (repaired)")
    used = set(sol.values())
    # Only regions the repair emptied; a region the requested changes emptied is not its doing.
    dissolved = tuple(r for r in scope if r not in used and model.members[r])
    verdict = check(instance, graph, repaired, rules, regions=[r for r in scope if r in used])
    notes = [] if proved else ["the minimum was not proved within the time limit"]
    return RepairResult(
        status="repaired" if is_valid(verdict) else "none_found",
        plan=repaired,
        moves=moves,
        optimal=proved,
        scope_regions=tuple(scope),
        level=level,
        dissolved=dissolved,
        explanation=tuple(notes)
        + (() if is_valid(verdict) else ("the checker still finds broken rules",)),
        violations=tuple(verdict),
        wall_time_s=time.perf_counter() - start,
        solves=solves,
        cuts=cuts,
    )


def _explain_infeasible(
    instance: Instance,
    graph: nx.Graph,
    rules: RulesConfig,
    assign_ids: Mapping[int, str],
    scope: list[str],
    fixed: Mapping[int, str],
    allow_dissolve: bool,
    deadline: float,
) -> list[str]:
    """Say which single rule, when dropped, would let the scope be repaired."""
    members = {r: sorted(i for i, q in assign_ids.items() if q == r) for r in scope}
    n_schools = sum(len(v) for v in members.values())
    lines = [
        f"no valid plan exists by moving schools among the {len(scope)} regions around the "
        f"change ({n_schools} schools, with the requested changes kept)"
    ]
    if not allow_dissolve and time.perf_counter() < deadline:
        model = _ScopeModel(instance, graph, members, fixed, rules, allow_dissolve=True)
        _, sol, _, _ = model.solve(deadline, workers=1)
        if sol is not None:
            moved = sum(1 for i, r in sol.items() if model.current[i] != r)
            gone = sorted(
                set(model.regions) - set(sol.values()) - {r for r in scope if not members[r]}
            )
            lines.append(
                f"dissolving {', '.join(gone)} would allow a plan ({moved} move(s)); "
                "regions may be dissolved only when allowed (--allow-dissolve)"
            )
            return lines
    culprits: list[str] = []
    for rule in MODELLED_RULES:
        if time.perf_counter() >= deadline:
            lines.append("(time limit reached before every rule was tried)")
            break
        model = _ScopeModel(
            instance, graph, members, fixed, rules, allow_dissolve=allow_dissolve, drop_rule=rule
        )
        _, sol, _, _ = model.solve(deadline, workers=1)
        if sol is not None:
            moved = sum(1 for i, r in sol.items() if model.current[i] != r)
            culprits.append(rule)
            lines.append(
                f"without rule {rule!r} a plan would exist ({moved} move(s)): that rule cannot "
                "be met here"
            )
    if not culprits:
        lines.append("no single rule is to blame: several rules conflict together")
    if fixed:
        lines.append(
            "the requested changes are kept fixed; a different change may leave a valid plan"
        )
    return lines
