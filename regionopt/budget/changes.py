"""Which regions' money differs between two budgets (before and after a what-if)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from regionopt import dutch
from regionopt.budget.cents import CENTS_PER_EUR
from regionopt.budget.records import Budget, RegionBudget


@dataclass(frozen=True)
class StructuralSpread:
    """How the structural money of the regions a what-if does not show moves."""

    regions: int
    direction: str
    """``gain`` (every one gains), ``lose`` (every one loses) or ``mixed``."""
    low: float
    """Euros: the smallest gain or loss (``mixed``: the most negative change)."""
    high: float
    """Euros: the largest gain or loss (``mixed``: the most positive change)."""

    def dutch(self) -> str:
        """The sentence the Dutch outputs (report, web app) say it in."""
        low, high = dutch.euro(self.low), dutch.euro(self.high)
        moves = {
            "gain": f"krijgen {low} tot {high} meer",
            "lose": f"krijgen {low} tot {high} minder",
            "mixed": f"veranderen met {low} tot {high}",
        }[self.direction]
        return (
            f"{self.regions} andere regio's {moves} structureel geld per jaar: het landelijke "
            "bedrag wordt opnieuw over de scholen verdeeld."
        )


def structural_spread(
    rows: Iterable[dict[str, Any]], *, leaving_out: Iterable[str] = ()
) -> StructuralSpread | None:
    """How much the structural money of the other regions moves, and which way.

    Parameters
    ----------
    rows : iterable of dict
        From ``budget_changes``.
    leaving_out : iterable of str
        Regions shown on their own (not counted).

    Returns
    -------
    StructuralSpread or None
        None when no other region changes.
    """
    shown = set(leaving_out)
    deltas = [row["structural_delta_eur"] for row in rows if row["region_id"] not in shown]
    if not deltas:
        return None
    least, most = min(deltas), max(deltas)
    if least >= 0:
        return StructuralSpread(len(deltas), "gain", least, most)
    if most <= 0:
        return StructuralSpread(len(deltas), "lose", -most, -least)
    return StructuralSpread(len(deltas), "mixed", least, most)


def budget_changes(
    before: Budget, after: Budget, *, regions: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Regions whose money differs between two budgets, with both amounts (euros).

    Parameters
    ----------
    before, after : Budget
        Budgets of two plans (e.g. before and after a what-if).
    regions : iterable of str, optional
        Always include these regions, changed or not.

    Returns
    -------
    list of dict
        Per region ``region_id``, ``transition_before_eur``, ``transition_after_eur``,
        ``structural_before_eur``, ``structural_after_eur``, ``cofunding_before_eur``,
        ``cofunding_after_eur`` and the deltas; sorted by the size of the structural change.
    """
    forced = set(regions or ())
    ids = sorted(set(before.by_region) | set(after.by_region))
    empty = _EMPTY_REGION
    rows: list[dict[str, Any]] = []
    for rid in ids:
        b = before.by_region.get(rid, empty)
        a = after.by_region.get(rid, empty)
        fields = ("transition_cents", "structural_cents", "cofunding_cents")
        if rid not in forced and all(getattr(a, f) == getattr(b, f) for f in fields):
            continue
        row: dict[str, Any] = {"region_id": rid, "in_before": rid in before.by_region}
        row["in_after"] = rid in after.by_region
        for key in ("transition", "structural", "cofunding"):
            vb, va = getattr(b, f"{key}_cents"), getattr(a, f"{key}_cents")
            row[f"{key}_before_eur"] = vb / CENTS_PER_EUR
            row[f"{key}_after_eur"] = va / CENTS_PER_EUR
            row[f"{key}_delta_eur"] = (va - vb) / CENTS_PER_EUR
        rows.append(row)
    rows.sort(key=lambda r: (-abs(r["structural_delta_eur"]), r["region_id"]))
    return rows


_EMPTY_REGION = RegionBudget(
    region_id="",
    name="",
    n_schools=0,
    n_technical_schools=0,
    technical_pupils=0,
    transition_cents=0,
    transition_goals_cents=0,
    transition_schools_cents=0,
    structural_cents=0,
    structural_goals_cents=0,
    structural_schools_cents=0,
    cofunding_transition_cents=0,
    cofunding_structural_cents=0,
    cofunding_cents=0,
)
