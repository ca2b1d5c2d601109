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
    """Each part that adds to either plan's objective: its value and what it adds in each,
    and the difference of the second from the first (two plans, keyed by their labels)."""
    (a, comps_a), (b, comps_b) = scores.items()
    table = Table(title="Objective under the config's weights (each region from its best centre)")
    table.add_column("part")
    for label in (a, b):
        table.add_column(f"{label}: value", justify="right")
        table.add_column(f"{label}: adds", justify="right")
    table.add_column(f"{b} - {a}", justify="right")
    values_a, values_b = comps_a.values(), comps_b.values()
    adds_a, adds_b = comps_a.contributions, comps_b.contributions
    for key in dict.fromkeys([*adds_a, *adds_b]):
        add_a, add_b = adds_a.get(key, 0.0), adds_b.get(key, 0.0)
        if add_a or add_b:
            table.add_row(
                PART_NAMES.get(key, key),
                amount(values_a.get(key, 0.0)),
                f"{add_a:,.1f}",
                amount(values_b.get(key, 0.0)),
                f"{add_b:,.1f}",
                f"{add_b - add_a:+,.1f}",
            )
    table.add_row(
        "objective",
        "",
        f"{comps_a.total:,.1f}",
        "",
        f"{comps_b.total:,.1f}",
        f"{comps_b.total - comps_a.total:+,.1f}",
        style="bold",
    )
    return table
