"""Calibration with an honest protocol: choose among candidate settings by cross-validation
over the documented regions.

Every candidate setting (weights and rules) gives one plan; the plans do not depend on the
documented regions, so each is made once. Leave one documented region out at a time: the
setting with the best pairwise F1 on the pairs that do not touch that region is chosen, and it
predicts the pairs that do. A pair touching two documented regions is predicted by the fold of
the first of them (by region id), so every pair is predicted exactly once, and always by a
setting that its own regions' members did not help choose. The cross-validated F1 counts those
predictions; a documented region is "whole and unmixed" under the setting its fold chose.
Pure: plans in, figures out (no solving, no files).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from regionopt.plan import Plan
from regionopt.validate import DocumentedMembers


@dataclass(frozen=True)
class Pairs:
    """Every pair of located documented members, with its regions and its truth."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    region_a: tuple[str, ...]
    region_b: tuple[str, ...]
    positive: np.ndarray
    """True when both members are in the same documented region."""

    @classmethod
    def of(cls, documented: DocumentedMembers) -> Pairs:
        """All pairs, ordered by code within a pair and by region id across them."""
        members = sorted(documented.region_of.items(), key=lambda cr: (cr[1], cr[0]))
        rows = list(combinations(members, 2))
        return cls(
            a=tuple(x[0] for x, _ in rows),
            b=tuple(y[0] for _, y in rows),
            region_a=tuple(x[1] for x, _ in rows),
            region_b=tuple(y[1] for _, y in rows),
            positive=np.array([x[1] == y[1] for x, y in rows], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.a)

    def together(self, plan: Plan) -> np.ndarray:
        """Per pair: True when the plan puts both in one region (a missing school: apart)."""
        of = plan.assignment
        return np.array(
            [
                of.get(x) is not None and of.get(x) == of.get(y)
                for x, y in zip(self.a, self.b, strict=True)
            ],
            dtype=bool,
        )

    def touching(self, region: str) -> np.ndarray:
        """Per pair: True when one of its members is in ``region``."""
        return (np.array(self.region_a) == region) | (np.array(self.region_b) == region)


def f1(positive: np.ndarray, predicted: np.ndarray) -> float:
    """Pairwise F1 (see ``validate.PairScore``: precision 1 with nothing predicted together,
    recall 1 with no positive pair, F1 0 when both are 0)."""
    tp = int((positive & predicted).sum())
    fp = int((~positive & predicted).sum())
    fn = int((positive & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Fold:
    """One documented region left out: the setting chosen without it and how it fared."""

    region: str
    chosen: str
    train_f1: float
    whole_and_unmixed: bool


@dataclass(frozen=True)
class CrossValidation:
    """The cross-validated figures of a set of candidate settings."""

    folds: tuple[Fold, ...]
    f1: float
    """F1 of the held-out predictions, every pair predicted once."""
    whole_and_unmixed: int
    """Documented regions (with two or more located members) whole and unmixed under their
    fold's setting."""
    regions: int
    in_sample: Mapping[str, float]
    """Each setting's F1 on every pair (for reference only)."""
    best: str
    """The setting with the best in-sample F1: the one to use as the default."""


def whole_and_unmixed(documented: DocumentedMembers, plan: Plan, region: str) -> bool:
    """True when ``plan`` keeps the documented region whole and mixes no other one into it."""
    of = plan.assignment
    homes = {of.get(c) for c in documented.regions[region]}
    if len(homes) != 1 or None in homes:
        return False
    home = homes.pop()
    others = {r for c, r in documented.region_of.items() if of.get(c) == home}
    return others == {region}


def cross_validate(documented: DocumentedMembers, plans: Mapping[str, Plan]) -> CrossValidation:
    """Leave-one-documented-region-out choice among the candidate settings' plans.

    Parameters
    ----------
    documented : DocumentedMembers
        The located members of the documented regions (``validate.documented_members``).
    plans : mapping
        Setting label -> the plan it gives (at least one).
    """
    if not plans:
        raise ValueError("no candidate plans to choose from")
    pairs = Pairs.of(documented)
    predicted = {label: pairs.together(plan) for label, plan in plans.items()}
    labels = sorted(plans)
    held_out = np.zeros(len(pairs), dtype=bool)
    prediction = np.zeros(len(pairs), dtype=bool)
    folds = []
    for region in sorted(documented.regions):
        touch = pairs.touching(region)
        scores = {lab: f1(pairs.positive[~touch], predicted[lab][~touch]) for lab in labels}
        chosen = max(labels, key=lambda lab: (scores[lab], lab))
        # Pairs touching an earlier region were predicted in its fold already.
        new = touch & ~held_out
        prediction[new] = predicted[chosen][new]
        held_out |= touch
        whole = whole_and_unmixed(documented, plans[chosen], region)
        folds.append(Fold(region, chosen, scores[chosen], whole))
    assessed = [f for f in folds if len(documented.regions[f.region]) >= 2]
    in_sample = {lab: f1(pairs.positive, predicted[lab]) for lab in labels}
    return CrossValidation(
        folds=tuple(folds),
        f1=f1(pairs.positive[held_out], prediction[held_out]),
        whole_and_unmixed=sum(f.whole_and_unmixed for f in assessed),
        regions=len(assessed),
        in_sample=in_sample,
        best=max(labels, key=lambda lab: (in_sample[lab], lab)),
    )


def settings_grid(axes: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """Every combination of the given values per key (a small grid of candidate settings)."""
    grid: list[dict[str, object]] = [{}]
    for key, values in axes.items():
        grid = [{**g, key: v} for g in grid for v in values]
    return grid


__all__ = [
    "CrossValidation",
    "Fold",
    "Pairs",
    "cross_validate",
    "f1",
    "settings_grid",
    "whole_and_unmixed",
]
