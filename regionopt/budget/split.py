"""``budget``: split the transition and structural money of a plan over its regions and schools."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from regionopt.budget.cents import CENTS_PER_EUR, largest_remainder, share_of, to_cents
from regionopt.budget.records import Budget, RegionBudget, SchoolBudget
from regionopt.config import MAX_EUR, MAX_EUR_PER_PUPIL, BudgetConfig
from regionopt.errors import InputError, Problem
from regionopt.instance import Instance
from regionopt.plan import Plan


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
    structural, base_pot, pupil_pot = _structural(config, payees, technical, pupils)
    per_pupil = to_cents(config.transition_eur_per_pupil)
    transition = {sid: pupils[sid] * per_pupil for sid in ids}
    school_rows: list[SchoolBudget] = []
    region_rows: list[RegionBudget] = []
    for region, region_ids in members.items():
        codes = [instance.schools[sid].code for sid in region_ids]
        amounts = _Amounts(
            pupils=[pupils[sid] for sid in region_ids],
            transition=[transition[sid] for sid in region_ids],
            structural=[structural[sid] for sid in region_ids],
        )
        region_rows.append(_region_budget(region, plan.region_name(region), amounts, config))
        school_rows += _school_budgets(region, codes, amounts, config)
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


def _structural(
    config: BudgetConfig, payees: list[int], technical: list[int], pupils: Mapping[int, int]
) -> tuple[dict[int, int], int, int]:
    """Each payee's structural cents, the base pot and the per-pupil pot.

    Two pots, each split exactly (largest remainder) over the schools with technical pupils:
    the base in equal parts, the rest pro rata by technical pupils.
    """
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
    return structural, base_pot, pupil_pot


@dataclass(frozen=True)
class _Amounts:
    """Per school of one region, in school order: technical pupils, transition and structural
    cents."""

    pupils: list[int]
    transition: list[int]
    structural: list[int]


def _region_budget(region: str, name: str, amounts: _Amounts, config: BudgetConfig) -> RegionBudget:
    """A region's amounts: the sum over its schools, the goals' share and the co-funding."""
    t_total, s_total = sum(amounts.transition), sum(amounts.structural)
    t_goals = share_of(t_total, config.regional_goals_share)
    s_goals = share_of(s_total, config.regional_goals_share)
    co_t = share_of(t_total, config.cofunding_share)
    co_s = share_of(s_total, config.cofunding_share)
    return RegionBudget(
        region_id=region,
        name=name,
        n_schools=len(amounts.pupils),
        n_technical_schools=sum(1 for n in amounts.pupils if n > 0),
        technical_pupils=sum(amounts.pupils),
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


def _school_budgets(
    region: str, codes: list[str], amounts: _Amounts, config: BudgetConfig
) -> list[SchoolBudget]:
    """The region's schools: what each brings in, and its part of the schools' share."""
    t_total, s_total = sum(amounts.transition), sum(amounts.structural)
    t_parts = _split_to_schools(
        t_total - share_of(t_total, config.regional_goals_share), amounts.pupils
    )
    s_parts = _split_to_schools(
        s_total - share_of(s_total, config.regional_goals_share), amounts.pupils
    )
    return [
        SchoolBudget(
            code=code,
            region_id=region,
            technical_pupils=n,
            transition_cents=t,
            transition_share_cents=tp,
            structural_cents=st,
            structural_share_cents=sp,
        )
        for code, n, t, st, tp, sp in zip(
            codes,
            amounts.pupils,
            amounts.transition,
            amounts.structural,
            t_parts,
            s_parts,
            strict=True,
        )
    ]


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
