"""``repair``: the fewest further moves, in a scope that widens until a valid plan exists."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from regionopt import dutch
from regionopt.check import Violation, check, is_valid
from regionopt.config import RulesConfig
from regionopt.dutch import rule_labels
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules
from regionopt.plan import Plan
from regionopt.repair.model import MODELLED_RULES, ScopeModel
from regionopt.repair.result import Move, Note, RepairResult, RepairStatus
from regionopt.repair.scope import region_adjacency, scope_regions, together_partner_regions


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
    rules = rules or RulesConfig()
    targets = sorted(set(regions))
    idx = instance.index
    search = _Search(
        instance,
        graph,
        plan,
        rules,
        assign_ids={idx[c]: r for c, r in plan.assignment.items() if c in idx},
        fixed_ids={idx[c]: plan.assignment[c] for c in fixed if c in idx and c in plan.assignment},
        initial=tuple(check(instance, graph, plan, rules, regions=targets)),
        allow_dissolve=allow_dissolve,
        start=start,
        time_limit_s=time_limit_s,
        workers=workers,
    )
    early = search.needless_or_hopeless(targets)
    return early if early is not None else search.widening(targets, min_level, max_level)


@dataclass
class _Search:
    """One repair: the plan, its rules and the clock, and the solves and cuts spent so far."""

    instance: Instance
    graph: nx.Graph
    plan: Plan
    rules: RulesConfig
    assign_ids: dict[int, str]
    """School id -> its region in the plan."""
    fixed_ids: dict[int, str]
    """School id -> the region it must stay in (the user's changes)."""
    initial: tuple[Violation, ...]
    """The checker on the regions to repair, before the repair."""
    allow_dissolve: bool
    start: float
    time_limit_s: float
    workers: int
    solves: int = 0
    cuts: int = 0

    @property
    def deadline(self) -> float:
        """When every solve must have ended (``time.perf_counter`` seconds)."""
        return self.start + self.time_limit_s

    def members(self, scope: Iterable[str]) -> dict[str, list[int]]:
        """Region -> its school ids, for the regions of ``scope``."""
        return {r: sorted(i for i, q in self.assign_ids.items() if q == r) for r in scope}

    def model(self, scope: list[str], **options: Any) -> ScopeModel:
        """The CP-SAT model of ``scope`` (``options``: ``allow_dissolve``, ``drop_rule``)."""
        options.setdefault("allow_dissolve", self.allow_dissolve)
        return ScopeModel(
            self.instance, self.graph, self.members(scope), self.fixed_ids, self.rules, **options
        )

    def result(self, status: RepairStatus, scope: list[str], **fields: Any) -> RepairResult:
        """A result with the plan, the initial verdict, the time and the solves so far, unless
        ``fields`` say otherwise."""
        fields.setdefault("plan", self.plan)
        fields.setdefault("violations", self.initial)
        return RepairResult(
            status=status,
            scope_regions=tuple(scope),
            wall_time_s=time.perf_counter() - self.start,
            solves=self.solves,
            cuts=self.cuts,
            **fields,
        )

    def needless_or_hopeless(self, targets: list[str]) -> RepairResult | None:
        """``not_needed`` when no target breaks a rule; ``none_found`` when a broken rule is
        one that moving schools cannot fix; else ``None`` (search)."""
        broken = [v for v in self.initial if v.severity == "broken" and v.region_id in targets]
        if not broken:
            return self.result("not_needed", targets)
        unmodelled = [v for v in broken if v.rule not in MODELLED_RULES]
        if not unmodelled:
            return None
        return self.result(
            "none_found",
            targets,
            explanation=tuple(
                Note(
                    f"moving schools cannot fix rule {v.rule!r}: {v.message}",
                    f"scholen verplaatsen kan de regel '{self.label(v.rule)}' niet herstellen: "
                    f"{v.message_nl or v.message}",
                )
                for v in unmodelled
            ),
        )

    def timed_out(self, scope: list[str], schools: int) -> Note:
        """No answer in time: that is all it says, and what may give one."""
        more = "more time (--time-limit) may find one"
        meer = "meer tijd kan er een vinden"
        if not self.allow_dissolve:
            more += ", or allowing a region to be dissolved (--allow-dissolve)"
            meer = "met 'regio opheffen toestaan' kan er een zijn"
        return Note(
            f"no answer within the time limit of {self.time_limit_s:g} s (scope of "
            f"{len(scope)} regions, {schools} schools): whether a repair exists there is not "
            f"known; {more}",
            f"geen antwoord binnen de tijdslimiet van {dutch.number(self.time_limit_s)} s "
            f"({len(scope)} regio's, {schools} scholen): of er een reparatie bestaat, is niet "
            f"bekend; {meer}",
        )

    def widening(self, targets: list[str], min_level: int, max_level: int) -> RepairResult:
        """Solve the scope of each level, smallest first, until a plan exists or time is up."""
        adjacency = region_adjacency(self.graph, self.assign_ids)
        partners = together_partner_regions(self.instance, self.rules, self.assign_ids)
        last_scope: list[str] = targets
        level_used = min_level
        for level in range(min_level, max_level + 1):
            scope = scope_regions(adjacency, targets, level)
            scope = sorted(set(scope) | {q for r in scope for q in partners.get(r, ())})
            if level > min_level and scope == last_scope:
                continue  # the neighbourhood stopped growing
            last_scope, level_used = scope, level
            model = self.model(scope)
            status, sol, proved, n = model.solve(self.deadline, self.workers)
            self.solves, self.cuts = self.solves + n, self.cuts + model.cuts
            if status == "infeasible":
                continue
            if sol is None:
                return self.result(
                    "none_found",
                    scope,
                    level=level,
                    explanation=(self.timed_out(scope, len(model.schools)),),
                )
            return self.from_solution(model, sol, proved, scope, level)
        return self.result(
            "none_found",
            last_scope,
            level=level_used,
            optimal=True,
            explanation=tuple(self.explain_infeasible(last_scope)),
        )

    def from_solution(
        self,
        model: ScopeModel,
        sol: Mapping[int, str],
        proved: bool,
        scope: list[str],
        level: int,
    ) -> RepairResult:
        """The repaired plan of a solution, judged by the checker."""
        codes = self.instance.schools
        changes = {codes[i].code: r for i, r in sol.items() if model.current[i] != r}
        moves = tuple(
            Move(codes[i].code, model.current[i], r)
            for i, r in sorted(sol.items())
            if model.current[i] != r
        )
        repaired = self.plan.with_assignment(changes, name=f"{self.plan.name} (repaired)")
        used = set(sol.values())
        # Only regions the repair emptied; a region the requested changes emptied is not its doing.
        dissolved = tuple(r for r in scope if r not in used and model.members[r])
        verdict = check(
            self.instance, self.graph, repaired, self.rules, regions=[r for r in scope if r in used]
        )
        notes = (
            []
            if proved
            else [
                Note(
                    "the minimum was not proved within the time limit",
                    "dat dit het minimum is, is binnen de tijdslimiet niet bewezen",
                )
            ]
        )
        if not is_valid(verdict):
            notes.append(
                Note(
                    "the checker still finds broken rules", "de controle vindt nog gebroken regels"
                )
            )
        return self.result(
            "repaired" if is_valid(verdict) else "none_found",
            scope,
            plan=repaired,
            moves=moves,
            optimal=proved,
            level=level,
            dissolved=dissolved,
            explanation=tuple(notes),
            violations=tuple(verdict),
        )

    def label(self, rule: str) -> str:
        """A rule's Dutch label with this repair's thresholds."""
        return rule_labels(RegionRules.from_config(self.rules)).get(rule, rule)

    def explain_infeasible(self, scope: list[str]) -> list[Note]:
        """Say which single rule, when dropped, would let the scope be repaired."""
        members = self.members(scope)
        n_schools = sum(len(v) for v in members.values())
        lines = [
            Note(
                f"no valid plan exists by moving schools among the {len(scope)} regions around "
                f"the change ({n_schools} schools, with the requested changes kept)",
                f"geen geldig plan door scholen te verplaatsen tussen de {len(scope)} regio's "
                f"rond de wijziging ({n_schools} scholen, de gevraagde wijzigingen blijven)",
            )
        ]
        if not self.allow_dissolve and time.perf_counter() < self.deadline:
            dissolving = self._dissolving_helps(scope, members)
            if dissolving is not None:
                return [*lines, dissolving]
        culprits: list[str] = []
        for rule in MODELLED_RULES:
            if time.perf_counter() >= self.deadline:
                lines.append(
                    Note(
                        "(time limit reached before every rule was tried)",
                        "(tijdslimiet bereikt voordat elke regel geprobeerd is)",
                    )
                )
                break
            model = self.model(scope, drop_rule=rule)
            _, sol, _, _ = model.solve(self.deadline, workers=1)
            if sol is not None:
                moved = sum(1 for i, r in sol.items() if model.current[i] != r)
                culprits.append(rule)
                lines.append(
                    Note(
                        f"without rule {rule!r} a plan would exist ({moved} move(s)): that rule "
                        "cannot be met here",
                        f"zonder de regel '{self.label(rule)}' zou er een plan zijn ({moved} "
                        "verplaatsing(en)): aan die regel valt hier niet te voldoen",
                    )
                )
        if not culprits:
            lines.append(
                Note(
                    "no single rule is to blame: several rules conflict together",
                    "niet één regel is de oorzaak: meerdere regels botsen samen",
                )
            )
        if self.fixed_ids:
            lines.append(
                Note(
                    "the requested changes are kept fixed; a different change may leave a valid "
                    "plan",
                    "de gevraagde wijzigingen liggen vast; een andere wijziging kan wel een geldig "
                    "plan opleveren",
                )
            )
        return lines

    def _dissolving_helps(self, scope: list[str], members: Mapping[str, list[int]]) -> Note | None:
        """The regions whose dissolving would allow a plan, said; ``None`` when none would."""
        model = self.model(scope, allow_dissolve=True)
        _, sol, _, _ = model.solve(self.deadline, workers=1)
        if sol is None:
            return None
        moved = sum(1 for i, r in sol.items() if model.current[i] != r)
        gone = sorted(set(model.regions) - set(sol.values()) - {r for r in scope if not members[r]})
        return Note(
            f"dissolving {', '.join(gone)} would allow a plan ({moved} move(s)); "
            "regions may be dissolved only when allowed (--allow-dissolve)",
            f"opheffen van {', '.join(gone)} zou een plan mogelijk maken ({moved} "
            "verplaatsing(en)); een regio wordt alleen opgeheven als dat is toegestaan",
        )
