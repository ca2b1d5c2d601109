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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from regionopt.config import MAX_EUR, MAX_EUR_PER_PUPIL, BudgetConfig
from regionopt.errors import InputError, Problem
from regionopt.instance import Instance
from regionopt.plan import Plan

CENTS_PER_EUR = 100


def to_cents(euros: float) -> int:
    """Euros (a parameter, possibly a float like 0.1 * x) to whole cents, half up."""
    return int((Decimal(str(euros)) * CENTS_PER_EUR).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def share_of(cents: int, share: float) -> int:
    """``share`` of an amount in cents, rounded half up to a whole cent (exact decimals)."""
    return int(
        (Decimal(cents) * Decimal(str(share))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` (integer, e.g. cents) pro rata to integer ``weights``, summing exactly.

    Every part gets the floor of its exact quota; the units left over go one each to the parts
    with the largest remainders (ties: the earlier part). Exact integer arithmetic, no floats.

    Parameters
    ----------
    total : int
        The amount to split (>= 0).
    weights : sequence of int
        Non-negative weights; when they sum to 0, every part is 0 (nothing to split over).

    Returns
    -------
    list of int
        Parts with ``sum(parts) == total`` (or all zeros when the weights sum to 0).
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("largest_remainder needs a non-negative total and weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


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


def plan_members(instance: Instance, plan: Plan) -> dict[str, list[int]]:
    """Region id -> ids of the participating schools the plan assigns to it (certain members).

    Codes that are not participating schools are skipped (the checker reports them); ambiguous
    members are never counted. Regions appear in the plan's sorted order, also when empty.
    """
    members: dict[str, list[int]] = {r: [] for r in plan.regions}
    for code, region in plan.assignment.items():
        sid = instance.index.get(code)
        if sid is not None:
            members[region].append(sid)
    for ids in members.values():
        ids.sort()
    return members


def budget(instance: Instance, plan: Plan, config: BudgetConfig | None = None) -> Budget:
    """Transition and structural money per region and per school of ``plan``.

    Parameters
    ----------
    instance : Instance
        The schools (technical pupils per school).
    plan : Plan
        The regions; a partial plan is allowed (see the module docstring).
    config : BudgetConfig, optional
        Amounts and shares (default: the documented defaults).

    Returns
    -------
    Budget
        Exact to the cent: the schools' structural amounts sum to ``structural_national_eur``
        (when the plan has technical pupils or technical schools), each region's transition
        amount is its technical pupils x the amount per pupil, and goals + schools' share =
        the region's amount.
    """
    config = config or BudgetConfig()
    _check_amounts(config)
    members = plan_members(instance, plan)
    ids = sorted(sid for region_ids in members.values() for sid in region_ids)
    # Who shares the national pots: the plan's schools, or everyone when it is partial.
    payees = ids if plan.complete else list(range(instance.n))
    pupils = {sid: int(instance.schools[sid].technical_pupils) for sid in payees}
    technical = [sid for sid in payees if pupils[sid] > 0]

    # Structural: two pots, each split exactly (largest remainder) over the schools in the plan.
    national = to_cents(config.structural_national_eur)
    if not technical:
        national = 0  # nobody to pay: the total cannot be met, report 0 rather than invent
    base_pot = share_of(national, config.structural_base_share)
    pupil_pot = national - base_pot
    base_parts = largest_remainder(base_pot, [1] * len(technical))
    pupil_parts = largest_remainder(pupil_pot, [pupils[sid] for sid in technical])
    structural = dict.fromkeys(payees, 0)
    for sid, b, p in zip(technical, base_parts, pupil_parts, strict=True):
        structural[sid] = b + p

    per_pupil = to_cents(config.transition_eur_per_pupil)
    transition = {sid: pupils[sid] * per_pupil for sid in ids}

    school_rows: list[SchoolBudget] = []
    region_rows: list[RegionBudget] = []
    for region, region_ids in members.items():
        weights = [pupils[sid] for sid in region_ids]
        t_total = sum(transition[sid] for sid in region_ids)
        s_total = sum(structural[sid] for sid in region_ids)
        t_goals = share_of(t_total, config.regional_goals_share)
        s_goals = share_of(s_total, config.regional_goals_share)
        t_parts = _split_to_schools(t_total - t_goals, weights)
        s_parts = _split_to_schools(s_total - s_goals, weights)
        for sid, tp, sp in zip(region_ids, t_parts, s_parts, strict=True):
            school_rows.append(
                SchoolBudget(
                    code=instance.schools[sid].code,
                    region_id=region,
                    technical_pupils=pupils[sid],
                    transition_cents=transition[sid],
                    transition_share_cents=tp,
                    structural_cents=structural[sid],
                    structural_share_cents=sp,
                )
            )
        co_t = share_of(t_total, config.cofunding_share)
        co_s = share_of(s_total, config.cofunding_share)
        region_rows.append(
            RegionBudget(
                region_id=region,
                name=plan.region_name(region),
                n_schools=len(region_ids),
                n_technical_schools=sum(1 for sid in region_ids if pupils[sid] > 0),
                technical_pupils=sum(weights),
                transition_cents=t_total,
                transition_goals_cents=t_goals,
                transition_schools_cents=t_total - t_goals,
                structural_cents=s_total,
                structural_goals_cents=s_goals,
                structural_schools_cents=s_total - s_goals,
                cofunding_transition_cents=co_t,
                cofunding_structural_cents=co_s,
                cofunding_cents=co_s if config.cofunding_basis == "structural" else co_t,
            )
        )
    return Budget(
        regions=tuple(region_rows),
        schools=tuple(sorted(school_rows, key=lambda s: (s.region_id, s.code))),
        total_transition_cents=sum(transition.values()),
        total_structural_cents=sum(structural[sid] for sid in ids),
        structural_base_cents=base_pot,
        n_technical_schools=sum(1 for sid in ids if pupils[sid] > 0),
        technical_pupils=sum(pupils[sid] for sid in ids),
        schools_not_in_plan=instance.n - len(ids),
        structural_base_per_school_eur=base_pot / len(technical) / CENTS_PER_EUR
        if technical
        else 0.0,
        structural_per_pupil_eur=(
            pupil_pot / sum(pupils[sid] for sid in technical) / CENTS_PER_EUR if technical else 0.0
        ),
        shared_nationally=not plan.complete,
        config=config,
    )


def _check_amounts(config: BudgetConfig) -> None:
    """Refuse amounts the exact cent arithmetic cannot hold (a config built without validation).

    ``load_config`` already refuses them; this guards ``BudgetConfig.model_construct`` and
    ``model_copy(update=...)``, which skip validation.
    """
    limits = {
        "transition_eur_per_pupil": MAX_EUR_PER_PUPIL,
        "structural_national_eur": MAX_EUR,
        "structural_base_share": 1.0,
        "regional_goals_share": 1.0,
        "cofunding_share": 1.0,
    }
    problems = [
        Problem(
            "config",
            f"budget.{key}",
            f"{getattr(config, key)!r} is not a finite amount between 0 and {limit:,.0f}",
            "use a smaller amount (see `regionopt config`)",
        )
        for key, limit in limits.items()
        if not (
            isinstance(getattr(config, key), int | float) and 0 <= getattr(config, key) <= limit
        )
    ]
    if problems:
        raise InputError(problems, title="Invalid budget parameters")


def _split_to_schools(total: int, weights: list[int]) -> list[int]:
    """A region's schools' share pro rata by technical pupils; equal parts if none have any."""
    if sum(weights) == 0:
        # Only possible with a zero amount unless a parameter pays regions without pupils.
        return largest_remainder(total, [1] * len(weights)) if weights else []
    return largest_remainder(total, weights)


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
