"""The one rule checker: judges any plan (proposed, actual or what-if), solver-independent.

Each rule of DESIGN.md section 2 is a plain callable ``rule(ctx) -> Iterable[Violation]``
(GerryChain style), so the list of rules is easy to read, test and extend. ``check`` runs all
of them and returns every violation, never just the first.

Severity:
    ``broken``   the plan breaks the rule;
    ``unknown``  the region is only partly documented, so the rule cannot be judged (a partial
                 region's size is a lower bound: too small is "unknown", not "broken");
    ``warning``  reported but not a hard rule (e.g. close schools split with
                 ``together_hard = false``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import networkx as nx

from regionopt import dutch
from regionopt.codes import code_problem, code_problem_nl
from regionopt.config import RulesConfig
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules, SchoolFacts, totals
from regionopt.plan import OPTED_OUT, Plan

Severity = Literal["broken", "unknown", "warning"]


@dataclass(frozen=True)
class Violation:
    """One rule a plan breaks (or cannot be judged on), with the region and schools involved.

    ``message`` is English (the CLI, JSON, report.md); ``message_nl`` says the same in Dutch
    (the HTML reports and the web app).
    """

    rule: str
    region_id: str
    codes: tuple[str, ...]
    message: str
    severity: Severity = "broken"
    message_nl: str = ""

    def __str__(self) -> str:
        where = f"region {self.region_id}: " if self.region_id else ""
        return f"[{self.severity}] {self.rule}: {where}{self.message}"

    def dutch(self, labels: Mapping[str, str] | None = None) -> str:
        """The finding in Dutch: ``[gebroken] Minstens 2 vmbo-scholen: regio R62: ...``.

        Parameters
        ----------
        labels : mapping, optional
            Rule -> Dutch label (``dutch.rule_labels`` of the rules that judged the plan).

        Returns
        -------
        str
            The English message stands in where a rule has no Dutch one.
        """
        label = (labels or {}).get(self.rule) or dutch.rule_labels().get(self.rule, self.rule)
        where = f"regio {self.region_id}: " if self.region_id else ""
        status = dutch.STATUS_LABELS.get(self.severity, self.severity)
        return f"[{status}] {label}: {where}{self.message_nl or self.message}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "region_id": self.region_id,
            "codes": list(self.codes),
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class CheckContext:
    """What every rule sees: the instance, the graph, the plan and the parameters."""

    instance: Instance
    graph: nx.Graph
    plan: Plan
    rules: RegionRules
    regions_to_check: frozenset[str] | None = None
    """Only judge these regions (what-if); ``None`` judges all."""
    opted_out: frozenset[str] = frozenset()
    """Schools that chose not to take part (rule 6): in no region, and rightly so."""

    @cached_property
    def members(self) -> dict[str, list[int]]:
        """Region id -> ids of its members that are participating schools."""
        idx = self.instance.index
        out = {
            r: [idx[c] for c in codes if c in idx]
            for r, codes in self.plan.regions.items()
            if self.regions_to_check is None or r in self.regions_to_check
        }
        return out

    @cached_property
    def facts(self) -> SchoolFacts:
        """What the region rules read of each school."""
        return SchoolFacts.of(self.instance, self.rules)

    def severity_if_short(self, region_id: str) -> Severity:
        """A shortfall in a partly documented region is unknown, not broken."""
        return "unknown" if region_id in self.plan.partial_regions else "broken"

    def codes(self, ids: Iterable[int]) -> tuple[str, ...]:
        """Vestiging codes of school ids."""
        return tuple(self.instance.schools[i].code for i in ids)


Rule = Callable[[CheckContext], Iterable[Violation]]


def rule_partition(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 1: every participating vestiging in exactly one region; no unknown codes."""
    plan, inst = ctx.plan, ctx.instance
    if ctx.regions_to_check is None:
        missing = [
            s.code
            for s in inst.schools
            if s.code not in plan.assignment and s.code not in ctx.opted_out
        ]
        if missing and plan.complete:
            yield Violation(
                "partition",
                "",
                tuple(missing),
                f"{len(missing)} participating vestiging(en) in no region: "
                + _listed(missing)
                + f" (put each in a region, or give it region_id '{OPTED_OUT}' when it takes "
                "no part)",
                message_nl=f"{len(missing)} deelnemende vestiging(en) in geen enkele regio: "
                + _listed(missing)
                + f" (zet elk in een regio, of geef region_id '{OPTED_OUT}' als ze niet "
                "meedoet)",
            )
        elif missing:
            yield Violation(
                "partition",
                "",
                tuple(missing),
                f"{len(missing)} participating vestigingen are in no documented region",
                "unknown",
                f"{len(missing)} deelnemende vestiging(en) in geen gedocumenteerde regio",
            )
    for code, regions in plan.duplicates.items():
        if ctx.regions_to_check is None or set(regions) & ctx.regions_to_check:
            yield Violation(
                "partition",
                regions[0],
                (code,),
                f"{code} is listed in {len(regions)} regions ({', '.join(regions)}); "
                "a school belongs to exactly one",
                message_nl=f"{code} staat in {len(regions)} regio's ({', '.join(regions)}); "
                "een school hoort in precies één",
            )
    for code, region in plan.assignment.items():
        if code in inst.index:
            continue
        if ctx.regions_to_check is not None and region not in ctx.regions_to_check:
            continue
        why = code_problem(inst, code, file="", where="")
        yield Violation(
            "partition",
            region,
            (code,),
            f"{code} is not a participating vestiging: {why}",
            "broken" if plan.complete else "warning",
            f"{code} is geen deelnemende vestiging: {code_problem_nl(inst, code)}",
        )


def rule_min_vmbo(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 2: at least ``min_vmbo`` vmbo vestigingen per region."""
    for region, ids in ctx.members.items():
        counted = totals(ctx.facts, ids)
        if "min_vmbo" in ctx.rules.broken(counted):
            yield Violation(
                "min_vmbo",
                region,
                ctx.codes(ids),
                f"{counted.vmbo} vmbo vestiging(en), at least "
                f"{ctx.rules.min_vmbo_schools} required",
                ctx.severity_if_short(region),
                f"{counted.vmbo} vmbo-vestiging(en), minstens {ctx.rules.min_vmbo_schools} nodig",
            )


def rule_penvoerder(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 3: a member with technical-profile pupils who can be penvoerder."""
    for region, ids in ctx.members.items():
        if "penvoerder" in ctx.rules.broken(totals(ctx.facts, ids)):
            yield Violation(
                "penvoerder",
                region,
                ctx.codes(ids),
                "no member has technical-profile pupils, so no school can be penvoerder",
                ctx.severity_if_short(region),
                "geen school met leerlingen in een technisch profiel, dus geen penvoerder",
            )


def rule_mbo(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 2: at least one mbo location within ``mbo_reach_km`` of a member school."""
    for region, ids in ctx.members.items():
        if "mbo" in ctx.rules.broken(totals(ctx.facts, ids)):
            yield Violation(
                "mbo",
                region,
                ctx.codes(ids),
                f"no mbo location within {ctx.rules.mbo_within_km:g} km of any member school",
                ctx.severity_if_short(region),
                f"geen mbo-locatie binnen {dutch.number(ctx.rules.mbo_within_km)} km van een "
                "school van de regio",
            )


def rule_size(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 5: technical-profile pupils leerjaar 3-4 within [min, max]."""
    lo, hi = ctx.rules.min_technical, ctx.rules.max_technical
    for region, ids in ctx.members.items():
        total = totals(ctx.facts, ids).technical
        if ctx.rules.size_ok(total):
            continue
        if not ctx.rules.too_big(total):
            yield Violation(
                "size",
                region,
                ctx.codes(ids),
                f"{total} technical-profile pupils lj 3-4, at least {lo} required",
                ctx.severity_if_short(region),
                f"{dutch.whole(total)} techniekleerlingen lj 3-4, minstens {dutch.whole(lo)} nodig",
            )
        if ctx.rules.too_big(total):
            # Even a lower bound above the maximum breaks the rule.
            yield Violation(
                "size",
                region,
                ctx.codes(ids),
                f"{total} technical-profile pupils lj 3-4, at most {hi} allowed",
                message_nl=f"{dutch.whole(total)} techniekleerlingen lj 3-4, hooguit "
                f"{dutch.whole(hi or 0)} toegestaan",
            )


def rule_contiguity(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 4: each region is connected in the school graph."""
    if not ctx.rules.connected:
        return
    for region, ids in ctx.members.items():
        if len(ids) < 2:
            continue
        parts = sorted(nx.connected_components(ctx.graph.subgraph(ids)), key=len, reverse=True)
        if len(parts) > 1:
            stray = ctx.codes(sorted(i for part in parts[1:] for i in part))
            yield Violation(
                "contiguity",
                region,
                stray,
                f"not connected: {len(parts)} separate parts; detached: " + _listed(stray, 8),
                # Undocumented members may be what joins a partial region up.
                ctx.severity_if_short(region),
                f"niet aaneengesloten: {len(parts)} losse delen; los liggen: " + _listed(stray, 8),
            )


def rule_together(ctx: CheckContext) -> Iterable[Violation]:
    """Rule 4: schools closer than ``together_km`` are not in different regions."""
    km = ctx.rules.together_within_km
    assignment = ctx.plan.assignment
    for a, b in ctx.rules.close_pairs(ctx.instance.xy).tolist():
        ca, cb = ctx.instance.schools[a].code, ctx.instance.schools[b].code
        ra, rb = assignment.get(ca), assignment.get(cb)
        if ra is None or rb is None or ra == rb:
            continue
        if ctx.regions_to_check is not None and not ({ra, rb} & ctx.regions_to_check):
            continue
        yield Violation(
            "together",
            ra,
            (ca, cb),
            f"{ca} ({ra}) and {cb} ({rb}) are less than {km:g} km apart but in different regions",
            "broken" if ctx.rules.together_strict else "warning",
            f"{ca} ({ra}) en {cb} ({rb}) liggen minder dan {dutch.number(km)} km uit elkaar, "
            "maar in verschillende regio's",
        )


def _listed(codes: Sequence[str], most: int = 10) -> str:
    """At most ``most`` codes, then ``...``."""
    return ", ".join(codes[:most]) + (" ..." if len(codes) > most else "")


RULES: tuple[Rule, ...] = (
    rule_partition,
    rule_min_vmbo,
    rule_penvoerder,
    rule_mbo,
    rule_size,
    rule_contiguity,
    rule_together,
)


def check(
    instance: Instance,
    graph: nx.Graph,
    plan: Plan,
    rules: RulesConfig | None = None,
    *,
    regions: Iterable[str] | None = None,
    extra_rules: Sequence[Rule] = (),
    opted_out: Iterable[str] = (),
) -> list[Violation]:
    """Judge a plan against every rule and return all violations.

    Parameters
    ----------
    instance : Instance
    graph : networkx.Graph
        The school graph (``graph.commuting_graph``), for contiguity.
    plan : Plan
        Any plan; a partial plan (``plan.complete`` false) judges its documented regions.
    rules : RulesConfig, optional
        The parameters (defaults from ``config``).
    regions : iterable of str, optional
        Only judge these regions (a what-if judges the affected ones).
    extra_rules : sequence of callables
        More rules, each ``rule(ctx) -> Iterable[Violation]``.
    opted_out : iterable of str
        Codes of schools that opted out (rule 6): not reported as missing from the plan.

    Returns
    -------
    list of Violation
        Empty when the plan is valid.
    """
    ctx = CheckContext(
        instance,
        graph,
        plan,
        RegionRules.from_config(rules or RulesConfig()),
        frozenset(regions) if regions is not None else None,
        frozenset(opted_out) | plan.opted_out,
    )
    return [v for rule in (*RULES, *extra_rules) for v in rule(ctx)]


def regions_concerned(v: Violation, plan: Plan) -> set[str]:
    """The regions a finding concerns: its own, and for a split close pair (rule 4,
    ``together``) the regions of both schools.

    Parameters
    ----------
    v : Violation
        A finding of ``check`` on ``plan``.
    plan : Plan
        The plan it was found in.
    """
    regions = {v.region_id} if v.region_id else set()
    if v.rule == "together":
        regions |= {plan.assignment[c] for c in v.codes if c in plan.assignment}
    return regions


def is_valid(violations: Iterable[Violation]) -> bool:
    """True when no violation is ``broken`` (unknowns and warnings do not break a plan)."""
    return not any(v.severity == "broken" for v in violations)
