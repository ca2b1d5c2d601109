"""What a plan's money is: per school, per region and nationally, in cents (euro views)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from regionopt.budget.cents import CENTS_PER_EUR
from regionopt.config import BudgetConfig


class _InEuros:
    """Euro views of the transition and structural amounts kept in cents."""

    transition_cents: int
    structural_cents: int

    @property
    def transition_eur(self) -> float:
        """Transition amount in euros."""
        return self.transition_cents / CENTS_PER_EUR

    @property
    def structural_eur(self) -> float:
        """Structural amount in euros."""
        return self.structural_cents / CENTS_PER_EUR


@dataclass(frozen=True)
class SchoolBudget(_InEuros):
    """Money of one school in the plan, in cents (``*_eur`` properties give euros)."""

    code: str
    region_id: str
    technical_pupils: int
    transition_cents: int
    """What the school's pupils bring in: pupils x amount per pupil [001]."""
    transition_share_cents: int
    """The school's part of its region's schools' share (pro rata by technical pupils) [000]."""
    structural_cents: int
    """Base (if it has a technical profile) + its pupils' part of the national total [004]."""
    structural_share_cents: int
    """The school's part of its region's schools' share of the structural amount."""


@dataclass(frozen=True)
class RegionBudget(_InEuros):
    """Money of one region, in cents (``as_dict`` gives euros)."""

    region_id: str
    name: str
    n_schools: int
    n_technical_schools: int
    technical_pupils: int
    transition_cents: int
    transition_goals_cents: int
    transition_schools_cents: int
    structural_cents: int
    structural_goals_cents: int
    structural_schools_cents: int
    cofunding_transition_cents: int
    cofunding_structural_cents: int
    cofunding_cents: int
    """Co-funding required on the amount ``BudgetConfig.cofunding_basis`` names."""

    @property
    def cofunding_eur(self) -> float:
        """Required co-funding in euros."""
        return self.cofunding_cents / CENTS_PER_EUR

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ids, counts and every amount in euros (``*_eur``)."""
        out: dict[str, Any] = {
            "region_id": self.region_id,
            "name": self.name,
            "n_schools": self.n_schools,
            "n_technical_schools": self.n_technical_schools,
            "technical_pupils": self.technical_pupils,
        }
        for key in (
            "transition",
            "transition_goals",
            "transition_schools",
            "structural",
            "structural_goals",
            "structural_schools",
            "cofunding_transition",
            "cofunding_structural",
            "cofunding",
        ):
            out[f"{key}_eur"] = getattr(self, f"{key}_cents") / CENTS_PER_EUR
        return out


@dataclass(frozen=True)
class Budget:
    """Money of a plan: per region, per school, and the national figures used."""

    regions: tuple[RegionBudget, ...]
    schools: tuple[SchoolBudget, ...]
    total_transition_cents: int
    total_structural_cents: int
    structural_base_cents: int
    """The part of the national total paid as fixed bases."""
    n_technical_schools: int
    """Schools in the plan with a technical profile (they share the base)."""
    technical_pupils: int
    """Technical pupils of the schools in the plan (they share the per-pupil part)."""
    schools_not_in_plan: int
    """Participating schools that the plan does not assign (partial plans); they get nothing."""
    structural_base_per_school_eur: float = 0.0
    """Average fixed base per technical school (exact parts differ by at most a cent)."""
    structural_per_pupil_eur: float = 0.0
    """Average structural euros per technical pupil, beyond the base."""
    shared_nationally: bool = False
    """True for a partly documented plan: its schools get their national share."""
    config: BudgetConfig = field(default_factory=BudgetConfig)

    @cached_property
    def by_region(self) -> dict[str, RegionBudget]:
        """Region id -> its budget."""
        return {r.region_id: r for r in self.regions}

    @cached_property
    def by_school(self) -> dict[str, SchoolBudget]:
        """Vestiging code -> its budget."""
        return {s.code: s for s in self.schools}

    @property
    def total_structural_eur(self) -> float:
        """National structural total in euros (equals the parameter when the plan has schools)."""
        return self.total_structural_cents / CENTS_PER_EUR

    @property
    def total_transition_eur(self) -> float:
        """National transition total in euros."""
        return self.total_transition_cents / CENTS_PER_EUR

    def as_dict(self, *, per_school: bool = False) -> dict[str, Any]:
        """JSON-ready summary: ``regions`` (list), national totals and the parameters used."""
        out: dict[str, Any] = {
            "regions": [r.as_dict() for r in self.regions],
            "total_transition_eur": self.total_transition_eur,
            "total_structural_eur": self.total_structural_eur,
            "total_cofunding_eur": sum(r.cofunding_cents for r in self.regions) / CENTS_PER_EUR,
            "structural_base_per_school_eur": round(self.structural_base_per_school_eur, 2),
            "structural_per_pupil_eur": round(self.structural_per_pupil_eur, 2),
            "n_technical_schools": self.n_technical_schools,
            "technical_pupils": self.technical_pupils,
            "schools_not_in_plan": self.schools_not_in_plan,
            "parameters": self.config.model_dump(),
        }
        if per_school:
            out["schools"] = [
                {
                    "vestiging_code": s.code,
                    "region_id": s.region_id,
                    "technical_pupils": s.technical_pupils,
                    "transition_eur": s.transition_cents / CENTS_PER_EUR,
                    "transition_share_eur": s.transition_share_cents / CENTS_PER_EUR,
                    "structural_eur": s.structural_cents / CENTS_PER_EUR,
                    "structural_share_eur": s.structural_share_cents / CENTS_PER_EUR,
                }
                for s in self.schools
            ]
        return out
