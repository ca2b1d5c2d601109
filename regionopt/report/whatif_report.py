"""The report of a what-if: the changes, the repair, each affected region, the money."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from regionopt import dutch
from regionopt.budget import structural_spread
from regionopt.instance import Instance
from regionopt.report.page import (
    esc,
    euro,
    html_table,
    map_iframe,
    page,
    parameters_section,
    whole,
    write_page,
)
from regionopt.whatif import RegionReport, WhatIfResult


def _status(status: str | None) -> str:
    if status is None:
        return ""
    text = dutch.STATUS_LABELS.get(status, status)
    return f'<span class="{esc(status)}">{esc(text)}</span>'


def changes_section(
    result: WhatIfResult, instance: Instance, repaired: frozenset[str] = frozenset()
) -> str:
    """The requested changes with names and places, and the verdict; the ``repaired``
    schools' changes are marked as an accepted repair's."""
    rows = []
    for c in result.changes:
        s = instance.school(c.code)
        was = result.before.assignment.get(c.code)
        kind = dutch.CHANGE_NOUNS.get(c.kind, c.kind)
        rows.append(
            (
                esc(f"{kind} (aanvaarde reparatie)" if c.code in repaired else kind),
                esc(c.code),
                esc(s.name),
                esc(s.place),
                esc(result.region_label(was)) if was else "geen",
                esc(result.region_label(c.region_id)) if c.region_id else "geen (stapt uit)",
            )
        )
    if result.valid_after:
        verdict = (
            '<span class="ok">houdt het plan zich aan elke regel</span> in de betrokken regio\'s'
        )
    else:
        broken, kept = result.verdict_regions()
        verdict = '<span class="broken">breekt het plan een regel</span> in ' + esc(
            ", ".join(result.region_label(r) for r in broken)
        )
        if kept:
            verdict += "; " + esc(", ".join(result.region_label(r) for r in kept))
            verdict += " houdt" if len(kept) == 1 else " houden"
            verdict += " zich aan elke regel"
    table = html_table(("Wijziging", "Code", "School", "Plaats", "Van", "Naar"), rows, set())
    heading = (
        "Wijzigingen: gevraagd en een aanvaarde reparatie" if repaired else "Gevraagde wijzigingen"
    )
    return f"<h2>{heading}</h2>{table}<p>Na de wijzigingen {verdict}.</p>"


def repair_section(result: WhatIfResult, instance: Instance) -> str:
    """The repair: moves, proof, dissolved regions, or why none was found."""
    rep = result.repair
    parts = []
    if rep is not None:
        parts.append("<h2>Reparatie</h2>")
        if rep.status == "not_needed":
            parts.append("<p>Geen reparatie nodig.</p>")
        elif rep.status == "repaired":
            parts.append(f"<p>{esc(rep.headline_nl())}</p>")
            rows = [
                (
                    esc(m.code),
                    esc(instance.school(m.code).name),
                    esc(result.region_label(m.from_region)),
                    esc(result.region_label(m.to_region)),
                )
                for m in rep.moves
            ]
            parts.append(html_table(("Code", "School", "Van", "Naar"), rows, set()))
        else:
            items = "".join(f"<li>{esc(e.text_nl)}</li>" for e in rep.explanation)
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


def region_section(r: RegionReport, labels: Mapping[str, str] | None = None) -> str:
    """One affected region: rules, figures and penvoerder before, after and repaired.

    Parameters
    ----------
    r : RegionReport
    labels : mapping, optional
        Rule -> Dutch label (``WhatIfResult.rule_labels``; ``dutch.rule_labels()`` when absent).

    Returns
    -------
    str
        HTML.
    """
    labels = labels or dutch.rule_labels()
    stages = [("vóór", r.before, r.penvoerder_before), ("na", r.after, r.penvoerder_after)]
    if r.repaired is not None:
        stages.append(("gerepareerd", r.repaired, r.penvoerder_repaired or r.penvoerder_after))
    header = ("", *(s for s, _, _ in stages))
    rows: list[Sequence[str]] = []
    for s in r.rules:
        cells = [s.before, s.after] + ([s.repaired] if r.repaired is not None else [])
        rows.append((esc(labels.get(s.rule, s.rule)), *[_status(c) for c in cells]))
    rows.append(("Scholen", *[whole(f.n_schools) for _, f, _ in stages]))
    rows.append(("Techniekleerlingen lj 3-4", *[whole(f.technical_pupils) for _, f, _ in stages]))
    rows.append(("Techniekarm", *["ja" if f.techniekarm else "nee" for _, f, _ in stages]))
    pv_cells = [esc(p) for _, _, p in stages]
    if r.penvoerder_changed:
        pv_cells = [f'<span class="changed">{c}</span>' for c in pv_cells]
    rows.append(("Penvoerder", *pv_cells))
    notes = ""
    if r.dissolved:
        notes += '<p class="dissolved">Deze regio is opgeheven: er is geen school meer over.</p>'
    if r.penvoerder_changed:
        notes += (
            f'<p class="note">De penvoerder wisselt: {esc(r.penvoerder_before)} wordt '
            f"{esc(r.penvoerder_final)}.</p>"
        )
    messages = [m for s in r.rules for m in (s.messages_nl or s.messages)]
    if messages:
        notes += "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in messages) + "</ul>"
    return f"<h3>{esc(r.label)}</h3>{html_table(header, rows, set())}{notes}"


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
    spread = structural_spread(rows_in, leaving_out=shown)
    note = "" if spread is None else f"<p>{esc(spread.dutch())}</p>"
    return f"<h2>Geld per jaar</h2>{html_table(header, rows, {1, 2, 3, 4, 5})}{note}"


def write_whatif_report(
    path: Path | str,
    result: WhatIfResult,
    instance: Instance,
    *,
    map_html: str | None = None,
    parameters: Mapping[str, object] | None = None,
    repaired: frozenset[str] = frozenset(),
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
    repaired : frozenset of str, optional
        Schools among the changes that an accepted repair moved (the web app's report).

    Returns
    -------
    Path
    """
    title = f"Wat-als-analyse op plan '{result.before.name}'"
    broken = [v for v in result.full_check if v.severity == "broken"]
    found = "".join(f"<li>{esc(v.dutch(result.rule_labels))}</li>" for v in broken[:20])
    whole_plan = (
        f"<p>De controle van het hele eindplan vindt {len(broken)} gebroken regel(s).</p>"
        + (f"<ul>{found}</ul>" if broken else "")
    )
    sections = [
        changes_section(result, instance, repaired),
        repair_section(result, instance),
        "<h2>Betrokken regio's</h2>"
        + "".join(region_section(r, result.rule_labels) for r in result.regions),
        money_section(result),
        f"<h2>Hele plan</h2>{whole_plan}",
        f"<h2>Kaart</h2>{map_iframe(map_html)}",
        parameters_section(parameters),
    ]
    asked = ", ".join(dutch.change_text(c.kind, c.code, c.region_id) for c in result.changes)
    subtitle = f"{asked}; gemaakt {date.today().isoformat()}"
    return write_page(path, page(title, subtitle, sections))
