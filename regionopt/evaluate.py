"""Per-region figures of any plan: schools, pupils by profile, techniekarm, penvoerder, mbo.

Pure: numbers from the instance and the plan; the budget figures come in from
``regionopt.budget`` when given. Used by ``propose``, ``map``, ``whatif`` and ``compare``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from regionopt.config import RulesConfig
from regionopt.instance import PROFILES, Instance
from regionopt.model.rules import RegionRules
from regionopt.plan import OPTED_OUT, Plan

OPTED_OUT_NAME = "doet niet mee"
"""The region_name of a school that takes no part, in ``regions.csv``."""

TECHNIEKARM_SHARE = 0.10
"""A region is techniekarm below 10% technical-profile pupils among beroepsgerichte [001]."""


def is_techniekarm(technical: int, beroepsgericht: int) -> bool:
    """True when under 10% of the beroepsgerichte lj 3-4 pupils are technical [001].

    A region with no beroepsgerichte pupils at all is not called techniekarm.
    """
    return beroepsgericht > 0 and technical / beroepsgericht < TECHNIEKARM_SHARE


@dataclass(frozen=True)
class RegionStats:
    """Figures of one region."""

    region_id: str
    name: str
    n_schools: int
    n_vmbo: int
    codes: tuple[str, ...]
    technical_by_profile: Mapping[str, int]
    technical_total: int
    beroepsgericht: int
    technical_share: float
    techniekarm: bool
    penvoerder: str
    """Penvoerder candidate: the member with most technical-profile pupils ('' if none)."""
    penvoerder_name: str
    mbo_partners: tuple[str, ...]
    """The mbo institutions that serve the member schools (most locations within reach of
    the school), the one serving most members first."""
    partial: bool
    budget: Mapping[str, float] = field(default_factory=dict)

    def to_row(self) -> dict[str, object]:
        """Flat, JSON/CSV-ready form (profiles as ``technical_BWI`` ..., codes ``;``-joined)."""
        row = asdict(self)
        row.pop("technical_by_profile")
        row.pop("budget")
        row["codes"] = ";".join(self.codes)
        row["mbo_partners"] = ";".join(self.mbo_partners)
        for p in PROFILES:
            row[f"technical_{p}"] = self.technical_by_profile.get(p, 0)
        row.update({k: round(v, 2) for k, v in self.budget.items()})
        return row


def penvoerder_candidate(instance: Instance, ids: list[int]) -> int | None:
    """The member with most technical-profile pupils (ties: lowest code), or None."""
    best = [i for i in ids if instance.schools[i].technical_pupils > 0]
    if not best:
        return None
    return max(best, key=lambda i: (instance.schools[i].technical_pupils, -i))


def _serving_partners(instance: Instance, ids: list[int], serving: list[str]) -> list[str]:
    """The institutions that serve the members (``Instance.serving_institutions``), by name:
    the one serving most members first, then by name."""
    names = {m.institution: m.institution_name for m in instance.mbo}
    count = Counter(serving[i] for i in ids if serving[i])
    return [names[b] for b in sorted(count, key=lambda b: (-count[b], names[b]))]


def region_table(
    instance: Instance,
    plan: Plan,
    *,
    rules: RulesConfig | None = None,
    budget: Mapping[str, Mapping[str, float]] | None = None,
) -> list[RegionStats]:
    """Figures per region of ``plan``, in region order.

    Parameters
    ----------
    instance : Instance
    plan : Plan
    rules : RulesConfig, optional
        ``mbo_reach_km`` decides which mbo institution serves each school.
    budget : mapping, optional
        Region id -> budget figures (e.g. ``transition_eur``), copied into each row.

    Returns
    -------
    list of RegionStats
    """
    rules = rules or RulesConfig()
    serving = instance.serving_institutions(RegionRules.from_config(rules).mbo_within_km)
    out: list[RegionStats] = []
    for region, codes in plan.regions.items():
        ids = [instance.index[c] for c in codes if c in instance.index]
        schools = [instance.schools[i] for i in ids]
        by_profile = {p: sum(getattr(s.pupils, p) for s in schools) for p in PROFILES}
        total = sum(s.technical_pupils for s in schools)
        bg = sum(s.pupils.beroepsgericht for s in schools)
        share = total / bg if bg else 0.0
        pv = penvoerder_candidate(instance, ids)
        partners = _serving_partners(instance, ids, serving)
        out.append(
            RegionStats(
                region_id=region,
                name=plan.region_name(region),
                n_schools=len(ids),
                n_vmbo=sum(s.is_vmbo for s in schools),
                codes=tuple(sorted(s.code for s in schools)),
                technical_by_profile=by_profile,
                technical_total=total,
                beroepsgericht=bg,
                technical_share=round(share, 4),
                techniekarm=is_techniekarm(total, bg),
                penvoerder=instance.schools[pv].code if pv is not None else "",
                penvoerder_name=instance.schools[pv].name if pv is not None else "",
                mbo_partners=tuple(partners),
                partial=region in plan.partial_regions,
                budget=dict((budget or {}).get(region, {})),
            )
        )
    return out


def plan_rows(instance: Instance, plan: Plan) -> tuple[list[str], list[list[object]]]:
    """Header and rows of ``regions.csv``: one row per school in the plan, and one per school
    that takes no part (region_id ``-``), so that ``check`` reads the plan back as valid.

    Columns: ``vestiging_code, region_id, region_name, name, place, gemeente,
    gemeente_name, technical_pupils, penvoerder`` (1 for the region's penvoerder candidate).
    """
    penvoerders = {s.penvoerder for s in region_table(instance, plan) if s.penvoerder}
    header = [
        "vestiging_code",
        "region_id",
        "region_name",
        "name",
        "place",
        "gemeente",
        "gemeente_name",
        "technical_pupils",
        "penvoerder",
    ]
    gemeente_names = {m.code: m.name for m in instance.municipalities}

    def row(code: str, region: str, region_name: str, penvoerder: bool) -> list[object]:
        s = instance.schools[instance.index[code]] if code in instance.index else None
        if s is None:
            return [code, region, region_name, "", "", "", "", 0, int(penvoerder)]
        gemeente = gemeente_names.get(s.gemeente, "")
        return [
            *(code, region, region_name, s.name, s.place, s.gemeente, gemeente),
            *(s.technical_pupils, int(penvoerder)),
        ]

    rows = [
        row(code, region, plan.region_name(region), code in penvoerders)
        for code, region in sorted(plan.assignment.items(), key=lambda kv: (kv[1], kv[0]))
    ]
    rows += [
        row(code, OPTED_OUT, OPTED_OUT_NAME, False)
        for code in sorted(plan.opted_out - plan.assignment.keys())
    ]
    return header, rows
