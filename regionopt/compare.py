"""Agreement between two plans: adjusted Rand index, pair counts, moved schools, region deltas.

Pure (numpy/scipy on an ``Instance`` and two ``Plan`` objects). Works when a plan is partial,
such as the documented actual regions: only schools that both plans assign (certain members;
ambiguous members are never counted) enter the index and the pair counts, and schools assigned
by one plan only are listed separately.

Regions of A and B are paired one-to-one by the assignment that maximises the schools they
share (Hungarian method on the contingency table). A school "moved" when its region in B is not
the partner of its region in A (or its A region has no partner).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from math import comb
from typing import Any

import numpy as np

from regionopt.budget import Budget, budget
from regionopt.config import BudgetConfig
from regionopt.evaluate import is_techniekarm
from regionopt.instance import Instance
from regionopt.names import region_names
from regionopt.plan import Plan, partner_regions

PARTIAL_NOTES = (
    "one plan is partial: the index and pair counts cover only the schools both plans "
    "assign; ambiguous members are not counted; region sizes of partial regions are "
    "lower bounds",
)
"""What ``compare`` notes when either plan is partial."""


@dataclass(frozen=True)
class RegionFigures:
    """Counts of one region that a comparison or what-if reports."""

    region_id: str
    n_schools: int
    technical_pupils: int
    beroepsgericht_pupils: int
    partial: bool = False

    @property
    def technical_share(self) -> float:
        """Technical-profile share of the beroepsgerichte lj 3-4 pupils (0 when none)."""
        if self.beroepsgericht_pupils == 0:
            return 0.0
        return self.technical_pupils / self.beroepsgericht_pupils

    @property
    def techniekarm(self) -> bool:
        """True when under 10% of the beroepsgerichte pupils are technical [001] (as in
        ``evaluate.region_table``: a region without beroepsgerichte pupils is not)."""
        return is_techniekarm(self.technical_pupils, self.beroepsgericht_pupils)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "region_id": self.region_id,
            "n_schools": self.n_schools,
            "technical_pupils": self.technical_pupils,
            "beroepsgericht_pupils": self.beroepsgericht_pupils,
            "techniekarm": self.techniekarm,
            "partial": self.partial,
        }


def region_figures(
    instance: Instance, plan: Plan, regions: Iterable[str] | None = None
) -> dict[str, RegionFigures]:
    """Schools, technical and beroepsgerichte pupils per region (participating members only).

    Parameters
    ----------
    instance : Instance
    plan : Plan
    regions : iterable of str, optional
        Only these regions; a region absent from the plan gets zero counts.
    """
    wanted = list(plan.regions) if regions is None else list(regions)
    members: dict[str, list[int]] = {r: [] for r in wanted}
    for code, region in plan.assignment.items():
        if region in members and code in instance.index:
            members[region].append(instance.index[code])
    tech, bg = instance.technical_pupils, instance.beroepsgericht_pupils
    return {
        r: RegionFigures(
            region_id=r,
            n_schools=len(ids),
            technical_pupils=int(tech[ids].sum()) if ids else 0,
            beroepsgericht_pupils=int(bg[ids].sum()) if ids else 0,
            partial=r in plan.partial_regions,
        )
        for r, ids in members.items()
    }


@dataclass(frozen=True)
class PairCounts:
    """Pairs of shared schools, by whether each plan puts them together."""

    together_both: int
    only_a: int
    only_b: int
    apart_both: int

    @property
    def total(self) -> int:
        """All pairs of shared schools."""
        return self.together_both + self.only_a + self.only_b + self.apart_both


def contingency(labels_a: np.ndarray, labels_b: np.ndarray) -> np.ndarray:
    """Contingency table: ``table[i, j]`` = items with label ``i`` in A and ``j`` in B.

    Labels must be integers ``0..k-1`` (no negatives).
    """
    labels_a = np.asarray(labels_a, dtype=np.int64)
    labels_b = np.asarray(labels_b, dtype=np.int64)
    ka = int(labels_a.max()) + 1 if labels_a.size else 0
    kb = int(labels_b.max()) + 1 if labels_b.size else 0
    table = np.zeros((ka, kb), dtype=np.int64)
    np.add.at(table, (labels_a, labels_b), 1)
    return table


def pair_counts(table: np.ndarray) -> PairCounts:
    """Pair counts from a contingency table (exact integers)."""
    n = int(table.sum())
    both = sum(comb(int(v), 2) for v in table.ravel())
    in_a = sum(comb(int(v), 2) for v in table.sum(axis=1))
    in_b = sum(comb(int(v), 2) for v in table.sum(axis=0))
    return PairCounts(
        together_both=both,
        only_a=in_a - both,
        only_b=in_b - both,
        apart_both=comb(n, 2) - in_a - in_b + both,
    )


def adjusted_rand_index(table: np.ndarray) -> float | None:
    """Adjusted Rand index (Hubert & Arabie 1985) from a contingency table.

    Returns ``None`` for fewer than 2 items (undefined). When both partitions are trivial in the
    same way (the denominator is 0), the index is 1.0, as in scikit-learn.
    """
    n = int(table.sum())
    if n < 2:
        return None
    both = sum(comb(int(v), 2) for v in table.ravel())
    in_a = sum(comb(int(v), 2) for v in table.sum(axis=1))
    in_b = sum(comb(int(v), 2) for v in table.sum(axis=0))
    expected = in_a * in_b / comb(n, 2)
    maximum = (in_a + in_b) / 2
    if maximum == expected:
        return 1.0
    return float((both - expected) / (maximum - expected))


@dataclass(frozen=True)
class MovedSchool:
    """A shared school whose B region is not the partner of its A region."""

    code: str
    name: str
    region_a: str
    region_b: str
    partner_of_a: str | None


@dataclass(frozen=True)
class RegionDiff:
    """One region of A and its partner in B (either may be absent)."""

    region_a: str | None
    region_b: str | None
    shared_schools: int
    figures_a: RegionFigures | None
    figures_b: RegionFigures | None
    structural_a_eur: float | None
    structural_b_eur: float | None
    transition_a_eur: float | None
    transition_b_eur: float | None

    @property
    def changed(self) -> bool:
        """False when the region is in both plans with exactly the same schools."""
        fa, fb = self.figures_a, self.figures_b
        if fa is None or fb is None:
            return True
        return not (self.shared_schools == fa.n_schools == fb.n_schools)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form with A/B values and B - A deltas."""
        fa, fb = self.figures_a, self.figures_b

        def delta(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else round(b - a, 2)

        return {
            "region_a": self.region_a,
            "region_b": self.region_b,
            "shared_schools": self.shared_schools,
            "schools_a": fa.n_schools if fa else None,
            "schools_b": fb.n_schools if fb else None,
            "technical_pupils_a": fa.technical_pupils if fa else None,
            "technical_pupils_b": fb.technical_pupils if fb else None,
            "technical_pupils_delta": delta(
                fa.technical_pupils if fa else None, fb.technical_pupils if fb else None
            ),
            "techniekarm_a": fa.techniekarm if fa else None,
            "techniekarm_b": fb.techniekarm if fb else None,
            "partial_a": fa.partial if fa else None,
            "partial_b": fb.partial if fb else None,
            "transition_a_eur": self.transition_a_eur,
            "transition_b_eur": self.transition_b_eur,
            "transition_delta_eur": delta(self.transition_a_eur, self.transition_b_eur),
            "structural_a_eur": self.structural_a_eur,
            "structural_b_eur": self.structural_b_eur,
            "structural_delta_eur": delta(self.structural_a_eur, self.structural_b_eur),
            "changed": self.changed,
        }


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare`` finds."""

    name_a: str
    name_b: str
    shared_schools: int
    ari: float | None
    pairs: PairCounts
    moved: tuple[MovedSchool, ...]
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    unknown_codes_a: tuple[str, ...]
    unknown_codes_b: tuple[str, ...]
    regions: tuple[RegionDiff, ...]
    partial: bool
    notes: tuple[str, ...] = field(default=())
    region_names_a: dict[str, str] = field(default_factory=dict)
    region_names_b: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "plan_a": self.name_a,
            "plan_b": self.name_b,
            "shared_schools": self.shared_schools,
            "adjusted_rand_index": self.ari,
            "pairs": {
                "together_in_both": self.pairs.together_both,
                "together_only_in_a": self.pairs.only_a,
                "together_only_in_b": self.pairs.only_b,
                "apart_in_both": self.pairs.apart_both,
            },
            "moved": [
                {
                    "vestiging_code": m.code,
                    "name": m.name,
                    "region_a": m.region_a,
                    "region_b": m.region_b,
                    "partner_of_region_a": m.partner_of_a,
                }
                for m in self.moved
            ],
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "unknown_codes_a": list(self.unknown_codes_a),
            "unknown_codes_b": list(self.unknown_codes_b),
            "regions": [r.as_dict() for r in self.regions],
            "partial": self.partial,
            "notes": list(self.notes),
            "region_names_a": dict(self.region_names_a),
            "region_names_b": dict(self.region_names_b),
        }


def compare(
    instance: Instance, a: Plan, b: Plan, *, budget_config: BudgetConfig | None = None
) -> Comparison:
    """Compare plan ``a`` with plan ``b``.

    Parameters
    ----------
    instance : Instance
        The participating schools; codes outside it are listed as unknown, not compared.
    a, b : Plan
        Any two plans; either may be partial (e.g. ``load_all().actual``).
    budget_config : BudgetConfig, optional
        Amounts for the per-region budget columns (default: the documented defaults).

    Returns
    -------
    Comparison
        ARI and pair counts over the schools both plans assign, moved schools, schools in one
        plan only, per pair of partner regions the differences in schools, technical pupils,
        techniekarm and budget, and each plan's region names (``names.region_names``).
    """
    idx = instance.index
    assign_a = {c: r for c, r in a.assignment.items() if c in idx}
    assign_b = {c: r for c, r in b.assignment.items() if c in idx}
    shared = sorted(set(assign_a) & set(assign_b), key=lambda c: idx[c])
    table = _shared_table(a, b, [assign_a[c] for c in shared], [assign_b[c] for c in shared])
    partner = partner_regions(assign_a, assign_b)
    moved = tuple(
        MovedSchool(
            code=c,
            name=instance.school(c).name,
            region_a=assign_a[c],
            region_b=assign_b[c],
            partner_of_a=partner.get(assign_a[c]),
        )
        for c in shared
        if partner.get(assign_a[c]) != assign_b[c]
    )
    partial = not a.complete or not b.complete
    return Comparison(
        name_a=a.name,
        name_b=b.name,
        shared_schools=len(shared),
        ari=adjusted_rand_index(table) if shared else None,
        pairs=pair_counts(table),
        moved=moved,
        only_in_a=tuple(sorted(set(assign_a) - set(assign_b))),
        only_in_b=tuple(sorted(set(assign_b) - set(assign_a))),
        unknown_codes_a=tuple(sorted(c for c in a.assignment if c not in idx)),
        unknown_codes_b=tuple(sorted(c for c in b.assignment if c not in idx)),
        regions=_region_diffs(instance, a, b, table, partner, budget_config or BudgetConfig()),
        partial=partial,
        notes=PARTIAL_NOTES if partial else (),
        region_names_a=region_names(instance, a),
        region_names_b=region_names(instance, b),
    )


def _shared_table(a: Plan, b: Plan, labels_a: list[str], labels_b: list[str]) -> np.ndarray:
    """Schools per (region of A, region of B), for every region of both plans.

    Full size, so every region has a row or column (also regions with no shared school).
    """
    pos_a = {r: i for i, r in enumerate(a.regions)}
    pos_b = {r: i for i, r in enumerate(b.regions)}
    table = np.zeros((len(pos_a), len(pos_b)), dtype=np.int64)
    if labels_a:
        la = np.array([pos_a[r] for r in labels_a], dtype=np.int64)
        lb = np.array([pos_b[r] for r in labels_b], dtype=np.int64)
        np.add.at(table, (la, lb), 1)
    return table


def _region_diffs(
    instance: Instance,
    a: Plan,
    b: Plan,
    table: np.ndarray,
    partner: dict[str, str],
    config: BudgetConfig,
) -> tuple[RegionDiff, ...]:
    """Each region of A with its partner in B, then the regions of B without a partner."""
    pos_a = {r: i for i, r in enumerate(a.regions)}
    pos_b = {r: i for i, r in enumerate(b.regions)}
    money_a: Budget = budget(instance, a, config)
    money_b: Budget = budget(instance, b, config)
    figs_a, figs_b = region_figures(instance, a), region_figures(instance, b)

    def diff(ra: str | None, rb: str | None) -> RegionDiff:
        n_shared = int(table[pos_a[ra], pos_b[rb]]) if ra is not None and rb is not None else 0
        ma = money_a.by_region.get(ra) if ra is not None else None
        mb = money_b.by_region.get(rb) if rb is not None else None
        return RegionDiff(
            region_a=ra,
            region_b=rb,
            shared_schools=n_shared,
            figures_a=figs_a.get(ra) if ra is not None else None,
            figures_b=figs_b.get(rb) if rb is not None else None,
            structural_a_eur=ma.structural_eur if ma else None,
            structural_b_eur=mb.structural_eur if mb else None,
            transition_a_eur=ma.transition_eur if ma else None,
            transition_b_eur=mb.transition_eur if mb else None,
        )

    partnered = set(partner.values())
    diffs = [diff(ra, partner.get(ra)) for ra in a.regions]
    diffs += [diff(None, rb) for rb in b.regions if rb not in partnered]
    return tuple(diffs)
