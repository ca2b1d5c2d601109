"""``report.md``: a what-if in readable markdown."""

from __future__ import annotations

from typing import Any

from regionopt.instance import Instance
from regionopt.whatif.result import NO_PENVOERDER, WhatIfResult


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
    lines += ["", _verdict(result), ""]
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
        lines += [f"- {_md(e.text)}" for e in rep.explanation]
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
            arm = "yes" if f.techniekarm else "no"  # report.md is English throughout
            lead = _md(pv) if pv.code else "none"
            lines.append(f"| {stage} | {f.n_schools} | {f.technical_pupils} | {arm} | {lead} |")
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
    """The money of the regions shown, per stage; then, once, every other region of the plan
    it ends with, largest change of structural money first (the national total is
    re-divided)."""
    stages = [("Budget before/after the changes", result.money)]
    if result.money_repaired:
        stages.append(("Budget before the changes/after the repair", result.money_repaired))
    stages = [(title, rows) for title, rows in stages if rows]
    shown = {r.region_id for r in result.regions}
    lines: list[str] = []
    for title, rows in stages:
        lines += [
            f"## {title}",
            "",
            *_money_table(result, [r for r in rows if r["region_id"] in shown]),
        ]
    if not stages:
        return lines
    others = sorted(
        (r for r in stages[-1][1] if r["region_id"] not in shown),
        key=lambda r: (-r["structural_delta_eur"], r["region_id"]),
    )
    small = [r for r in others if abs(r["structural_delta_eur"]) < 1000]
    listed = [r for r in others if r not in small]
    if listed:
        lines += ["### The other regions, largest change first", ""]
        lines += _money_table(result, listed)
    if small:
        worst = max(abs(row["structural_delta_eur"]) for row in small)
        lines.append(
            f"{len(small)} other region(s) change by under EUR 1,000 each (at most {_eur(worst)})."
        )
    if others:
        lines += ["", "The national structural total is re-divided over the schools.", ""]
    return lines


def _money_table(result: WhatIfResult, rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| region | transition before | after | structural before | after | structural change "
        "| co-funding after |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {_md(result.region_label(row['region_id']))} | "
            f"{_eur(row['transition_before_eur'])} | {_eur(row['transition_after_eur'])} | "
            f"{_eur(row['structural_before_eur'])} | {_eur(row['structural_after_eur'])} | "
            f"{row['structural_delta_eur']:+,.2f} | {_eur(row['cofunding_after_eur'])} |"
        )
    return [*lines, ""]


def _verdict(result: WhatIfResult) -> str:
    """After the changes: which regions break a rule and which keep every rule."""
    if result.valid_after:
        return "After the changes the plan **keeps every rule** in the affected regions."
    broken, kept = result.verdict_regions()
    where = ", ".join(_md(result.region_label(r)) for r in broken)
    line = f"After the changes the plan **breaks a rule** in {where}"
    if kept:
        line += f"; {', '.join(_md(result.region_label(r)) for r in kept)} "
        line += "keeps every rule" if len(kept) == 1 else "keep every rule"
    return line + "."
