"""JSON the page reads: what-if results, schools, regions, repair proposals.

Pure functions from the library's results to plain dicts. Every figure comes from the module
that owns it: rules and figures from ``regionopt.whatif`` (which runs ``regionopt.check``),
money from ``regionopt.budget`` (through ``whatif``), mbo partners and penvoerder from
``regionopt.evaluate``. Nothing is recomputed differently here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from regionopt.budget import Budget, structural_spread
from regionopt.check import Violation, regions_concerned
from regionopt.compare import RegionFigures
from regionopt.evaluate import RegionStats
from regionopt.instance import PROFILES, Instance, School
from regionopt.plan import Plan
from regionopt.render import PROFILE_LABELS
from regionopt.repair import RepairResult
from regionopt.whatif import Penvoerder, RegionReport, WhatIfResult

MONEY_KEYS = ("transition", "structural", "cofunding")


def figures(f: RegionFigures | None) -> dict[str, Any] | None:
    """A region's counts in one stage."""
    if f is None:
        return None
    return {
        "n_schools": f.n_schools,
        "technical_pupils": f.technical_pupils,
        "beroepsgericht_pupils": f.beroepsgericht_pupils,
        "technical_share": round(f.technical_share, 4),
        "techniekarm": f.techniekarm,
        "partial": f.partial,
    }


def penvoerder(p: Penvoerder | None) -> dict[str, str] | None:
    """A penvoerder candidate (empty code: none)."""
    return None if p is None else {"code": p.code, "name": p.name}


def money_by_region(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """``budget.budget_changes`` rows -> region id -> amounts before and after (euros)."""
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        out[row["region_id"]] = {
            f"{key}_{stage}": float(row[f"{key}_{stage}_eur"])
            for key in MONEY_KEYS
            for stage in ("before", "after")
        }
    return out


def region_report(
    r: RegionReport,
    money: Mapping[str, Mapping[str, float]],
    mbo: Mapping[str, Mapping[str, Sequence[str]]],
) -> dict[str, Any]:
    """One affected region: every rule per stage, figures, penvoerder, mbo partners, money.

    Parameters
    ----------
    r : RegionReport
        From ``whatif``.
    money : mapping
        ``money_by_region`` of the what-if's budget changes.
    mbo : mapping
        Stage -> region id -> mbo partners (``evaluate.region_table``).
    """
    return {
        "region_id": r.region_id,
        "name": r.name,
        "dissolved": r.dissolved,
        "keeps_rules": {
            "before": r.keeps_every_rule("before"),
            "after": r.keeps_every_rule("after"),
            "repaired": r.keeps_every_rule("repaired") if r.repaired is not None else None,
        },
        "rules": [
            {
                "rule": s.rule,
                "before": s.before,
                "after": s.after,
                "repaired": s.repaired,
                "messages": list(s.messages_nl or s.messages),
            }
            for s in r.rules
        ],
        "figures": {
            "before": figures(r.before),
            "after": figures(r.after),
            "repaired": figures(r.repaired),
        },
        "penvoerder": {
            "before": penvoerder(r.penvoerder_before),
            "after": penvoerder(r.penvoerder_after),
            "repaired": penvoerder(r.penvoerder_repaired),
            "changed": r.penvoerder_changed,
        },
        "mbo": {stage: list(partners.get(r.region_id, ())) for stage, partners in mbo.items()},
        "money": dict(money.get(r.region_id, {})),
    }


def whatif_view(
    result: WhatIfResult, mbo: Mapping[str, Mapping[str, Sequence[str]]]
) -> dict[str, Any]:
    """The current plan judged against the starting plan: affected regions and the whole plan."""
    money = money_by_region(result.money)
    broken = [v for v in result.full_check if v.severity == "broken"]
    return {
        "changes": [
            {"kind": c.kind, "code": c.code, "region_id": c.region_id} for c in result.changes
        ],
        "affected": list(result.affected),
        "valid": result.valid_after,
        "regions": [region_report(r, money, mbo) for r in result.regions],
        "others_money_nl": _others_money(result.money, result.regions),
        "whole_plan": {
            "broken": len(broken),
            "messages": [v.dutch(result.rule_labels) for v in broken[:20]],
        },
    }


def _others_money(rows: Sequence[dict[str, Any]], shown: Sequence[RegionReport]) -> str:
    """How the structural money of the regions not shown moves, in Dutch ("" when it does
    not)."""
    spread = structural_spread(rows, leaving_out=[r.region_id for r in shown])
    return "" if spread is None else spread.dutch()


def repair_view(
    result: WhatIfResult,
    instance: Instance,
    names: Mapping[str, str],
    mbo: Mapping[str, Mapping[str, Sequence[str]]],
) -> dict[str, Any]:
    """A repair proposal: the further moves, why none exists, and the regions after it."""
    rep: RepairResult | None = result.repair
    if rep is None:
        return {
            "status": "none_found",
            "moves": [],
            "explanation": ["er is geen reparatie gevraagd"],
        }
    moves = []
    for m in rep.moves:
        s = instance.school(m.code)
        moves.append(
            {
                "code": m.code,
                "name": s.name,
                "place": s.place,
                "technical_pupils": s.technical_pupils,
                "from": m.from_region,
                "from_name": names.get(m.from_region, m.from_region),
                "to": m.to_region,
                "to_name": names.get(m.to_region, m.to_region),
            }
        )
    money = money_by_region(result.money)
    for region_id, amounts in money_by_region(result.money_repaired).items():
        # budget_changes(before, repaired): its "after" is the repaired plan's money.
        merged = money.setdefault(region_id, {})
        merged.update(
            {
                k.replace("_after", "_repaired"): v
                for k, v in amounts.items()
                if k.endswith("_after")
            }
        )
        for key in MONEY_KEYS:  # a region only the repair touches: no change before it
            merged.setdefault(f"{key}_before", amounts[f"{key}_before"])
            merged.setdefault(f"{key}_after", amounts[f"{key}_before"])
    return {
        "status": rep.status,
        "headline": rep.headline_nl() if rep.status == "repaired" else "",
        "optimal": rep.optimal,
        "moves": moves,
        "dissolved": list(rep.dissolved),
        "allow_dissolve": result.allow_dissolve,
        "explanation": [e.text_nl for e in rep.explanation],
        "wall_time_s": round(rep.wall_time_s, 3),
        "regions": [region_report(r, money, mbo) for r in result.regions],
    }


def profiles(school: School) -> list[dict[str, Any]]:
    """Technical pupils per profile (leerjaar 3-4), with the label users write."""
    by_profile = school.pupils.by_profile()
    return [{"profile": PROFILE_LABELS.get(p, p), "pupils": by_profile[p]} for p in PROFILES]


def region_stats(stats: RegionStats) -> dict[str, Any]:
    """Current figures of one region (``evaluate.region_table``)."""
    return {
        "n_schools": stats.n_schools,
        "n_vmbo": stats.n_vmbo,
        "technical_pupils": stats.technical_total,
        "beroepsgericht_pupils": stats.beroepsgericht,
        "technical_share": stats.technical_share,
        "techniekarm": stats.techniekarm,
        "profiles": [
            {"profile": PROFILE_LABELS.get(p, p), "pupils": stats.technical_by_profile.get(p, 0)}
            for p in PROFILES
        ],
        "penvoerder": {"code": stats.penvoerder, "name": stats.penvoerder_name},
        "mbo": list(stats.mbo_partners),
    }


def region_money(money: Budget, region_id: str) -> dict[str, float] | None:
    """A region's money in the current plan (euros a year), or ``None`` when it has none."""
    r = money.by_region.get(region_id)
    if r is None:
        return None
    return {
        "transition": r.transition_eur,
        "structural": r.structural_eur,
        "cofunding": r.cofunding_eur,
    }


def rule_statuses(
    violations: Sequence[Violation], rules: Sequence[str], region_id: str, plan: Plan
) -> list[dict[str, Any]]:
    """Each rule's status in one region of ``plan``, worst finding first."""
    order = {"warning": 1, "unknown": 2, "broken": 3}
    out = []
    for rule in rules:
        found = [
            v for v in violations if v.rule == rule and region_id in regions_concerned(v, plan)
        ]
        worst = max((v.severity for v in found), key=order.__getitem__, default="ok")
        messages = [v.message_nl or v.message for v in found]
        out.append({"rule": rule, "status": worst, "messages": messages})
    return out
