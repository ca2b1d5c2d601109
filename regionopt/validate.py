"""Validation: how well a plan agrees with the documented STO regions.

Pure (numbers from an ``Instance`` and ``Plan`` objects; no files, no geopandas).

Which documented members count
------------------------------
A documented region's *located* members are its certain members (``match`` exact or fuzzy,
the ``rows`` of the actual plan) whose code is a participating vestiging of the instance.
Ambiguous members (several candidate codes), unmatched ones and certain members that do not
participate are left out of every figure below; how many per region is reported.

Pairwise agreement
------------------
Every pair of located documented members (within and across documented regions) is judged.
A pair is *positive* when both are in the same documented region. For a plan under test,
TP = positive pairs it puts together, FN = positive pairs it puts apart, FP = negative pairs it
puts together. A documented member the plan does not contain is apart from everything.
Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean. Where a ratio is
0/0: precision is 1 when the plan puts no pair together (it claims nothing false), recall is 1
when there is no positive pair (nothing to find), and F1 is 0 when precision + recall is 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from math import comb
from statistics import median
from typing import Any

from regionopt.instance import Instance
from regionopt.plan import Plan


@dataclass(frozen=True)
class DocumentedMembers:
    """Located members per documented region, and how many were left out.

    Attributes
    ----------
    regions : Mapping
        Region id -> located member codes (sorted), for regions with at least one.
    names : Mapping
        Region id -> display name.
    complete : frozenset
        Regions documented completely (no partial rows, no ambiguous or unmatched member).
    excluded : Mapping
        Region id -> ``{"ambiguous": n, "unmatched": n, "not_participating": n}``.
    """

    regions: Mapping[str, tuple[str, ...]]
    names: Mapping[str, str]
    complete: frozenset[str]
    excluded: Mapping[str, Mapping[str, int]]

    @cached_property
    def region_of(self) -> dict[str, str]:
        """Located member code -> its documented region."""
        return {c: r for r, codes in self.regions.items() for c in codes}

    def n_excluded(self, region_id: str) -> int:
        """Members of ``region_id`` left out of the figures (ambiguous, unmatched, other)."""
        return sum(self.excluded.get(region_id, {}).values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: counts, not member lists."""
        located = sum(len(c) for c in self.regions.values())
        totals: Counter[str] = Counter()
        for counts in self.excluded.values():
            totals.update(counts)
        return {
            "located_members": located,
            "regions_with_located_members": len(self.regions),
            "regions_with_two_or_more": sum(len(c) >= 2 for c in self.regions.values()),
            "complete_regions": sorted(self.complete & set(self.regions)),
            "excluded": dict(sorted(totals.items())),
            "excluded_by_region": {r: dict(c) for r, c in self.excluded.items()},
            "pairs": comb(located, 2),
            "positive_pairs": sum(comb(len(c), 2) for c in self.regions.values()),
        }


def documented_members(instance: Instance, actual: Plan) -> DocumentedMembers:
    """The located members of every documented region (see the module docstring).

    Parameters
    ----------
    instance : Instance
        Decides which codes are participating vestigingen.
    actual : Plan
        The documented regions (``load.read_actual_regions``), uncertainty kept.
    """
    located: dict[str, list[str]] = defaultdict(list)
    excluded: dict[str, Counter[str]] = defaultdict(Counter)
    for code, region in actual.assignment.items():
        if code in instance.index:
            located[region].append(code)
        else:
            excluded[region]["not_participating"] += 1
    for member in actual.ambiguous:
        excluded[member.region_id]["ambiguous"] += 1
    for region, _label in actual.unmatched:
        excluded[region]["unmatched"] += 1
    every = actual.listed_regions
    return DocumentedMembers(
        regions={r: tuple(sorted(located[r])) for r in sorted(located)},
        names={r: actual.region_name(r) for r in sorted(every)},
        complete=frozenset(r for r in every if r not in actual.partial_regions),
        excluded={r: dict(sorted(excluded[r].items())) for r in sorted(excluded)},
    )


@dataclass(frozen=True)
class PairScore:
    """Pairwise agreement of a plan with the documented regions (see the module docstring)."""

    tp: int
    fp: int
    fn: int
    pairs: int
    """All pairs of located documented members."""
    unassigned: int
    """Located documented members the plan does not contain."""

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when the plan puts no pair together."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there is no positive pair."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"f1": self.f1, "precision": self.precision, "recall": self.recall, **asdict(self)}


def pair_score(documented: DocumentedMembers, plan: Plan) -> PairScore:
    """Count TP, FP and FN over every pair of located documented members."""
    plan_of = plan.assignment
    cells: Counter[tuple[str, str]] = Counter()
    together: Counter[str] = Counter()
    unassigned = 0
    for code, region in documented.region_of.items():
        if code not in plan_of:
            unassigned += 1
            continue
        cells[region, plan_of[code]] += 1
        together[plan_of[code]] += 1
    tp = sum(comb(n, 2) for n in cells.values())
    positive = sum(comb(len(c), 2) for c in documented.regions.values())
    put_together = sum(comb(n, 2) for n in together.values())
    return PairScore(
        tp=tp,
        fp=put_together - tp,
        fn=positive - tp,
        pairs=comb(len(documented.region_of), 2),
        unassigned=unassigned,
    )


@dataclass(frozen=True)
class RegionAgreement:
    """How a plan treats one documented region."""

    region_id: str
    name: str
    located: int
    excluded: int
    complete: bool
    kept_whole: bool
    """All located members in one plan region (an unassigned member breaks this)."""
    mixed_with: tuple[str, ...]
    """Other documented regions with a located member in a plan region holding one of ours."""
    best_region: str | None
    """The plan region holding most located members (ties: lowest id); None if none."""
    best_region_name: str
    jaccard: float

    @property
    def whole_and_unmixed(self) -> bool:
        """Kept whole and mixed with no other documented region."""
        return self.kept_whole and not self.mixed_with

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **asdict(self),
            "mixed_with": list(self.mixed_with),
            "whole_and_unmixed": self.whole_and_unmixed,
        }


def plan_members(instance: Instance, plan: Plan) -> dict[str, set[str]]:
    """Plan region -> its participating members (codes the instance does not know are left out)."""
    out: dict[str, set[str]] = defaultdict(set)
    for code, region in plan.assignment.items():
        if code in instance.index:
            out[region].add(code)
    return dict(out)


def region_agreement(
    instance: Instance, documented: DocumentedMembers, plan: Plan
) -> tuple[RegionAgreement, ...]:
    """Per documented region with a located member: whole, mixed, best plan region, Jaccard.

    Jaccard of the best plan region P against the located members D: for a complete
    documented region ``|D & P| / |D | P|``; for a partial one only documented schools count
    (an undocumented member of P may well belong to D), ``|D & P| / |D | (P & L)|`` with L all
    located documented members.
    """
    plan_of = plan.assignment
    members = plan_members(instance, plan)
    everyone = set(documented.region_of)
    out = []
    for region, codes in documented.regions.items():
        held = Counter(plan_of[c] for c in codes if c in plan_of)
        best = min(held, key=lambda p: (-held[p], p)) if held else None
        mixed = {
            documented.region_of[c]
            for p in held
            for c in members.get(p, ())
            if c in everyone and documented.region_of[c] != region
        }
        d = set(codes)
        p_set = members.get(best, set()) if best is not None else set()
        complete = region in documented.complete
        counted = p_set if complete else p_set & everyone
        out.append(
            RegionAgreement(
                region_id=region,
                name=documented.names.get(region, region),
                located=len(codes),
                excluded=documented.n_excluded(region),
                complete=complete,
                kept_whole=len(held) == 1 and sum(held.values()) == len(codes),
                mixed_with=tuple(sorted(mixed)),
                best_region=best,
                best_region_name=plan.region_name(best) if best is not None else "",
                jaccard=len(d & counted) / len(d | counted),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Spread:
    """Smallest, median and largest of a list of sizes (all 0 for an empty list)."""

    smallest: float
    median: float
    largest: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values``."""
        if not values:
            return cls(0, 0, 0)
        return cls(min(values), median(values), max(values))

    def as_dict(self) -> dict[str, float]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class SizeSpread:
    """Region sizes: number of regions, schools and technical pupils lj 3-4 per region."""

    label: str
    regions: int
    schools: Spread
    technical_pupils: Spread

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def size_spread(instance: Instance, groups: Iterable[Iterable[str]], label: str) -> SizeSpread:
    """Spread of schools and technical pupils over groups of participating codes.

    Empty groups (and codes the instance does not know) are left out.
    """
    sizes = [[instance.index[c] for c in g if c in instance.index] for g in groups]
    sizes = [ids for ids in sizes if ids]
    tech = instance.technical_pupils
    return SizeSpread(
        label=label,
        regions=len(sizes),
        schools=Spread.of([len(ids) for ids in sizes]),
        technical_pupils=Spread.of([int(tech[ids].sum()) for ids in sizes]),
    )


@dataclass(frozen=True)
class PlanSummary:
    """A plan's agreement with the documented regions: pair score and per-region figures."""

    name: str
    score: PairScore
    regions: tuple[RegionAgreement, ...]

    @property
    def headline_regions(self) -> tuple[RegionAgreement, ...]:
        """Documented regions with at least two located members (the ones that can split)."""
        return tuple(r for r in self.regions if r.located >= 2)

    @property
    def whole_and_unmixed(self) -> int:
        """How many headline regions the plan keeps whole and unmixed."""
        return sum(r.whole_and_unmixed for r in self.headline_regions)

    def as_dict(self, *, regions: bool = True) -> dict[str, Any]:
        """JSON-ready form; ``regions=False`` leaves out the per-region list."""
        out: dict[str, Any] = {
            "name": self.name,
            **self.score.as_dict(),
            "regions_two_or_more": len(self.headline_regions),
            "whole_and_unmixed": self.whole_and_unmixed,
        }
        if regions:
            out["regions"] = [r.as_dict() for r in self.regions]
        return out


def summarise(instance: Instance, documented: DocumentedMembers, plan: Plan) -> PlanSummary:
    """Pair score and per-region agreement of one plan."""
    return PlanSummary(
        name=plan.name,
        score=pair_score(documented, plan),
        regions=region_agreement(instance, documented, plan),
    )


@dataclass(frozen=True)
class Validation:
    """A plan and the official baselines, all scored on the same documented pairs."""

    documented: DocumentedMembers
    plan: PlanSummary
    baselines: tuple[PlanSummary, ...]
    plan_sizes: SizeSpread
    documented_sizes: SizeSpread

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "documented": self.documented.as_dict(),
            "plan": self.plan.as_dict(),
            "baselines": [b.as_dict(regions=False) for b in self.baselines],
            "sizes": {
                "plan": self.plan_sizes.as_dict(),
                "documented_complete": self.documented_sizes.as_dict(),
            },
        }


def validate(
    instance: Instance, actual: Plan, plan: Plan, baselines: Sequence[Plan] = ()
) -> Validation:
    """Score ``plan`` and every baseline against the documented regions ``actual``.

    Parameters
    ----------
    instance : Instance
        The participating vestigingen.
    actual : Plan
        The documented regions (partial, ambiguous members kept aside).
    plan : Plan
        The plan under test.
    baselines : sequence of Plan
        Reference partitions (e.g. ``official.read_official_partitions``), scored the same way.

    Returns
    -------
    Validation
        Baselines sorted by F1 (best first); size spreads of the plan's regions and of the
        documented complete regions (located members only).
    """
    documented = documented_members(instance, actual)
    scored = [summarise(instance, documented, b) for b in baselines]
    scored.sort(key=lambda s: (-s.score.f1, s.name))
    complete = [c for r, c in documented.regions.items() if r in documented.complete]
    return Validation(
        documented=documented,
        plan=summarise(instance, documented, plan),
        baselines=tuple(scored),
        plan_sizes=size_spread(instance, plan_members(instance, plan).values(), plan.name),
        documented_sizes=size_spread(
            instance, complete, "documented complete regions (located members only)"
        ),
    )
