"""The report of a proposed plan: its regions, the objective and its bound, the comparison."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from regionopt import dutch
from regionopt.budget import Budget, budget
from regionopt.config import Config
from regionopt.evaluate import RegionStats, region_table
from regionopt.instance import Instance
from regionopt.names import label, region_names
from regionopt.plan import Plan
from regionopt.report.labels import COMPONENTS, PAIR_COLUMNS, STATUS_TEXT
from regionopt.report.page import (
    esc,
    euro,
    html_table,
    map_iframe,
    page,
    parameters_section,
    value_html,
    value_text,
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


def _lookup(mapping: Mapping[str, object], path: Sequence[str]) -> object:
    """``mapping[path[0]][path[1]]...``, or ``None`` where a key is missing."""
    value: object = mapping
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


OBJECTIVE_ROWS: tuple[tuple[str, str], ...] = (
    ("status", "Status"),
    ("objective", "Doelwaarde van dit plan"),
    ("bound", "Ondergrens (bewezen)"),
    ("gap", "Marge tot de ondergrens (hooguit zo ver van het best mogelijke)"),
    ("scope", "De ondergrens geldt binnen"),
    ("branch_and_price", "Branch-and-price"),
    ("all_regions_bound", "Ondergrens over alle samenhangende regio's"),
    ("all_regions_gap", "Marge tot die ondergrens"),
)
"""Keys of the objective mapping the report knows -> Dutch label, in the report's order."""


def _objective_value(key: str, value: object) -> str:
    number = _number(value)
    if key == "status":
        return esc(STATUS_TEXT.get(str(value), str(value)))
    if key.endswith("gap") and number is not None:
        return dutch.percent(number)
    if key in ("objective", "bound", "all_regions_bound") and number is not None:
        return dutch.number(number, 1)
    return value_text(value, key)


def bound_sentence(objective: float, bound: float, scope: str | None) -> str:
    """What the bound proves, in plain Dutch (escaped HTML).

    No plan within the restriction ``scope`` has an objective below ``bound``, so the plan
    (``objective``) is at most ``(objective - bound) / objective`` from the best possible.
    """
    gap = max(0.0, (objective - bound) / objective) if objective > 0 else 0.0
    within = (
        f"binnen de beperking van de zoektocht ({esc(scope)})"
        if scope
        else "die aan dezelfde regels voldoet"
    )
    return (
        f'<p class="note">Lager is beter. Geen enkele indeling {within} heeft een doelwaarde '
        f"onder de ondergrens van <b>{dutch.number(bound, 1)}</b>. Dit plan heeft "
        f"{dutch.number(objective, 1)} en ligt dus hooguit <b>{dutch.percent(gap)}</b> boven "
        "de best mogelijke indeling.</p>"
    )


def components_table(
    components: Mapping[str, object], weights: Mapping[str, object] | None = None
) -> str:
    """The objective's parts: value, weight and what each adds to the objective (the
    components' own ``contributions``, which add up to the total)."""
    rows = []
    added = components.get("contributions")
    contributions = added if isinstance(added, Mapping) else {}
    for part in COMPONENTS:
        value = _number(_lookup(components, part.path))
        if value is None:
            continue
        weight = _number((weights or {}).get(part.weight))
        contribution = _number(contributions.get(part.part))
        rows.append(
            (
                esc(part.label),
                dutch.number(value),
                "" if weight is None else dutch.number(weight),
                "" if contribution is None else dutch.number(contribution, 1),
                esc(part.meaning),
            )
        )
    known = {p.path[-1] for p in COMPONENTS} | {"splits", "total", "gemeente", "contributions"}
    splits = components.get("splits")
    extra = {**(splits if isinstance(splits, Mapping) else {}), **components}
    for key, value in extra.items():
        number = _number(value)
        if key not in known and number is not None:
            rows.append((esc(key), dutch.number(number), "", "", ""))
    total = _number(components.get("total"))
    if total is not None:
        rows.append(("<b>Doelwaarde</b>", "", "", f"<b>{dutch.number(total, 1)}</b>", ""))
    header = ("Onderdeel", "Waarde", "Gewicht", "Bijdrage", "Betekenis")
    return html_table(header, rows, {1, 2, 3})


def objective_section(
    objective: Mapping[str, object] | None, weights: Mapping[str, object] | None = None
) -> str:
    """The objective, its bound and what the bound proves, from the caller's figures.

    Parameters
    ----------
    objective : mapping, optional
        Recognised keys (``OBJECTIVE_ROWS``): ``status``, ``objective``, ``bound``, ``gap``,
        ``scope`` (the restriction the bound holds within, in Dutch), ``branch_and_price``,
        ``all_regions_bound``, ``all_regions_gap``, and ``components``
        (``ObjectiveComponents.to_dict()``). Other keys are listed as given.
    weights : mapping, optional
        The ``[weights]`` of the run: each part's weight and contribution are shown.

    Returns
    -------
    str
        HTML; empty without figures.
    """
    if not objective:
        return ""
    value, bound = _number(objective.get("objective")), _number(objective.get("bound"))
    scope = objective.get("scope")
    proof = ""
    if value is not None and bound is not None:
        proof = bound_sentence(value, bound, str(scope) if scope else None)
    known = {k for k, _ in OBJECTIVE_ROWS} | {"components"}
    rows = [
        (esc(label), _objective_value(key, objective[key]))
        for key, label in OBJECTIVE_ROWS
        if objective.get(key) is not None
    ]
    rows += [(esc(k), value_text(v, k)) for k, v in objective.items() if k not in known]
    summary = html_table(("", ""), rows, set())
    components = objective.get("components")
    parts = ""
    if isinstance(components, Mapping) and components:
        parts = (
            "<h3>Waaruit de doelwaarde bestaat</h3><p>Elk onderdeel telt mee met zijn gewicht; "
            "de bijdragen tellen op tot de doelwaarde.</p>" + components_table(components, weights)
        )
    return f"<h2>Doelfunctie en ondergrens</h2>{proof}{summary}{parts}"


def _score_row(label: str, score: Mapping[str, object]) -> tuple[str, ...]:
    cells = []
    for key, _, kind in PAIR_COLUMNS:
        number = _number(score.get(key))
        if number is None:
            cells.append("")
        elif kind == "percent":
            cells.append(dutch.percent(number, 1))
        else:
            cells.append(dutch.whole(number))
    return (label, *cells)


def _spread(spread: object) -> str:
    if not isinstance(spread, Mapping):
        return ""
    parts = [_number(spread.get(k)) for k in ("smallest", "median", "largest")]
    return " / ".join("" if p is None else dutch.number(p) for p in parts)


def comparison_section(comparison: Mapping[str, object] | None) -> str:
    """The comparison with the documented regions (``proposal.validate_plan``), in Dutch.

    A mapping with ``plan`` (a ``validate.PairScore``-like dict), ``baselines`` (the same for
    each official partition) and ``sizes`` is shown as two tables; any other mapping is listed
    as given.
    """
    if not comparison:
        return ""
    head = "<h2>Vergelijking met de gedocumenteerde regio's</h2>"
    plan = comparison.get("plan")
    if not isinstance(plan, Mapping):
        return head + value_html(dict(comparison))
    name = plan.get("name")
    rows = [_score_row(f"<b>Dit plan</b> ({esc(name)})" if name else "<b>Dit plan</b>", plan)]
    baselines = comparison.get("baselines")
    for b in baselines if isinstance(baselines, list | tuple) else ():
        if isinstance(b, Mapping):
            rows.append(_score_row(esc(b.get("name", "")), b))
    header = ("Indeling", *(label for _, label, _ in PAIR_COLUMNS))
    pairs, regions = _number(plan.get("pairs")), _number(plan.get("regions_two_or_more"))
    unassigned = _number(plan.get("unassigned"))
    intro = (
        "<p>Elk paar gedocumenteerde scholen telt: staan ze in het plan samen of apart, net "
        "als in de gedocumenteerde regio's? F1 is het harmonisch gemiddelde van precisie "
        "(paren die het plan samenzet, staan ook echt samen) en recall (paren die echt samen "
        "staan, zet het plan samen). Ter vergelijking dezelfde maat voor bestaande "
        "indelingen van Nederland."
        + (f" {dutch.whole(pairs)} paren" if pairs is not None else "")
        + (
            f"; {dutch.whole(regions)} gedocumenteerde regio's met minstens twee scholen"
            if regions is not None
            else ""
        )
        + (
            f"; {dutch.whole(unassigned)} gedocumenteerde school/scholen zonder regio in het plan"
            if unassigned
            else ""
        )
        + ".</p>"
    )
    table = html_table(header, rows, set(range(1, len(header))))
    sizes = comparison.get("sizes")
    size_table = ""
    if isinstance(sizes, Mapping):
        labels = {
            "plan": "Dit plan",
            "documented_complete": "Volledig gedocumenteerde regio's (alleen gevonden scholen)",
        }
        size_rows = [
            (
                esc(labels.get(key, key)),
                value_text(s.get("regions")),
                _spread(s.get("schools")),
                _spread(s.get("technical_pupils")),
            )
            for key, s in sizes.items()
            if isinstance(s, Mapping)
        ]
        size_header = (
            "",
            "Regio's",
            "Scholen per regio (kleinste / mediaan / grootste)",
            "Techniekleerlingen per regio (kleinste / mediaan / grootste)",
        )
        size_table = "<h3>Omvang van de regio's</h3>" + html_table(
            size_header, size_rows, {1, 2, 3}
        )
    return head + intro + table + size_table


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
        Figures of the objective (``objective_section``).
    comparison : mapping, optional
        Figures of the comparison with the documented regions (``comparison_section``).
    parameters : mapping, optional
        The parameters that made the plan; its ``weights`` also weigh the objective's parts.
    region_stats : sequence of RegionStats, optional
        ``evaluate.region_table`` of ``plan`` when already computed.
    title : str, optional

    Returns
    -------
    Path
    """
    cfg = config or Config()
    lines = region_lines(instance, plan, cfg, region_stats)
    title = title or "Voorgestelde STO-regio's"
    subtitle = (
        f"Plan '{plan.name}': {len(lines)} regio's, "
        f"{whole(sum(ln.stats.n_schools for ln in lines))} scholen; "
        f"gemaakt {date.today().isoformat()}"
    )
    sections = [
        f"<h2>Kaart</h2>{map_iframe(map_html)}",
        regions_section(lines),
        objective_section(objective, _weights(parameters)),
        comparison_section(comparison),
        parameters_section(parameters),
    ]
    return write_page(path, page(title, subtitle, sections))


def _weights(parameters: Mapping[str, object] | None) -> Mapping[str, object] | None:
    weights = (parameters or {}).get("weights")
    return weights if isinstance(weights, Mapping) else None
