"""What-if: a school joins, leaves or moves; which rules hold, what it does to the money.

``apply_changes`` validates and applies the requested changes (every problem reported at once);
``whatif`` runs the checker on every affected region before and after, compares technical pupils,
techniekarm and budget, and with ``repair=True`` asks ``regionopt.repair`` for the fewest further
moves that make the plan valid again. ``write_outputs`` writes the result files.

A school that *leaves* opts out (rule 6: participation is voluntary): it is in no region
afterwards, and the checker's "in no region" finding for it is not counted as a broken rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from regionopt.budget import Budget, budget, budget_changes
from regionopt.check import RULES, Violation, check, is_valid
from regionopt.compare import RegionFigures, region_figures
from regionopt.config import Config
from regionopt.errors import InputError, Problem
from regionopt.evaluate import plan_rows
from regionopt.instance import Instance
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
)
_SEVERITY_ORDER = {"ok": 0, "warning": 1, "unknown": 2, "broken": 3}


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
    for kind, values in (("join", join), ("move", move)):
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
            changes.append(Change(kind, code.strip().upper(), region.strip()))  # type: ignore[arg-type]
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
        ``join CODE=REGION``: the school enters REGION (from no region, or from another one);
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
        already in, a school leaving or moving that is in no region.
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


@dataclass(frozen=True)
class RuleStatus:
    """One rule in one region: ``ok``, ``warning``, ``unknown`` or ``broken``, per stage."""

    rule: str
    before: str
    after: str
    repaired: str | None = None
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionReport:
    """An affected region before, after the change, and after the repair."""

    region_id: str
    name: str
    rules: tuple[RuleStatus, ...]
    before: RegionFigures
    after: RegionFigures
    repaired: RegionFigures | None = None

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

    @property
    def final(self) -> Plan:
        """The repaired plan when a repair was found, else the plan after the changes."""
        if self.repair is not None and self.repair.status == "repaired":
            return self.repair.plan
        return self.after

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
            "valid_after": self.valid_after,
            "valid_final": self.valid_final,
            "regions": [r.as_dict() for r in self.regions],
            "violations_after": [v.to_dict() for v in self.violations_after],
            "budget_changes": list(self.money),
            "repair": None
            if rep is None
            else {
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
            },
            "full_check_broken": [v.to_dict() for v in self.full_check if v.severity == "broken"],
            "opted_out": list(self.opted_out),
        }


def _violation_regions(v: Violation, plan: Plan) -> set[str]:
    """Regions a violation concerns (a split close pair concerns both regions)."""
    regions = {v.region_id} if v.region_id else set()
    if v.rule == "together":
        regions |= {plan.assignment[c] for c in v.codes if c in plan.assignment}
    return regions


def _status(violations: Iterable[Violation], plan: Plan, region: str, rule: str) -> str:
    worst = "ok"
    for v in violations:
        if (
            v.rule == rule
            and region in _violation_regions(v, plan)
            and _SEVERITY_ORDER[v.severity] > _SEVERITY_ORDER[worst]
        ):
            worst = v.severity
    return worst


def whatif(
    instance: Instance,
    graph: nx.Graph,
    plan: Plan,
    changes: Sequence[Change],
    config: Config | None = None,
    *,
    do_repair: bool = False,
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
        )
        if rep.status == "repaired" and rep.moves:
            money_rep = budget(instance, rep.plan, config.budget)
            touched = sorted({m.from_region for m in rep.moves} | {m.to_region for m in rep.moves})
            money_rep_rows = tuple(
                budget_changes(
                    money_before, money_rep, regions=sorted(set(affected) | set(touched))
                )
            )

    shown = list(affected)
    if rep is not None and rep.status == "repaired":
        shown = sorted(
            set(affected) | {m.from_region for m in rep.moves} | {m.to_region for m in rep.moves}
        )
    v_before_shown = check(instance, graph, plan, rules, regions=shown)
    v_after_shown = check(instance, graph, after, rules, regions=shown)
    v_rep_shown: list[Violation] | None = None
    if rep is not None and rep.status == "repaired":
        v_rep_shown = check(instance, graph, rep.plan, rules, regions=shown)
    figs_before = region_figures(instance, plan, shown)
    figs_after = region_figures(instance, after, shown)
    figs_rep = region_figures(instance, rep.plan, shown) if v_rep_shown is not None else None
    reports = []
    for r in shown:
        statuses = []
        for rule in RULE_NAMES:
            msgs = tuple(
                str(v)
                for v in (*v_after_shown, *(v_rep_shown or ()))
                if v.rule == rule and r in _violation_regions(v, after) and v.severity != "ok"
            )
            statuses.append(
                RuleStatus(
                    rule=rule,
                    before=_status(v_before_shown, plan, r, rule),
                    after=_status(v_after_shown, after, r, rule),
                    repaired=None
                    if v_rep_shown is None or rep is None
                    else _status(v_rep_shown, rep.plan, r, rule),
                    messages=tuple(dict.fromkeys(msgs)),
                )
            )
        reports.append(
            RegionReport(
                region_id=r,
                name=plan.region_name(r),
                rules=tuple(statuses),
                before=figs_before[r],
                after=figs_after[r],
                repaired=figs_rep[r] if figs_rep else None,
            )
        )
    final = rep.plan if rep is not None and rep.status == "repaired" else after
    full = tuple(check(instance, graph, final, rules, opted_out=opted_out))
    return WhatIfResult(
        changes=tuple(changes),
        before=plan,
        after=after,
        affected=tuple(affected),
        regions=tuple(reports),
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
    )


# --------------------------------------------------------------------------------------------
# Output files


def write_regions_csv(path: Path, instance: Instance, plan: Plan) -> None:
    """``regions.csv`` with the columns ``propose`` writes (``evaluate.plan_rows``)."""
    header, rows = plan_rows(instance, plan)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def change_rows(result: WhatIfResult, instance: Instance) -> list[list[object]]:
    """Rows of ``changes.csv``: requested changes, then the repair's moves."""
    rows: list[list[object]] = []
    for c in result.changes:
        s = instance.school(c.code)
        rows.append(
            [
                "requested",
                c.kind,
                c.code,
                s.name,
                result.before.assignment.get(c.code, ""),
                c.region_id or "",
                s.technical_pupils,
            ]
        )
    if result.repair is not None and result.repair.status == "repaired":
        for m in result.repair.moves:
            s = instance.school(m.code)
            rows.append(
                ["repair", "move", m.code, s.name, m.from_region, m.to_region, s.technical_pupils]
            )
    return rows


def _eur(value: float) -> str:
    return f"EUR {value:,.2f}"


def report_markdown(result: WhatIfResult, instance: Instance) -> str:
    """A readable what-if report (markdown)."""
    lines = [f"# What-if on plan `{result.before.name}`", "", "## Requested changes", ""]
    for c in result.changes:
        s = instance.school(c.code)
        was = result.before.assignment.get(c.code, "no region")
        to = c.region_id or "no region (opts out)"
        lines.append(f"- **{c.kind}** {c.code} {s.name} ({s.place}): {was} -> {to}")
    verdict = "keeps every rule" if result.valid_after else "breaks a rule"
    lines += ["", f"After the changes the plan **{verdict}** in the affected regions.", ""]
    rep = result.repair
    if rep is not None:
        lines += ["## Repair", ""]
        if rep.status == "not_needed":
            lines.append("No repair needed.")
        elif rep.status == "repaired":
            lines.append(f"{rep.headline()}:")
            lines.append("")
            for m in rep.moves:
                s = instance.school(m.code)
                lines.append(
                    f"- move {m.code} {s.name} ({s.place}): {m.from_region} -> {m.to_region}"
                )
            if rep.dissolved:
                lines.append(f"- dissolved region(s): {', '.join(rep.dissolved)}")
        else:
            lines.append("No repair found:")
            lines += [f"- {e}" for e in rep.explanation]
        lines.append("")
    lines += ["## Affected regions", ""]
    has_rep = any(r.repaired is not None for r in result.regions)
    for r in result.regions:
        lines += [f"### {r.name} (`{r.region_id}`)", ""]
        head = "| rule | before | after |" + (" repaired |" if has_rep else "")
        lines += [head, "|---|---|---|" + ("---|" if has_rep else "")]
        for s in r.rules:
            row = f"| {s.rule} | {s.before} | {s.after} |"
            lines.append(row + (f" {s.repaired or ''} |" if has_rep else ""))
        lines.append("")
        stages = [("before", r.before), ("after", r.after)]
        if r.repaired is not None:
            stages.append(("repaired", r.repaired))
        lines += ["| | schools | technical pupils lj 3-4 | techniekarm |", "|---|---|---|---|"]
        for label, f in stages:
            arm = "ja" if f.techniekarm else "nee"
            lines.append(f"| {label} | {f.n_schools} | {f.technical_pupils} | {arm} |")
        msgs = [m for s in r.rules for m in s.messages]
        if msgs:
            lines.append("")
            lines += [f"- {m}" for m in msgs]
        lines.append("")
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
                f"| {row['region_id']} | {_eur(row['transition_before_eur'])} | "
                f"{_eur(row['transition_after_eur'])} | {_eur(row['structural_before_eur'])} | "
                f"{_eur(row['structural_after_eur'])} | {_eur(row['cofunding_after_eur'])} |"
            )
        if small:
            worst = max(abs(row["structural_delta_eur"]) for row in small)
            lines.append("")
            lines.append(
                f"{len(small)} other region(s) change by under EUR 1,000 each (at most "
                f"{_eur(worst)}): the national structural total is re-divided over the schools."
            )
        lines.append("")
    broken = [v for v in result.full_check if v.severity == "broken"]
    lines += ["## Whole plan", ""]
    if broken:
        lines.append(f"The checker finds {len(broken)} broken rule(s) in the final plan:")
        lines += [f"- {v}" for v in broken[:20]]
    else:
        lines.append("The checker finds no broken rule in the final plan.")
    lines.append("")
    return "\n".join(lines)


def write_outputs(
    result: WhatIfResult,
    instance: Instance,
    out: Path,
    *,
    loaded: object | None = None,
    config: Config | None = None,
) -> list[Path]:
    """Write ``regions.csv``, ``report.md``, ``changes.csv`` (and ``map.html``) to ``out``.

    ``out`` must exist (the CLI creates it with ``prepare_out_dir``). The map of the affected
    regions is drawn by ``regionopt.render`` when it is available and ``loaded`` (the
    ``load.LoadedData``) is given. Returns the paths written.
    """
    written = []
    regions_csv = out / "regions.csv"
    write_regions_csv(regions_csv, instance, result.final)
    written.append(regions_csv)
    report = out / "report.md"
    report.write_text(report_markdown(result, instance), encoding="utf-8")
    written.append(report)
    changes = out / "changes.csv"
    with changes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CHANGES_CSV_COLUMNS)
        w.writerows(change_rows(result, instance))
    written.append(changes)
    if loaded is not None:
        map_path = _write_map(result, out / "map.html", loaded=loaded, config=config)
        if map_path is not None:
            written.append(map_path)
    return written


def _write_map(
    result: WhatIfResult, path: Path, *, loaded: object, config: Config | None
) -> Path | None:
    """Map of the affected regions after the what-if."""
    from regionopt.render import write_plan_map

    shown = {r.region_id for r in result.regions}
    final = result.final
    sub = Plan(
        rows=tuple((c, r) for c, r in final.assignment.items() if r in shown),
        name=f"{result.before.name} what-if",
        region_names=final.region_names,
        complete=False,
    )
    changes = ", ".join(str(c) for c in result.changes)
    write_plan_map(
        loaded,
        sub,
        path,
        title=f"What-if: {changes}",
        params={"plan": result.before.name, "regions": ", ".join(sorted(shown))},
        config=config,
    )
    return path
