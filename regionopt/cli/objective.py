"""The objective's parts as the terminal names them: for ``propose`` and ``compare``."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from regionopt.model.objective import ObjectiveComponents

PART_NAMES: dict[str, str] = {
    "cut_pupils": "cut commuting pupils",
    "compactness_km": "km to the penvoerder",
    "gemeente": "gemeente splits",
    "rpa": "labour-market region (RPA) splits",
    "bestuur": "bestuur splits",
    "mbo": "mbo institution splits",
    "size_balance": "deviation from the mean size",
    "reference_moves": "moves from the reference plan",
}
"""The objective's parts as the terminal names them."""


def objective_parts(comps: ObjectiveComponents) -> list[tuple[str, float, float]]:
    """Each part that adds to the objective: its name, its value in its own units and what
    it adds (``ObjectiveComponents.contributions``)."""
    values = comps.values()
    return [
        (PART_NAMES.get(key, key), values.get(key, 0.0), adds)
        for key, adds in comps.contributions.items()
        if adds
    ]


def amount(value: float) -> str:
    """A part's value: counts without decimals, the rest with one."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def objectives_table(scores: Mapping[str, ObjectiveComponents]) -> Table:
    """Each part that adds to a plan's objective: its value and what it adds in each plan
    (one or two, keyed by their labels), and with two, the difference of the second from
    the first."""
    labels = list(scores)
    table = Table(title="Objective under the config's weights (each region from its best centre)")
    table.add_column("part")
    for label in labels:
        table.add_column(f"{label}: value", justify="right")
        table.add_column(f"{label}: adds", justify="right")
    paired = len(labels) == 2
    if paired:
        table.add_column(f"{labels[1]} - {labels[0]}", justify="right")
    values = [scores[label].values() for label in labels]
    adds = [scores[label].contributions for label in labels]
    for key in dict.fromkeys(k for part in adds for k in part):
        added = [part.get(key, 0.0) for part in adds]
        if any(added):
            cells = [
                cell
                for plan_values, add in zip(values, added, strict=True)
                for cell in (amount(plan_values.get(key, 0.0)), f"{add:,.1f}")
            ]
            difference = [f"{added[1] - added[0]:+,.1f}"] if paired else []
            table.add_row(PART_NAMES.get(key, key), *cells, *difference)
    totals = [scores[label].total for label in labels]
    cells = [cell for total in totals for cell in ("", f"{total:,.1f}")]
    difference = [f"{totals[1] - totals[0]:+,.1f}"] if paired else []
    table.add_row("objective", *cells, *difference, style="bold")
    return table
