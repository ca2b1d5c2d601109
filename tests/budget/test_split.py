"""The budget of a plan: exact to the cent, national shares of partial plans, on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionopt.budget import budget, to_cents
from regionopt.config import BudgetConfig
from regionopt.errors import InputError
from regionopt.plan import Plan
from tests.cases import SEVEN_POINTS, SEVEN_TECHNICAL, lettered_plan
from tests.conftest import make_instance

# Seven schools; technical pupils chosen so that the splits leave remainders.


# --------------------------------------------------------------------------------------------
# largest remainder


# --------------------------------------------------------------------------------------------
# budget


def test_budget_totals_are_exact() -> None:
    inst = make_instance(SEVEN_POINTS, technical=SEVEN_TECHNICAL)
    cfg = BudgetConfig(
        transition_eur_per_pupil=1234.57,
        structural_national_eur=1_000_000.01,
        structural_base_share=0.37,
        regional_goals_share=0.23,
        cofunding_share=0.1,
    )
    money = budget(inst, lettered_plan("AABBBCC"), cfg)
    # Structural: the schools' amounts add up to the national total, to the cent.
    assert money.total_structural_cents == to_cents(1_000_000.01) == 100_000_001
    assert sum(s.structural_cents for s in money.schools) == 100_000_001
    assert sum(r.structural_cents for r in money.regions) == 100_000_001
    # Transition: pupils x amount per pupil, per school, per region and nationally.
    assert money.total_transition_cents == sum(SEVEN_TECHNICAL) * 123_457
    for s in money.schools:
        assert s.transition_cents == s.technical_pupils * 123_457
    for r in money.regions:
        assert r.transition_cents == r.technical_pupils * 123_457
        # Goals + schools' share = the region's amount, and the schools' share adds up.
        assert r.transition_goals_cents + r.transition_schools_cents == r.transition_cents
        assert r.structural_goals_cents + r.structural_schools_cents == r.structural_cents
        mine = [s for s in money.schools if s.region_id == r.region_id]
        assert sum(s.transition_share_cents for s in mine) == r.transition_schools_cents
        assert sum(s.structural_share_cents for s in mine) == r.structural_schools_cents
        assert r.cofunding_cents == round(r.structural_cents * 0.1)
    # Schools without technical pupils get no structural money; the base is equal (+-1 cent).
    assert all(s.structural_cents == 0 for s in money.schools if s.technical_pupils == 0)
    assert money.n_technical_schools == 5


def test_structural_base_and_per_pupil_by_hand() -> None:
    # Two technical schools with 10 and 30 pupils, EUR 1000 national, 40% base.
    inst = make_instance([(0, 0), (3, 0), (6, 0)], technical=[10, 30, 0])
    cfg = BudgetConfig(structural_national_eur=1000.0, structural_base_share=0.4)
    money = budget(inst, lettered_plan("AAB"), cfg)
    by = money.by_school
    # Base EUR 400 -> 200 each; per pupil EUR 600 / 40 = 15 -> 150 and 450.
    assert by["00AA00"].structural_cents == 35_000
    assert by["01AA00"].structural_cents == 65_000
    assert by["02AA00"].structural_cents == 0
    assert money.by_region["A"].structural_cents == 100_000


def test_documented_partial_plan_gets_its_national_share() -> None:
    inst = make_instance(SEVEN_POINTS, technical=SEVEN_TECHNICAL)
    full = budget(inst, lettered_plan("AABBCCC"), BudgetConfig(structural_national_eur=500.0))
    part = lettered_plan("AAB....")
    documented = Plan(rows=part.rows, complete=False)
    money = budget(inst, documented, BudgetConfig(structural_national_eur=500.0))
    # Each documented school gets exactly what it gets in the national (complete) plan.
    for code, school in money.by_school.items():
        assert school.structural_cents == full.by_school[code].structural_cents
    assert money.total_structural_cents < 50_000


def test_plan_without_some_schools_divides_over_its_schools() -> None:
    inst = make_instance(SEVEN_POINTS, technical=SEVEN_TECHNICAL)
    money = budget(inst, lettered_plan("AAB...."), BudgetConfig(structural_national_eur=500.0))
    assert money.schools_not_in_plan == 4
    assert money.total_structural_cents == 50_000
    assert money.technical_pupils == 13 + 7


# --------------------------------------------------------------------------------------------
# adjusted Rand index and pair counts, by hand


# --------------------------------------------------------------------------------------------
# real data


@pytest.mark.realdata
def test_budget_on_real_data(workspace) -> None:
    from tests.national import rmc_plan

    inst = workspace.instance
    plan = rmc_plan(inst, Path(workspace.loaded.report.data_dir))
    cfg = workspace.config.budget
    money = budget(inst, plan, cfg)
    assert money.total_structural_cents == to_cents(cfg.structural_national_eur)
    assert sum(r.structural_cents for r in money.regions) == money.total_structural_cents
    in_plan = [inst.school(c) for c in plan.assignment]
    per_pupil = to_cents(cfg.transition_eur_per_pupil)
    assert money.total_transition_cents == sum(s.technical_pupils for s in in_plan) * per_pupil


def test_budget_refuses_amounts_that_skipped_validation() -> None:
    inst = make_instance([(0, 0), (1, 0)])
    plan = Plan(rows=(("00AA00", "R1"), ("01AA00", "R1")))
    for amount in (float("inf"), float("nan"), 1e300, -1.0):
        with pytest.raises(InputError, match=r"budget\.structural_national_eur"):
            budget(inst, plan, BudgetConfig.model_construct(structural_national_eur=amount))
