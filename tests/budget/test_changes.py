"""How the other regions' structural money moves in a what-if, by hand."""

from __future__ import annotations

from regionopt.budget.changes import StructuralSpread, structural_spread


def _rows(deltas: dict[str, float]) -> list[dict[str, object]]:
    return [{"region_id": r, "structural_delta_eur": d} for r, d in deltas.items()]


def test_structural_spread_keeps_the_sign_and_leaves_the_shown_regions_out() -> None:
    rows = _rows({"A": -900.0, "B": 12.5, "C": 40.0, "D": 3.0})
    assert structural_spread(rows, leaving_out={"A"}) == StructuralSpread(3, "gain", 3.0, 40.0)
    assert structural_spread(rows) == StructuralSpread(4, "mixed", -900.0, 40.0)
    losing = _rows({"A": -900.0, "B": -12.5})
    assert structural_spread(losing) == StructuralSpread(2, "lose", 12.5, 900.0)
    assert structural_spread(rows, leaving_out={"A", "B", "C", "D"}) is None
