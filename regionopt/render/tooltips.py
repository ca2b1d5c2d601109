"""Tooltips of regions, schools and mbo locations (Dutch; every data value escaped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regionopt.render.text import cell, esc, euro, profile_rows, rows_html, whole, yes_no


def region_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a proposed region: name, schools, pupils per profile, money."""
    rows = [
        ("Aantal scholen", whole(cell(row, "n_schools"))),
        ("Techniekleerlingen lj 3-4", whole(cell(row, "technical"))),
        *profile_rows(row),
        ("Beroepsgericht lj 3-4", whole(cell(row, "beroepsgericht"))),
        ("Techniekarm", yes_no(cell(row, "techniekarm"))),
        ("Penvoerder", esc(cell(row, "penvoerder")) or "onbekend"),
        ("Mbo-partners", esc(cell(row, "mbo_partners")) or "onbekend"),
        ("Budget per jaar (structureel)", euro(cell(row, "budget_eur"))),
    ]
    if cell(row, "transition_eur") is not None:
        rows.append(("Budget transitiefase", euro(cell(row, "transition_eur"))))
    if cell(row, "cofunding_eur") is not None:
        rows.append(("Cofinanciering bedrijven", euro(cell(row, "cofunding_eur"))))
    note = esc(cell(row, "note"))
    return (
        f"<b>{esc(cell(row, 'name') or row['region_id'])}</b> "
        f"<small>({esc(row['region_id'])})</small><table>{rows_html(rows)}</table>"
        + (f'<div class="ro-note">{note}</div>' if note else "")
    )


def actual_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a documented actual region, saying how complete the record is."""
    partial = bool(cell(row, "partial", False))
    rows = [
        ("Gedocumenteerde scholen", whole(cell(row, "n_documented"))),
        ("Ambigue leden", whole(cell(row, "n_ambiguous", 0))),
        ("Techniekleerlingen lj 3-4 (gedocumenteerd)", whole(cell(row, "technical"))),
        ("Volledig gedocumenteerd", "nee (ondergrens)" if partial else "ja"),
    ]
    return (
        f"<b>{esc(cell(row, 'name') or row['region_id'])}</b> "
        f"<small>(huidige regio, {esc(row['region_id'])})</small><table>{rows_html(rows)}</table>"
    )


def school_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a school: code, name, place, pupils per profile and its regions."""
    rows = [
        ("Code", esc(row["code"])),
        ("Plaats", esc(cell(row, "place"))),
        ("Techniekleerlingen lj 3-4", whole(cell(row, "technical"))),
        *profile_rows(row),
        ("Beroepsgericht lj 3-4", whole(cell(row, "beroepsgericht"))),
        ("Technisch profiel", yes_no(cell(row, "has_technical"))),
        ("Regio", esc(cell(row, "region_name") or cell(row, "region_id")) or "geen"),
    ]
    if "actual_region_id" in row:
        actual = cell(row, "actual_region_name") or cell(row, "actual_region_id")
        title = esc(cell(row, "actual_label"))
        rows.append(
            (title or "Huidige regio", esc(actual) or ("geen" if title else "niet gedocumenteerd"))
        )
    note = esc(cell(row, "difference"))
    return f"<b>{esc(row['name'])}</b><table>{rows_html(rows)}</table>" + (
        f'<div class="ro-note">{note}</div>' if note else ""
    )


def mbo_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of an mbo location."""
    code = esc(cell(row, "code"))
    return f"<b>{esc(row['name'])}</b><br>mbo-locatie, {esc(cell(row, 'city'))}" + (
        f"<br><small>{code}</small>" if code else ""
    )


def ambiguous_tooltip(row: Mapping[str, Any]) -> str:
    """Dutch tooltip of a candidate location of an ambiguous documented member."""
    return (
        f"<b>{esc(row['name'])}</b> <small>({esc(row['code'])})</small><br>"
        f"Ambigu lid van <b>{esc(cell(row, 'region_name') or row['region_id'])}</b>: "
        f"de bron noemt &laquo;{esc(cell(row, 'label'))}&raquo;, "
        f"een van: {esc(cell(row, 'candidates'))}"
    )


def reference_tooltip(row: Mapping[str, Any]) -> str:
    """Tooltip of a reference region: a documented actual one, or the plan before a change."""
    if "n_documented" in row:
        return actual_tooltip(row)
    return region_tooltip(row)
