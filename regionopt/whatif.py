"""What-if: a school joins, leaves or moves; which rules hold, what it does to the money.

``apply_changes`` validates and applies the requested changes (every problem reported at once);
``whatif`` runs the checker on every affected region before and after, compares technical pupils,
techniekarm, penvoerder and budget, and with ``do_repair`` asks ``regionopt.repair`` for the
fewest further moves that make the plan valid again. A repair never dissolves a region (and so
never changes the number of regions) unless ``allow_dissolve``; a region left without schools
is reported as dissolved, never as keeping its rules. ``find_schools`` looks a school up by
name, code, place or gemeente. ``write_outputs`` writes the result files.

A school that *leaves* opts out (rule 6: participation is voluntary): it is in no region
afterwards, and the checker's "in no region" finding for it is not counted as a broken rule.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from regionopt.budget import Budget, budget, budget_changes
from regionopt.check import RULES, Violation, check, is_valid
from regionopt.compare import RegionFigures, region_figures
from regionopt.config import Config, RulesConfig
from regionopt.errors import InputError, Problem
from regionopt.evaluate import penvoerder_candidate, plan_rows
from regionopt.instance import Instance
from regionopt.names import label, region_names
from regionopt.plan import Plan
from regionopt.repair import RepairResult, repair

ChangeKind = Literal["join", "leave", "move"]
RULE_NAMES: tuple[str, ...] = tuple(r.__name__.removeprefix("rule_") for r in RULES)
CHANGES_CSV_COLUMNS = (
    "source",
    "kind",
    "vestiging_code",
    "name",
    "from_region",
    "to_region",
    "technical_pupils",
    "from_region_name",
    "to_region_name",
)
_SEVERITY_ORDER = {"ok": 0, "warning": 1, "unknown": 2, "broken": 3, "dissolved": 4}


@dataclass(frozen=True)
class Change:
    """One requested change: ``join``/``move`` CODE=REGION, or ``leave`` CODE."""

    kind: ChangeKind
    code: str
    region_id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.code}" + (f"={self.region_id}" if self.region_id else "")


def parse_changes(
    join: Sequence[str] = (), leave: Sequence[str] = (), move: Sequence[str] = ()
) -> list[Change]:
    """Parse ``--join CODE=REGION``, ``--leave CODE`` and ``--move CODE=REGION`` arguments.

    Raises
    ------
    InputError
        Listing every malformed argument.
    """
    problems: list[Problem] = []
    changes: list[Change] = []
    with_region: tuple[tuple[ChangeKind, Sequence[str]], ...] = (("join", join), ("move", move))
    for kind, values in with_region:
        for value in values:
            code, sep, region = value.partition("=")
            if not sep or not code.strip() or not region.strip():
                problems.append(
                    Problem(
                        f"--{kind}",
                        value,
                        "expected CODE=REGION",
                        f"e.g. --{kind} 02QZ00=R07",
                    )
                )
                continue
            changes.append(Change(kind, code.strip().upper(), region.strip()))
    for value in leave:
        code = value.strip().upper()
        if not code or "=" in code:
            problems.append(Problem("--leave", value, "expected a vestiging code", "e.g. 02QZ00"))
            continue
        changes.append(Change("leave", code))
    if problems:
        raise InputError(problems, title="Invalid what-if arguments")
    return changes


def apply_changes(plan: Plan, changes: Iterable[Change], instance: Instance | None = None) -> Plan:
    """Apply changes to a plan after validating all of them.

    Parameters
    ----------
    plan : Plan
    changes : iterable of Change
        ``join CODE=REGION``: the school, now in no region, enters REGION;
        ``leave CODE``: the school opts out; ``move CODE=REGION``: the school, now in another
        region, moves to REGION.
    instance : Instance, optional
        The participating schools; when given, a code must be one of them.

    Returns
    -------
    Plan
        A new plan; ``plan`` is unchanged.

    Raises
    ------
    InputError
        Listing every problem: a code that is not a participating school, a code changed twice,
        a region that does not exist in the plan, a school joining or moving to the region it is
        already in, a school joining while it is in another region (that is a move), a school
        leaving or moving that is in no region.
    """
    changes = list(changes)
    problems: list[Problem] = []
    where = "what-if"
    regions = set(plan.regions)
    seen: dict[str, Change] = {}
    for ch in changes:
        label = str(ch)
        if instance is not None and ch.code not in instance.index:
            problems.append(
                Problem(
                    where,
                    label,
                    f"{ch.code} is not a participating vestiging",
                    "check the 6-character code (regionopt data summary lists the data)",
                )
            )
        if ch.code in seen:
            problems.append(
                Problem(where, label, f"{ch.code} is changed twice ({seen[ch.code]})", "keep one")
            )
        seen.setdefault(ch.code, ch)
        current = plan.assignment.get(ch.code)
        if ch.kind in ("join", "move"):
            if ch.region_id not in regions:
                close = sorted(
                    r for r in regions if ch.region_id and ch.region_id.lower() in r.lower()
                )
                problems.append(
                    Problem(
                        where,
                        label,
                        f"region {ch.region_id!r} does not exist in plan {plan.name}",
                        "use a region_id from the plan"
                        + (f" (did you mean {', '.join(close[:3])}?)" if close else ""),
                    )
                )
            elif current == ch.region_id:
                problems.append(
                    Problem(
                        where,
                        label,
                        f"{ch.code} is already in region {ch.region_id}",
                        "nothing to change; name another region",
                    )
                )
        if ch.kind == "join" and current is not None and current != ch.region_id:
            problems.append(
                Problem(
                    where,
                    label,
                    f"{ch.code} is already in region {current}: a school in a region moves",
                    f"use --move {ch.code}={ch.region_id} to move it",
                )
            )
        if ch.kind in ("leave", "move") and current is None:
            problems.append(
                Problem(
                    where,
                    label,
                    f"{ch.code} is in no region of plan {plan.name}",
                    "use --join to add it" if ch.kind == "move" else "nothing to leave",
                )
            )
    if problems:
        raise InputError(problems, title="Invalid what-if changes")
    mapping: dict[str, str | None] = {
        ch.code: (None if ch.kind == "leave" else ch.region_id) for ch in changes
    }
    return plan.with_assignment(mapping, name=f"{plan.name} (what-if)")


STAGES = ("before", "after", "repaired")
DISSOLVED = "dissolved"
"""Rule status of a region that has no school left in a stage (it keeps no rule: it is gone)."""


@dataclass(frozen=True)
class RuleStatus:
    """One rule in one region, per stage: ``ok``, ``warning``, ``unknown``, ``broken``, or
    ``dissolved`` when the region has no school left in that stage."""

    rule: str
    before: str
    after: str
    repaired: str | None = None
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Penvoerder:
    """A region's penvoerder candidate (``evaluate.penvoerder_candidate``) in one stage."""

    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else "geen"


NO_PENVOERDER = Penvoerder("", "")


@dataclass(frozen=True)
class RegionReport:
    """An affected region before, after the change, and after the repair."""

    region_id: str
    name: str
    rules: tuple[RuleStatus, ...]
    before: RegionFigures
    after: RegionFigures
    repaired: RegionFigures | None = None
    penvoerder_before: Penvoerder = NO_PENVOERDER
    penvoerder_after: Penvoerder = NO_PENVOERDER
    penvoerder_repaired: Penvoerder | None = None

    @property
    def label(self) -> str:
        """``name (id)``."""
        return label(self.name, self.region_id)

    @property
    def final(self) -> RegionFigures:
        """The figures after the repair when there was one, else after the change."""
        return self.repaired if self.repaired is not None else self.after

    @property
    def dissolved(self) -> bool:
        """True when the region had schools before and has none in the final plan."""
        return self.before.n_schools > 0 and self.final.n_schools == 0

    @property
    def penvoerder_final(self) -> Penvoerder:
        """The penvoerder candidate in the final plan."""
        return self.penvoerder_repaired or self.penvoerder_after

    @property
    def penvoerder_changed(self) -> bool:
        """True when the penvoerder candidate differs after the change or after the repair
        (a dissolved region is reported as dissolved instead)."""
        if self.dissolved:
            return False
        stages = (self.penvoerder_after, self.penvoerder_repaired or self.penvoerder_after)
        return any(p.code != self.penvoerder_before.code for p in stages)

    def keeps_every_rule(self, stage: str) -> bool:
        """True when the region exists in ``stage`` and no rule is broken or unknown there."""
        statuses = [getattr(s, stage) for s in self.rules]
        return all(st in ("ok", "warning") for st in statuses)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "region_id": self.region_id,
            "name": self.name,
            "rules": [
                {
                    "rule": s.rule,
                    "before": s.before,
                    "after": s.after,
                    "repaired": s.repaired,
                    "messages": list(s.messages),
                }
                for s in self.rules
            ],
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "repaired": self.repaired.as_dict() if self.repaired else None,
            "dissolved": self.dissolved,
            "penvoerder": {
                "before": asdict(self.penvoerder_before),
                "after": asdict(self.penvoerder_after),
                "repaired": asdict(self.penvoerder_repaired) if self.penvoerder_repaired else None,
                "changed": self.penvoerder_changed,
            },
        }


@dataclass(frozen=True)
class WhatIfResult:
    """Everything a what-if found."""

    changes: tuple[Change, ...]
    before: Plan
    after: Plan
    affected: tuple[str, ...]
    regions: tuple[RegionReport, ...]
    violations_before: tuple[Violation, ...]
    violations_after: tuple[Violation, ...]
    budget_before: Budget
    budget_after: Budget
    money: tuple[dict[str, Any], ...]
    repair: RepairResult | None = None
    budget_repaired: Budget | None = None
    money_repaired: tuple[dict[str, Any], ...] = ()
    opted_out: tuple[str, ...] = ()
    full_check: tuple[Violation, ...] = field(default=())
    """The checker on the whole final plan (opted-out schools not counted as missing)."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Region id -> recognisable name (``names.region_names`` of the plan before the change)."""
    allow_dissolve: bool = False

    @property
    def final(self) -> Plan:
        """The repaired plan when a repair was found, else the plan after the changes."""
        if self.repair is not None and self.repair.status == "repaired":
            return self.repair.plan
        return self.after

    @property
    def final_budget(self) -> Budget:
        """The budget of the whole final plan (the figures every output shows)."""
        return self.budget_repaired if self.budget_repaired is not None else self.budget_after

    @property
    def dissolved(self) -> tuple[str, ...]:
        """Regions with schools before the change and none in the final plan."""
        return tuple(sorted(set(self.before.regions) - set(self.final.regions)))

    @property
    def valid_after(self) -> bool:
        """True when the affected regions keep every rule after the changes."""
        return is_valid(self.violations_after)

    @property
    def valid_final(self) -> bool:
        """True when the final plan breaks no rule in the regions the what-if judged."""
        if self.repair is not None and self.repair.status == "repaired":
            return is_valid(self.repair.violations)
        return self.valid_after

    def region_label(self, region_id: str) -> str:
        """``name (id)`` of a region."""
        return label(self.names.get(region_id, region_id), region_id)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        rep = self.repair
        return {
            "plan": self.before.name,
            "changes": [
                {"kind": c.kind, "vestiging_code": c.code, "region_id": c.region_id}
                for c in self.changes
            ],
            "affected_regions": list(self.affected),
            "region_names": {r.region_id: r.name for r in self.regions},
            "valid_after": self.valid_after,
            "valid_final": self.valid_final,
            "n_regions_before": len(self.before.regions),
            "n_regions_final": len(self.final.regions),
            "dissolved": list(self.dissolved),
            "allow_dissolve": self.allow_dissolve,
            "regions": [r.as_dict() for r in self.regions],
            "violations_after": [v.to_dict() for v in self.violations_after],
            "budget_changes": list(self.money),
            "repair": None if rep is None else self._repair_dict(rep),
            "full_check_broken": [v.to_dict() for v in self.full_check if v.severity == "broken"],
            "opted_out": list(self.opted_out),
        }

    def _repair_dict(self, rep: RepairResult) -> dict[str, Any]:
        return {
            "status": rep.status,
            "moves": [
                {"vestiging_code": m.code, "from": m.from_region, "to": m.to_region}
                for m in rep.moves
            ],
            "n_moves": len(rep.moves),
            "optimal": rep.optimal,
            "scope_regions": list(rep.scope_regions),
            "level": rep.level,
            "dissolved": list(rep.dissolved),
            "explanation": list(rep.explanation),
            "wall_time_s": round(rep.wall_time_s, 3),
            "solves": rep.solves,
            "cuts": rep.cuts,
            "budget_changes": list(self.money_repaired),
        }


def _violation_regions(v: Violation, plan: Plan) -> set[str]:
    """Regions a violation concerns (a split close pair concerns both regions)."""
    regions = {v.region_id} if v.region_id else set()
    if v.rule == "together":
        regions |= {plan.assignment[c] for c in v.codes if c in plan.assignment}
    return regions


def _status(violations: Iterable[Violation], plan: Plan, region: str, rule: str) -> str:
    if not plan.regions.get(region):
        return DISSOLVED
    worst = "ok"
    for v in violations:
        if (
            v.rule == rule
            and region in _violation_regions(v, plan)
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
    rules = config.rules
    after = apply_changes(plan, changes, instance)
    affected = sorted(
        {plan.assignment[c.code] for c in changes if c.code in plan.assignment}
        | {c.region_id for c in changes if c.region_id is not None}
    )
    opted_out = tuple(c.code for c in changes if c.kind == "leave")
    v_before = tuple(check(instance, graph, plan, rules, regions=affected))
    v_after = tuple(check(instance, graph, after, rules, regions=affected))
    money_before = budget(instance, plan, config.budget)
    money_after = budget(instance, after, config.budget)
    money = tuple(budget_changes(money_before, money_after, regions=affected))

    rep: RepairResult | None = None
    money_rep: Budget | None = None
    money_rep_rows: tuple[dict[str, Any], ...] = ()
    if do_repair:
        rep = repair(
            instance,
            graph,
            after,
            rules,
            regions=affected,
            fixed=[c.code for c in changes if c.kind != "leave"],
            time_limit_s=repair_time_limit_s,
            max_level=max_level,
            allow_dissolve=allow_dissolve,
        )
        if rep.status == "repaired" and rep.moves:
            money_rep = budget(instance, rep.plan, config.budget)
            money_rep_rows = tuple(
                budget_changes(money_before, money_rep, regions=_shown(affected, rep))
            )
    names = region_names(instance, plan)
    reports = _region_reports(
        instance, graph, rules, plan, after, rep, _shown(affected, rep), names
    )
    final = rep.plan if rep is not None and rep.status == "repaired" else after
    full = tuple(check(instance, graph, final, rules, opted_out=opted_out))
    return WhatIfResult(
        changes=tuple(changes),
        before=plan,
        after=after,
        affected=tuple(affected),
        regions=reports,
        violations_before=v_before,
        violations_after=v_after,
        budget_before=money_before,
        budget_after=money_after,
        money=money,
        repair=rep,
        budget_repaired=money_rep,
        money_repaired=money_rep_rows,
        opted_out=opted_out,
        full_check=full,
        names=names,
        allow_dissolve=allow_dissolve,
    )


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
    """Rules, figures and penvoerder of each shown region before, after and repaired."""
    repaired = rep.plan if rep is not None and rep.status == "repaired" else None
    v_before = check(instance, graph, plan, rules, regions=shown)
    v_after = check(instance, graph, after, rules, regions=shown)
    v_rep = check(instance, graph, repaired, rules, regions=shown) if repaired else None
    figs_before = region_figures(instance, plan, shown)
    figs_after = region_figures(instance, after, shown)
    figs_rep = region_figures(instance, repaired, shown) if repaired else None
    reports = []
    for r in shown:
        statuses = []
        for rule in RULE_NAMES:
            msgs = tuple(
                str(v)
                for v in (*v_after, *(v_rep or ()))
                if v.rule == rule and r in _violation_regions(v, after) and v.severity != "ok"
            )
            statuses.append(
                RuleStatus(
                    rule=rule,
                    before=_status(v_before, plan, r, rule),
                    after=_status(v_after, after, r, rule),
                    repaired=None if repaired is None else _status(v_rep or (), repaired, r, rule),
                    messages=tuple(dict.fromkeys(msgs)),
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
    return tuple(reports)


# --------------------------------------------------------------------------------------------
# Looking a school up


@dataclass(frozen=True)
class SchoolMatch:
    """A school found by ``find_schools``, with its region in the plan (``""``: none)."""

    code: str
    name: str
    place: str
    gemeente: str
    """The gemeente's name (its CBS code when the instance has no name for it)."""
    region_id: str
    region_name: str


def _fold(text: str) -> str:
    """Lower case without accents, for matching ("Súdwest" matches "sudwest")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def find_schools(instance: Instance, text: str, plan: Plan | None = None) -> list[SchoolMatch]:
    """Schools whose code, name, place or gemeente name contains ``text``.

    Case and accents are ignored. Sorted by code; an exact code match comes first.

    Parameters
    ----------
    instance : Instance
    text : str
        (Part of) a vestiging code, school name, place or gemeente name.
    plan : Plan, optional
        When given, each match carries its region (id and recognisable name) in it.
    """
    needle = _fold(text.strip())
    if not needle:
        return []
    gemeenten = {m.code: m.name for m in instance.municipalities}
    names = region_names(instance, plan) if plan is not None else {}
    found = []
    for s in instance.schools:
        gemeente = gemeenten.get(s.gemeente, s.gemeente)
        if not any(needle in _fold(v) for v in (s.code, s.name, s.place, gemeente)):
            continue
        region = plan.assignment.get(s.code, "") if plan is not None else ""
        found.append(
            SchoolMatch(s.code, s.name, s.place, gemeente, region, names.get(region, region))
        )
    return sorted(found, key=lambda m: (_fold(m.code) != needle, m.code))


# --------------------------------------------------------------------------------------------
# Output files


def write_regions_csv(path: Path, instance: Instance, plan: Plan) -> None:
    """``regions.csv`` with the columns ``propose`` writes (``evaluate.plan_rows``).

    UTF-8 with a byte-order mark, so spreadsheet programs read the school names right.
    """
    header, rows = plan_rows(instance, plan)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def change_rows(result: WhatIfResult, instance: Instance) -> list[list[object]]:
    """Rows of ``changes.csv``: requested changes, then the repair's moves."""
    rows: list[list[object]] = []

    def row(source: str, kind: str, code: str, was: str, to: str) -> list[object]:
        s = instance.school(code)
        names = (result.names.get(was, was) if was else "", result.names.get(to, to) if to else "")
        return [source, kind, code, s.name, was, to, s.technical_pupils, *names]

    for c in result.changes:
        rows.append(
            row(
                "requested",
                c.kind,
                c.code,
                result.before.assignment.get(c.code, ""),
                c.region_id or "",
            )
        )
    if result.repair is not None and result.repair.status == "repaired":
        for m in result.repair.moves:
            rows.append(row("repair", "move", m.code, m.from_region, m.to_region))
    return rows


def write_outputs(result: WhatIfResult, instance: Instance, out: Path) -> list[Path]:
    """Write ``regions.csv``, ``report.md`` and ``changes.csv`` to ``out``; return the paths.

    ``out`` must exist (the CLI creates it with ``prepare_out_dir``). The CSV files are UTF-8
    with a byte-order mark. The map and the HTML report are written by the CLI with
    ``regionopt.mapdata`` and ``regionopt.report``.
    """
    regions_csv = out / "regions.csv"
    write_regions_csv(regions_csv, instance, result.final)
    report = out / "report.md"
    report.write_text(report_markdown(result, instance), encoding="utf-8")
    changes = out / "changes.csv"
    with changes.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(CHANGES_CSV_COLUMNS)
        w.writerows(change_rows(result, instance))
    return [regions_csv, report, changes]


# --------------------------------------------------------------------------------------------
# report.md


def _eur(value: float) -> str:
    return f"EUR {value:,.2f}"


def _md(text: object) -> str:
    """Text from data in a markdown table cell or line: no pipes, no line breaks."""
    return str(text).replace("|", "/").replace("\n", " ")


def report_markdown(result: WhatIfResult, instance: Instance) -> str:
    """A readable what-if report (markdown)."""
    lines = [f"# What-if on plan `{_md(result.before.name)}`", "", "## Requested changes", ""]
    for c in result.changes:
        s = instance.school(c.code)
        was = result.before.assignment.get(c.code)
        to = result.region_label(c.region_id) if c.region_id else "no region (opts out)"
        lines.append(
            f"- **{c.kind}** {c.code} {_md(s.name)} ({_md(s.place)}): "
            f"{result.region_label(was) if was else 'no region'} -> {_md(to)}"
        )
    verdict = "keeps every rule" if result.valid_after else "breaks a rule"
    lines += ["", f"After the changes the plan **{verdict}** in the affected regions.", ""]
    lines += _repair_markdown(result, instance)
    lines += _regions_markdown(result)
    lines += _money_markdown(result)
    broken = [v for v in result.full_check if v.severity == "broken"]
    lines += ["## Whole plan", ""]
    lines.append(
        f"{len(result.before.regions)} regions before the change, "
        f"{len(result.final.regions)} in the final plan."
    )
    if broken:
        lines.append(f"The checker finds {len(broken)} broken rule(s) in the final plan:")
        lines += [f"- {_md(v)}" for v in broken[:20]]
    else:
        lines.append("The checker finds no broken rule in the final plan.")
    lines.append("")
    return "\n".join(lines)


def _repair_markdown(result: WhatIfResult, instance: Instance) -> list[str]:
    rep = result.repair
    if rep is None:
        return []
    lines = ["## Repair", ""]
    if rep.status == "not_needed":
        lines.append("No repair needed.")
    elif rep.status == "repaired":
        lines += [f"{rep.headline()}:", ""]
        for m in rep.moves:
            s = instance.school(m.code)
            lines.append(
                f"- move {m.code} {_md(s.name)} ({_md(s.place)}): "
                f"{result.region_label(m.from_region)} -> {result.region_label(m.to_region)}"
            )
    else:
        lines.append("No repair found:")
        lines += [f"- {_md(e)}" for e in rep.explanation]
    if not result.allow_dissolve:
        lines += ["", "The repair may not dissolve a region (allow it with --allow-dissolve)."]
    lines.append("")
    return lines


def _regions_markdown(result: WhatIfResult) -> list[str]:
    lines = ["## Affected regions", ""]
    if result.dissolved:
        gone = ", ".join(result.region_label(r) for r in result.dissolved)
        lines += [f"**Dissolved** (no school left in the final plan): {gone}.", ""]
    has_rep = any(r.repaired is not None for r in result.regions)
    for r in result.regions:
        lines += [f"### {_md(r.label)}", ""]
        if r.dissolved:
            lines += ["This region is **dissolved**: it has no school left.", ""]
        head = "| rule | before | after |" + (" repaired |" if has_rep else "")
        lines += [head, "|---|---|---|" + ("---|" if has_rep else "")]
        for s in r.rules:
            row = f"| {s.rule} | {s.before} | {s.after} |"
            lines.append(row + (f" {s.repaired or ''} |" if has_rep else ""))
        lines.append("")
        stages = [("before", r.before, r.penvoerder_before), ("after", r.after, r.penvoerder_after)]
        if r.repaired is not None:
            stages.append(("repaired", r.repaired, r.penvoerder_repaired or NO_PENVOERDER))
        lines += [
            "| | schools | technical pupils lj 3-4 | techniekarm | penvoerder |",
            "|---|---|---|---|---|",
        ]
        for stage, f, pv in stages:
            arm = "ja" if f.techniekarm else "nee"
            lines.append(f"| {stage} | {f.n_schools} | {f.technical_pupils} | {arm} | {_md(pv)} |")
        if r.penvoerder_changed:
            lines += [
                "",
                f"**Penvoerder changes**: {_md(r.penvoerder_before)} -> {_md(r.penvoerder_final)}.",
            ]
        msgs = [m for s in r.rules for m in s.messages]
        if msgs:
            lines.append("")
            lines += [f"- {_md(m)}" for m in msgs]
        lines.append("")
    return lines


def _money_markdown(result: WhatIfResult) -> list[str]:
    lines: list[str] = []
    for title, rows in (
        ("Budget before/after the changes", result.money),
        ("Budget before the changes/after the repair", result.money_repaired),
    ):
        if not rows:
            continue
        lines += [f"## {title}", ""]
        lines += [
            "| region | transition before | after | structural before | after | co-funding after |",
            "|---|---|---|---|---|---|",
        ]
        small = [
            row
            for row in rows
            if abs(row["structural_delta_eur"]) < 1000 and row["region_id"] not in result.affected
        ]
        for row in rows:
            if row in small:
                continue
            lines.append(
                f"| {_md(result.region_label(row['region_id']))} | "
                f"{_eur(row['transition_before_eur'])} | {_eur(row['transition_after_eur'])} | "
                f"{_eur(row['structural_before_eur'])} | {_eur(row['structural_after_eur'])} | "
                f"{_eur(row['cofunding_after_eur'])} |"
            )
        if small:
            worst = max(abs(row["structural_delta_eur"]) for row in small)
            lines.append("")
            lines.append(
                f"{len(small)} other region(s) change by under EUR 1,000 each (at most "
                f"{_eur(worst)}): the national structural total is re-divided over the schools."
            )
        lines.append("")
    return lines
