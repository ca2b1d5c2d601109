"""Judge a what-if: the checker before and after, figures, penvoerder, money, the repair."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from regionopt import dutch
from regionopt.budget import Budget, budget, budget_changes
from regionopt.check import Violation, check, regions_concerned
from regionopt.compare import region_figures
from regionopt.config import Config, RulesConfig
from regionopt.evaluate import penvoerder_candidate
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules
from regionopt.names import region_names
from regionopt.plan import Plan
from regionopt.repair import RepairResult, repair
from regionopt.whatif.changes import Change, apply_changes, resolve_regions
from regionopt.whatif.result import (
    DISSOLVED,
    NO_PENVOERDER,
    RULE_NAMES,
    Penvoerder,
    RegionReport,
    RuleStatus,
    WhatIfResult,
)

_SEVERITY_ORDER = {"ok": 0, "warning": 1, "unknown": 2, "broken": 3, "dissolved": 4}


def whatif(
    instance: Instance,
    graph: nx.Graph,
    plan: Plan,
    changes: Sequence[Change],
    config: Config | None = None,
    *,
    do_repair: bool = False,
    allow_dissolve: bool = False,
    repair_time_limit_s: float = 1.5,
    max_level: int = 3,
) -> WhatIfResult:
    """Apply changes, judge the affected regions, compare money; optionally repair.

    Parameters
    ----------
    instance : Instance
    graph : networkx.Graph
        The school graph (contiguity).
    plan : Plan
        The plan the changes apply to.
    changes : sequence of Change
    config : Config, optional
        Rules and budget parameters (defaults when absent).
    do_repair : bool
        When a rule breaks, search the fewest further moves that make the plan valid again.
    allow_dissolve : bool
        Let the repair empty a region (the plan then has fewer regions); off by default.
    repair_time_limit_s : float
        Budget for the repair's solves.
    max_level : int
        Widest neighbourhood level the repair may escalate to.

    Returns
    -------
    WhatIfResult

    Raises
    ------
    InputError
        When a change is invalid (see ``apply_changes``); nothing is computed.
    """
    config = config or Config()
    names = region_names(instance, plan)
    changes = resolve_regions(changes, plan, names)
    after = apply_changes(plan, changes, instance)
    affected = sorted(
        {plan.assignment[c.code] for c in changes if c.code in plan.assignment}
        | {c.region_id for c in changes if c.region_id is not None}
    )
    rep: RepairResult | None = None
    if do_repair:
        rep = repair(
            instance,
            graph,
            after,
            config.rules,
            regions=affected,
            fixed=[c.code for c in changes if c.kind != "leave"],
            time_limit_s=repair_time_limit_s,
            max_level=max_level,
            allow_dissolve=allow_dissolve,
        )
    return _judged(
        instance,
        graph,
        config,
        plan,
        after,
        changes,
        affected,
        rep,
        names=names,
        allow_dissolve=allow_dissolve,
    )


def _judged(
    instance: Instance,
    graph: nx.Graph,
    config: Config,
    plan: Plan,
    after: Plan,
    changes: Sequence[Change],
    affected: list[str],
    rep: RepairResult | None,
    *,
    names: Mapping[str, str],
    allow_dissolve: bool,
) -> WhatIfResult:
    """The checker, figures and money of every stage: before, after the changes, repaired."""
    rules = config.rules
    money_before = budget(instance, plan, config.budget)
    money_after = budget(instance, after, config.budget)
    money_rep, money_rep_rows = _repaired_money(instance, rep, money_before, affected, config)
    final = rep.plan if rep is not None and rep.status == "repaired" else after
    return WhatIfResult(
        changes=tuple(changes),
        before=plan,
        after=after,
        affected=tuple(affected),
        regions=_region_reports(
            instance, graph, rules, plan, after, rep, _shown(affected, rep), names
        ),
        violations_before=tuple(check(instance, graph, plan, rules, regions=affected)),
        violations_after=tuple(check(instance, graph, after, rules, regions=affected)),
        budget_before=money_before,
        budget_after=money_after,
        money=tuple(budget_changes(money_before, money_after, regions=affected)),
        repair=rep,
        budget_repaired=money_rep,
        money_repaired=money_rep_rows,
        opted_out=tuple(sorted(final.opted_out)),
        full_check=tuple(check(instance, graph, final, rules)),
        names=names,
        allow_dissolve=allow_dissolve,
        rule_labels=dutch.rule_labels(RegionRules.from_config(rules)),
    )


def _repaired_money(
    instance: Instance,
    rep: RepairResult | None,
    money_before: Budget,
    affected: Sequence[str],
    config: Config,
) -> tuple[Budget | None, tuple[dict[str, Any], ...]]:
    """The budget of the repaired plan and its changes, when a repair moved schools."""
    if rep is None or rep.status != "repaired" or not rep.moves:
        return None, ()
    money_rep = budget(instance, rep.plan, config.budget)
    rows = tuple(budget_changes(money_before, money_rep, regions=_shown(affected, rep)))
    return money_rep, rows


def _shown(affected: Sequence[str], rep: RepairResult | None) -> list[str]:
    """The affected regions plus every region a found repair moves a school from or to."""
    shown = set(affected)
    if rep is not None and rep.status == "repaired":
        shown |= {m.from_region for m in rep.moves} | {m.to_region for m in rep.moves}
    return sorted(shown)


def _region_reports(
    instance: Instance,
    graph: nx.Graph,
    rules: RulesConfig,
    plan: Plan,
    after: Plan,
    rep: RepairResult | None,
    shown: list[str],
    names: Mapping[str, str],
) -> tuple[RegionReport, ...]:
    """Rules, figures and penvoerder of each shown region before, after and repaired
    (regions that break a rule after the changes first, then by id)."""
    repaired = rep.plan if rep is not None and rep.status == "repaired" else None
    v_before = check(instance, graph, plan, rules, regions=shown)
    v_after = check(instance, graph, after, rules, regions=shown)
    v_rep = check(instance, graph, repaired, rules, regions=shown) if repaired else None
    figs_before = region_figures(instance, plan, shown)
    figs_after = region_figures(instance, after, shown)
    figs_rep = region_figures(instance, repaired, shown) if repaired else None
    labels = dutch.rule_labels(RegionRules.from_config(rules))
    reports = []
    for r in shown:
        statuses = []
        for rule in RULE_NAMES:
            found = [
                v
                for v in (*v_after, *(v_rep or ()))
                if v.rule == rule and r in regions_concerned(v, after) and v.severity != "ok"
            ]
            statuses.append(
                RuleStatus(
                    rule=rule,
                    before=_status(v_before, plan, r, rule),
                    after=_status(v_after, after, r, rule),
                    repaired=None if repaired is None else _status(v_rep or (), repaired, r, rule),
                    messages=tuple(dict.fromkeys(str(v) for v in found)),
                    messages_nl=tuple(dict.fromkeys(v.dutch(labels) for v in found)),
                )
            )
        reports.append(
            RegionReport(
                region_id=r,
                name=names.get(r, r),
                rules=tuple(statuses),
                before=figs_before[r],
                after=figs_after[r],
                repaired=figs_rep[r] if figs_rep else None,
                penvoerder_before=_penvoerder(instance, plan, r),
                penvoerder_after=_penvoerder(instance, after, r),
                penvoerder_repaired=_penvoerder(instance, repaired, r) if repaired else None,
            )
        )
    # The regions the changes break come first: they are what the reader must act on.
    return tuple(sorted(reports, key=lambda report: report.keeps_every_rule("after")))


def _status(violations: Iterable[Violation], plan: Plan, region: str, rule: str) -> str:
    if not plan.regions.get(region):
        return DISSOLVED
    worst = "ok"
    for v in violations:
        if (
            v.rule == rule
            and region in regions_concerned(v, plan)
            and _SEVERITY_ORDER[v.severity] > _SEVERITY_ORDER[worst]
        ):
            worst = v.severity
    return worst


def _penvoerder(instance: Instance, plan: Plan, region: str) -> Penvoerder:
    ids = [instance.index[c] for c in plan.regions.get(region, ()) if c in instance.index]
    best = penvoerder_candidate(instance, ids)
    if best is None:
        return NO_PENVOERDER
    school = instance.schools[best]
    return Penvoerder(school.code, school.name)
