"""Money per region and per school (DESIGN.md "Money"), exact to the euro cent.

Pure: works on an ``Instance`` and a ``Plan`` only (no geopandas, no files).

Formulas (every amount a parameter of ``BudgetConfig``, with its source there)
-------------------------------------------------------------------------------
transition [001]
    school amount = technical-profile pupils leerjaar 3-4 x ``transition_eur_per_pupil``;
    a region's amount is the sum over its schools.
structural [004]
    ``structural_national_eur`` is split over the schools *in the plan*: a share
    ``structural_base_share`` in equal parts over the schools with a technical profile (the
    fixed base), the rest pro rata by technical pupils. Schools with no technical pupils get no
    structural money. Both pots are rounded with the largest-remainder rule, so the schools'
    amounts add up to the national total to the cent.
regional goals / schools [000]
    of each region's amount, ``regional_goals_share`` (rounded to the cent) is for regional
    goals; the rest goes to the region's schools pro rata by technical pupils (largest
    remainder), so goals + schools = the region's amount exactly.
co-funding [000, 004]
    ``cofunding_share`` of a region's amount (rounded to the cent), for both phases;
    ``cofunding_eur`` follows ``cofunding_basis``.

Partial plans (e.g. the documented actual regions)
--------------------------------------------------
A plan that claims to be complete (a proposal, a what-if) divides the structural national
total over the schools it assigns: a school that opts out leaves its money to the others. A
plan documented only in part (``plan.complete`` false, the actual regions) gets what its
schools would get nationally: the per-unit amounts (base per school, euros per pupil) are
computed over every participating school of the instance, so its total is a share of the
national total. Schools the plan leaves out are counted in ``Budget.schools_not_in_plan``;
codes in the plan that are not participating schools, and ambiguous members, get no money.

Modules: ``cents`` (exact arithmetic), ``records`` (what a budget holds), ``split`` (``budget``)
and ``changes`` (``budget_changes``).
"""

from regionopt.budget.cents import CENTS_PER_EUR, largest_remainder, share_of, to_cents
from regionopt.budget.changes import budget_changes, structural_spread
from regionopt.budget.records import Budget, RegionBudget, SchoolBudget
from regionopt.budget.split import budget, plan_members

__all__ = [
    "CENTS_PER_EUR",
    "Budget",
    "RegionBudget",
    "SchoolBudget",
    "budget",
    "budget_changes",
    "largest_remainder",
    "plan_members",
    "share_of",
    "structural_spread",
    "to_cents",
]
