"""What a what-if found: each affected region's rules, figures and penvoerder per stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from regionopt import dutch
from regionopt.budget import Budget
from regionopt.check import RULES, Violation, is_valid
from regionopt.compare import RegionFigures
from regionopt.names import label
from regionopt.plan import Plan
from regionopt.repair import RepairResult
from regionopt.whatif.changes import Change

RULE_NAMES: tuple[str, ...] = tuple(r.__name__.removeprefix("rule_") for r in RULES)
STAGES = ("before", "after", "repaired")
DISSOLVED = "dissolved"
"""Rule status of a region that has no school left in a stage (it keeps no rule: it is gone)."""


@dataclass(frozen=True)
class RuleStatus:
    """One rule in one region, per stage: ``ok``, ``warning``, ``unknown``, ``broken``, or
    ``dissolved`` when the region has no school left in that stage."""

    rule: str
    before: str
    after: str
    repaired: str | None = None
    messages: tuple[str, ...] = ()
    """The findings behind a status that is not ``ok``, in English (``str(Violation)``)."""
    messages_nl: tuple[str, ...] = ()
    """The same findings in Dutch (``Violation.dutch``)."""


@dataclass(frozen=True)
class Penvoerder:
    """A region's penvoerder candidate (``evaluate.penvoerder_candidate``) in one stage."""

    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else "geen"


NO_PENVOERDER = Penvoerder("", "")


@dataclass(frozen=True)
class RegionReport:
    """An affected region before, after the change, and after the repair."""

    region_id: str
    name: str
    rules: tuple[RuleStatus, ...]
    before: RegionFigures
    after: RegionFigures
    repaired: RegionFigures | None = None
    penvoerder_before: Penvoerder = NO_PENVOERDER
    penvoerder_after: Penvoerder = NO_PENVOERDER
    penvoerder_repaired: Penvoerder | None = None

    @property
    def label(self) -> str:
        """``name (id)``."""
        return label(self.name, self.region_id)

    @property
    def final(self) -> RegionFigures:
        """The figures after the repair when there was one, else after the change."""
        return self.repaired if self.repaired is not None else self.after

    @property
    def dissolved(self) -> bool:
        """True when the region had schools before and has none in the final plan."""
        return self.before.n_schools > 0 and self.final.n_schools == 0

    @property
    def penvoerder_final(self) -> Penvoerder:
        """The penvoerder candidate in the final plan."""
        return self.penvoerder_repaired or self.penvoerder_after

    @property
    def penvoerder_changed(self) -> bool:
        """True when the penvoerder candidate differs after the change or after the repair
        (a dissolved region is reported as dissolved instead)."""
        if self.dissolved:
            return False
        stages = (self.penvoerder_after, self.penvoerder_repaired or self.penvoerder_after)
        return any(p.code != self.penvoerder_before.code for p in stages)

    def keeps_every_rule(self, stage: str) -> bool:
        """True when the region exists in ``stage`` and no rule is broken or unknown there."""
        statuses = [getattr(s, stage) for s in self.rules]
        return all(st in ("ok", "warning") for st in statuses)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "region_id": self.region_id,
            "name": self.name,
            "rules": [
                {
                    "rule": s.rule,
                    "before": s.before,
                    "after": s.after,
                    "repaired": s.repaired,
                    "messages": list(s.messages),
                }
                for s in self.rules
            ],
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "repaired": self.repaired.as_dict() if self.repaired else None,
            "dissolved": self.dissolved,
            "penvoerder": {
                "before": asdict(self.penvoerder_before),
                "after": asdict(self.penvoerder_after),
                "repaired": asdict(self.penvoerder_repaired) if self.penvoerder_repaired else None,
                "changed": self.penvoerder_changed,
            },
        }


@dataclass(frozen=True)
class WhatIfResult:
    """Everything a what-if found."""

    changes: tuple[Change, ...]
    before: Plan
    after: Plan
    affected: tuple[str, ...]
    regions: tuple[RegionReport, ...]
    violations_before: tuple[Violation, ...]
    violations_after: tuple[Violation, ...]
    budget_before: Budget
    budget_after: Budget
    money: tuple[dict[str, Any], ...]
    repair: RepairResult | None = None
    budget_repaired: Budget | None = None
    money_repaired: tuple[dict[str, Any], ...] = ()
    opted_out: tuple[str, ...] = ()
    full_check: tuple[Violation, ...] = field(default=())
    """The checker on the whole final plan (opted-out schools not counted as missing)."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Region id -> recognisable name (``names.region_names`` of the plan before the change)."""
    allow_dissolve: bool = False
    rule_labels: Mapping[str, str] = field(default_factory=dutch.rule_labels)
    """Rule -> Dutch label, with the thresholds of the rules that judged the plans."""

    @property
    def final(self) -> Plan:
        """The repaired plan when a repair was found, else the plan after the changes."""
        if self.repair is not None and self.repair.status == "repaired":
            return self.repair.plan
        return self.after

    @property
    def final_budget(self) -> Budget:
        """The budget of the whole final plan (the figures every output shows)."""
        return self.budget_repaired if self.budget_repaired is not None else self.budget_after

    @property
    def dissolved(self) -> tuple[str, ...]:
        """Regions with schools before the change and none in the final plan."""
        return tuple(sorted(set(self.before.regions) - set(self.final.regions)))

    @property
    def valid_after(self) -> bool:
        """True when the affected regions keep every rule after the changes."""
        return is_valid(self.violations_after)

    @property
    def valid_final(self) -> bool:
        """True when the final plan breaks no rule in the regions the what-if judged."""
        if self.repair is not None and self.repair.status == "repaired":
            return is_valid(self.repair.violations)
        return self.valid_after

    def broken_regions(self, stage: str = "after") -> tuple[str, ...]:
        """The judged regions with a broken rule at ``stage`` (``after`` the changes or
        ``repaired``), in the order of ``regions``."""
        return tuple(
            r.region_id for r in self.regions if any(getattr(s, stage) == "broken" for s in r.rules)
        )

    def verdict_regions(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """After the changes: the affected regions that break a rule (all of them when the
        broken rule is not a region's) and those that keep every rule."""
        broken = self.broken_regions() or self.affected
        return broken, tuple(r for r in self.affected if r not in broken)

    def region_label(self, region_id: str) -> str:
        """``name (id)`` of a region."""
        return label(self.names.get(region_id, region_id), region_id)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        rep = self.repair
        return {
            "plan": self.before.name,
            "changes": [
                {"kind": c.kind, "vestiging_code": c.code, "region_id": c.region_id}
                for c in self.changes
            ],
            "affected_regions": list(self.affected),
            "region_names": {r.region_id: r.name for r in self.regions},
            "valid_after": self.valid_after,
            "valid_final": self.valid_final,
            "n_regions_before": len(self.before.regions),
            "n_regions_final": len(self.final.regions),
            "dissolved": list(self.dissolved),
            "allow_dissolve": self.allow_dissolve,
            "regions": [r.as_dict() for r in self.regions],
            "violations_after": [v.to_dict() for v in self.violations_after],
            "budget_changes": list(self.money),
            "repair": None if rep is None else self._repair_dict(rep),
            "full_check_broken": [v.to_dict() for v in self.full_check if v.severity == "broken"],
            "opted_out": list(self.opted_out),
        }

    def _repair_dict(self, rep: RepairResult) -> dict[str, Any]:
        return {
            "status": rep.status,
            "moves": [
                {"vestiging_code": m.code, "from": m.from_region, "to": m.to_region}
                for m in rep.moves
            ],
            "n_moves": len(rep.moves),
            "optimal": rep.optimal,
            "scope_regions": list(rep.scope_regions),
            "level": rep.level,
            "dissolved": list(rep.dissolved),
            "explanation": [e.text for e in rep.explanation],
            "wall_time_s": round(rep.wall_time_s, 3),
            "solves": rep.solves,
            "cuts": rep.cuts,
            "budget_changes": list(self.money_repaired),
        }
