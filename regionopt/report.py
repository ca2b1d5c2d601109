"""Self-contained HTML reports a person reads: a proposal, or a what-if.

One HTML file, offline: no script, stylesheet, font or image is linked; the map is the same
self-contained folium page, embedded whole in an ``<iframe srcdoc>`` (sandboxed: its scripts
cannot touch the report). Every text that comes from data is HTML-escaped here. Region names
come from ``regionopt.names``; figures from ``regionopt.evaluate`` and money from
``regionopt.budget`` on the whole plan. The objective, its bound and the comparison with the
documented regions arrive as plain mappings from the caller (``propose``, ``validate``).
Labels are Dutch, like the maps.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from regionopt.budget import Budget, budget
from regionopt.config import Config
from regionopt.evaluate import RegionStats, region_table
from regionopt.instance import Instance
from regionopt.names import label, region_names
from regionopt.plan import Plan
from regionopt.whatif import RegionReport, WhatIfResult

CSS = """
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; margin: 24px auto;
  max-width: 1200px; padding: 0 16px; color: #222; line-height: 1.4; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 28px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td.num { text-align: right; white-space: nowrap; }
.ok { color: #1a7f37; } .broken, .dissolved { color: #c00; font-weight: bold; }
.warning, .unknown { color: #9a6700; } .changed { background: #fff3cd; }
.note { background: #f6f8fa; border-left: 4px solid #888; padding: 8px 12px; }
iframe.map { width: 100%; height: 640px; border: 1px solid #ccc; }
"""


def esc(value: object) -> str:
    """HTML-escape any value (``None`` becomes an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def euro(value: float | None) -> str:
    """``€ 1.234.567`` (whole euros, Dutch notation), or an empty string."""
    if value is None:
        return ""
    return "€ " + f"{round(value):,}".replace(",", ".")


def whole(value: int) -> str:
    """A whole number in Dutch notation."""
    return f"{value:,}".replace(",", ".")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table; header labels are ours, cells must already be escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def value_html(value: object) -> str:
    """Any plain value as HTML: mappings as tables, sequences as lists, numbers formatted."""
    if isinstance(value, Mapping):
        rows = [(esc(k), value_html(v)) for k, v in value.items()]
        return _table(("", ""), rows, set())
    if isinstance(value, list | tuple):
        if not value:
            return "-"
        return "<ul>" + "".join(f"<li>{value_html(v)}</li>" for v in value) + "</ul>"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return esc(f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}")
    return esc(value)


def map_iframe(map_html: str | None) -> str:
    """The map page embedded whole (sandboxed ``srcdoc``), or a note that there is none."""
    if not map_html:
        return '<p class="note">Geen kaart bij dit rapport.</p>'
    return (
        f'<iframe class="map" title="Kaart" sandbox="allow-scripts" '
        f'srcdoc="{html.escape(map_html, quote=True)}"></iframe>'
    )


def page(title: str, subtitle: str, sections: Iterable[str]) -> str:
    """A complete HTML page with the report's style; ``sections`` are HTML fragments."""
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p>'
        + "".join(sections)
        + "</body></html>\n"
    )


def _write(path: Path | str, text: str) -> Path:
    """Write the page whole (a temporary file renamed into place: never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------------
# A proposal


@dataclass(frozen=True)
class RegionLine:
    """One region's row in the report's region table."""

    stats: RegionStats
    name: str
    transition_eur: float | None
    structural_eur: float | None
    cofunding_eur: float | None


def region_lines(
    instance: Instance, plan: Plan, config: Config, stats: Sequence[RegionStats] | None = None
) -> list[RegionLine]:
    """Figures, names and money (of the whole plan) per region, in region order."""
    table = stats if stats is not None else region_table(instance, plan, rules=config.rules)
    names = region_names(instance, plan)
    money: Budget = budget(instance, plan, config.budget)
    lines = []
    for s in table:
        r = money.by_region.get(s.region_id)
        lines.append(
            RegionLine(
                stats=s,
                name=names.get(s.region_id, s.region_id),
                transition_eur=r.transition_eur if r else None,
                structural_eur=r.structural_eur if r else None,
                cofunding_eur=r.cofunding_eur if r else None,
            )
        )
    return lines


def regions_section(lines: Sequence[RegionLine]) -> str:
    """The per-region table: name, sizes, techniekarm, penvoerder, mbo partners, money."""
    header = (
        "Regio",
        "Scholen",
        "Techniekleerlingen lj 3-4",
        "Beroepsgericht lj 3-4",
        "Aandeel techniek",
        "Techniekarm",
        "Penvoerder",
        "Mbo-partners",
        "Transitie per jaar",
        "Structureel per jaar",
        "Cofinanciering",
    )
    rows = []
    for line in lines:
        s = line.stats
        rows.append(
            (
                esc(label(line.name, s.region_id)),
                whole(s.n_schools),
                whole(s.technical_total),
                whole(s.beroepsgericht),
                f"{s.technical_share:.0%}",
                "ja" if s.techniekarm else "nee",
                esc(s.penvoerder_name or "geen"),
                esc(", ".join(s.mbo_partners) or "geen binnen bereik"),
                euro(line.transition_eur),
                euro(line.structural_eur),
                euro(line.cofunding_eur),
            )
        )
    total = (
        "<b>totaal</b>",
        whole(sum(ln.stats.n_schools for ln in lines)),
        whole(sum(ln.stats.technical_total for ln in lines)),
        whole(sum(ln.stats.beroepsgericht for ln in lines)),
        "",
        f"{sum(ln.stats.techniekarm for ln in lines)} regio's",
        "",
        "",
        euro(sum(ln.transition_eur or 0.0 for ln in lines)),
        euro(sum(ln.structural_eur or 0.0 for ln in lines)),
        euro(sum(ln.cofunding_eur or 0.0 for ln in lines)),
    )
    table = _table(header, [*rows, total], {1, 2, 3, 4, 8, 9, 10})
    return f"<h2>Regio's ({len(lines)})</h2>{table}"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def objective_section(objective: Mapping[str, object] | None) -> str:
    """The objective, its bound and what the bound proves, from the caller's figures.

    Recognised keys: ``objective`` and ``bound`` (numbers; the gap follows); every key is
    listed as given.
    """
    if not objective:
        return ""
    value, bound = _number(objective.get("objective")), _number(objective.get("bound"))
    scope = objective.get("bewezen over")
    among = f"onder {esc(scope)}" if scope else "onder dezelfde regels"
    proof = ""
    if value is not None and bound is not None and value > 0:
        gap = max(0.0, (value - bound) / value)
        proof = (
            f'<p class="note">De ondergrens {esc(f"{bound:,.1f}")} bewijst dat geen indeling '
            f"{among} een lagere doelwaarde haalt; deze indeling "
            f"({esc(f'{value:,.1f}')}) ligt hooguit {gap:.2%} boven het best mogelijke.</p>"
        )
    return f"<h2>Doelfunctie en ondergrens</h2>{proof}{value_html(dict(objective))}"


def comparison_section(comparison: Mapping[str, object] | None) -> str:
    """The comparison with the documented regions (figures from ``validate``), if given."""
    if not comparison:
        return ""
    return f"<h2>Vergelijking met de gedocumenteerde regio's</h2>{value_html(dict(comparison))}"


def parameters_section(parameters: Mapping[str, object] | None) -> str:
    """The parameters that made the result."""
    if not parameters:
        return ""
    return f"<h2>Parameters</h2>{value_html(dict(parameters))}"


def write_proposal_report(
    path: Path | str,
    *,
    instance: Instance,
    plan: Plan,
    config: Config | None = None,
    map_html: str | None = None,
    objective: Mapping[str, object] | None = None,
    comparison: Mapping[str, object] | None = None,
    parameters: Mapping[str, object] | None = None,
    region_stats: Sequence[RegionStats] | None = None,
    title: str | None = None,
) -> Path:
    """Write the HTML report of a proposed plan.

    Parameters
    ----------
    path : path
        The HTML file to write (written whole, replacing an existing one: the CLI guards).
    instance : Instance
    plan : Plan
        The proposal.
    config : Config, optional
        Rules (mbo reach) and budget parameters (defaults when absent).
    map_html : str, optional
        The self-contained map page (``render.map_page``), embedded in the report.
    objective : mapping, optional
        Figures of the objective (e.g. ``objective``, ``bound``, ``gap``, components).
    comparison : mapping, optional
        Figures of the comparison with the documented regions (``validate``), rendered as is.
    parameters : mapping, optional
        The parameters that made the plan.
    region_stats : sequence of RegionStats, optional
        ``evaluate.region_table`` of ``plan`` when already computed.
    title : str, optional

    Returns
    -------
    Path
    """
    cfg = config or Config()
    lines = region_lines(instance, plan, cfg, region_stats)
    title = title or f"Voorgestelde STO-regio's: {plan.name}"
    subtitle = (
        f"{len(lines)} regio's, {whole(sum(ln.stats.n_schools for ln in lines))} scholen; "
        f"gemaakt {date.today().isoformat()}"
    )
    sections = [
        f"<h2>Kaart</h2>{map_iframe(map_html)}",
        regions_section(lines),
        objective_section(objective),
        comparison_section(comparison),
        parameters_section(parameters),
    ]
    return _write(path, page(title, subtitle, sections))


# --------------------------------------------------------------------------------------------
# A what-if


def _status(status: str | None) -> str:
    if status is None:
        return ""
    return f'<span class="{esc(status)}">{esc(status)}</span>'


def changes_section(result: WhatIfResult, instance: Instance) -> str:
    """The requested changes with names and places, and the verdict."""
    rows = []
    for c in result.changes:
        s = instance.school(c.code)
        was = result.before.assignment.get(c.code)
        rows.append(
            (
                esc(c.kind),
                esc(c.code),
                esc(s.name),
                esc(s.place),
                esc(result.region_label(was)) if was else "geen",
                esc(result.region_label(c.region_id)) if c.region_id else "geen (stapt uit)",
            )
        )
    verdict = (
        '<span class="ok">houdt zich aan elke regel</span>'
        if result.valid_after
        else '<span class="broken">breekt een regel</span>'
    )
    table = _table(("Wijziging", "Code", "School", "Plaats", "Van", "Naar"), rows, set())
    return (
        f"<h2>Gevraagde wijzigingen</h2>{table}"
        f"<p>Na de wijzigingen {verdict} in de betrokken regio's.</p>"
    )


def repair_section(result: WhatIfResult, instance: Instance) -> str:
    """The repair: moves, proof, dissolved regions, or why none was found."""
    rep = result.repair
    parts = []
    if rep is not None:
        parts.append("<h2>Reparatie</h2>")
        if rep.status == "not_needed":
            parts.append("<p>Geen reparatie nodig.</p>")
        elif rep.status == "repaired":
            parts.append(f"<p>{esc(rep.headline())}</p>")
            rows = [
                (
                    esc(m.code),
                    esc(instance.school(m.code).name),
                    esc(result.region_label(m.from_region)),
                    esc(result.region_label(m.to_region)),
                )
                for m in rep.moves
            ]
            parts.append(_table(("Code", "School", "Van", "Naar"), rows, set()))
        else:
            items = "".join(f"<li>{esc(e)}</li>" for e in rep.explanation)
            parts.append(f'<p class="broken">Geen reparatie gevonden.</p><ul>{items}</ul>')
    if result.dissolved:
        gone = ", ".join(esc(result.region_label(r)) for r in result.dissolved)
        parts.append(
            f'<p class="note"><span class="dissolved">Opgeheven</span> (geen school meer): '
            f"{gone}. Regio's vóór: {len(result.before.regions)}, na: "
            f"{len(result.final.regions)}.</p>"
        )
    elif rep is not None and not result.allow_dissolve and rep.status != "not_needed":
        parts.append(
            "<p>De reparatie heft geen regio op (dat mag alleen met --allow-dissolve).</p>"
        )
    return "".join(parts)


def region_section(r: RegionReport) -> str:
    """One affected region: rules, figures and penvoerder before, after and repaired."""
    stages = [("vóór", r.before, r.penvoerder_before), ("na", r.after, r.penvoerder_after)]
    if r.repaired is not None:
        stages.append(("gerepareerd", r.repaired, r.penvoerder_repaired or r.penvoerder_after))
    header = ("", *(s for s, _, _ in stages))
    rows: list[Sequence[str]] = []
    for s in r.rules:
        cells = [s.before, s.after] + ([s.repaired] if r.repaired is not None else [])
        rows.append((esc(s.rule), *[_status(c) for c in cells]))
    rows.append(("scholen", *[whole(f.n_schools) for _, f, _ in stages]))
    rows.append(("techniekleerlingen lj 3-4", *[whole(f.technical_pupils) for _, f, _ in stages]))
    rows.append(("techniekarm", *["ja" if f.techniekarm else "nee" for _, f, _ in stages]))
    pv_cells = [esc(p) for _, _, p in stages]
    if r.penvoerder_changed:
        pv_cells = [f'<span class="changed">{c}</span>' for c in pv_cells]
    rows.append(("penvoerder", *pv_cells))
    notes = ""
    if r.dissolved:
        notes += '<p class="dissolved">Deze regio is opgeheven: er is geen school meer over.</p>'
    if r.penvoerder_changed:
        notes += (
            f'<p class="note">De penvoerder wisselt: {esc(r.penvoerder_before)} wordt '
            f"{esc(r.penvoerder_final)}.</p>"
        )
    messages = [m for s in r.rules for m in s.messages]
    if messages:
        notes += "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in messages) + "</ul>"
    return f"<h3>{esc(r.label)}</h3>{_table(header, rows, set())}{notes}"


def money_section(result: WhatIfResult) -> str:
    """Money before and after (the repair) of the regions shown, from the whole-plan budgets."""
    rows_in = result.money_repaired or result.money
    if not rows_in:
        return ""
    shown = {r.region_id for r in result.regions}
    after = "na reparatie" if result.money_repaired else "na"
    rows = [
        (
            esc(result.region_label(row["region_id"])),
            euro(row["transition_before_eur"]),
            euro(row["transition_after_eur"]),
            euro(row["structural_before_eur"]),
            euro(row["structural_after_eur"]),
            euro(row["cofunding_after_eur"]),
        )
        for row in rows_in
        if row["region_id"] in shown
    ]
    header = (
        "Regio",
        "Transitie vóór",
        f"Transitie {after}",
        "Structureel vóór",
        f"Structureel {after}",
        f"Cofinanciering {after}",
    )
    others = [row for row in rows_in if row["region_id"] not in shown]
    note = ""
    if others:
        worst = max(abs(row["structural_delta_eur"]) for row in others)
        note = (
            f"<p>{len(others)} andere regio's veranderen met hooguit {euro(worst)} structureel: "
            "het landelijke bedrag wordt opnieuw over de scholen verdeeld.</p>"
        )
    return f"<h2>Geld per jaar</h2>{_table(header, rows, {1, 2, 3, 4, 5})}{note}"


def write_whatif_report(
    path: Path | str,
    result: WhatIfResult,
    instance: Instance,
    *,
    map_html: str | None = None,
    parameters: Mapping[str, object] | None = None,
) -> Path:
    """Write the HTML report of a what-if.

    Parameters
    ----------
    path : path
        The HTML file to write (written whole).
    result : WhatIfResult
    instance : Instance
    map_html : str, optional
        The self-contained what-if map page, embedded in the report.
    parameters : mapping, optional
        The parameters of the run.

    Returns
    -------
    Path
    """
    title = f"What-if op {result.before.name}"
    broken = [v for v in result.full_check if v.severity == "broken"]
    whole_plan = (
        f"<p>De controle van het hele eindplan vindt {len(broken)} gebroken regel(s).</p>"
        + ("<ul>" + "".join(f"<li>{esc(v)}</li>" for v in broken[:20]) + "</ul>" if broken else "")
    )
    sections = [
        changes_section(result, instance),
        repair_section(result, instance),
        "<h2>Betrokken regio's</h2>" + "".join(region_section(r) for r in result.regions),
        money_section(result),
        f"<h2>Hele plan</h2>{whole_plan}",
        f"<h2>Kaart</h2>{map_iframe(map_html)}",
        parameters_section(parameters),
    ]
    subtitle = ", ".join(str(c) for c in result.changes) + f"; gemaakt {date.today().isoformat()}"
    return _write(path, page(title, subtitle, sections))
