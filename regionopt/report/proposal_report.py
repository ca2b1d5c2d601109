"""The report of a proposed plan: its regions, the objective and its bound, the comparison."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from regionopt.budget import Budget, budget
from regionopt.config import Config
from regionopt.evaluate import RegionStats, region_table
from regionopt.instance import Instance
from regionopt.names import label, region_names
from regionopt.plan import Plan
from regionopt.report.page import (
    esc,
    euro,
    html_table,
    map_iframe,
    page,
    parameters_section,
    value_html,
    whole,
    write_page,
)


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
    table = html_table(header, [*rows, total], {1, 2, 3, 4, 8, 9, 10})
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
    return write_page(path, page(title, subtitle, sections))
