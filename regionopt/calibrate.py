"""Calibration with an honest protocol: choose among candidate settings by cross-validation
over the documented regions.

Every candidate setting (weights and rules) gives one plan; the plans do not depend on the
documented regions, so each is made once. Leave one documented region out at a time: a
setting is chosen on the pairs that do not touch that region (the best pairwise F1, or the
rule below), and it predicts the pairs that do. A pair touching two documented regions is
predicted by the fold of the first of them (by region id), so every pair is predicted exactly
once, and always by a setting that its own regions' members did not help choose. The
cross-validated F1 counts those predictions; a documented region is "whole and unmixed" under
the setting its fold chose.

Few documented regions carry many pairs, so two settings' F1 on a fold's pairs can differ by
chance alone. With a preference order (``prefer``), a fold takes the most preferred setting
whose F1 falls short of the best by at most one standard error of that difference (the
one-standard-error rule); the error is the jackknife over the fold's documented regions, each
left out in turn, of the paired difference (both settings are scored on the same pairs).
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
        touched: np.ndarray = (np.array(self.region_a) == region) | (
            np.array(self.region_b) == region
        )
        return touched


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
    best: str = ""
    """The setting with the best F1 on the fold's pairs (``chosen`` unless a preferred setting
    lies within one standard error of it)."""
    best_f1: float = 0.0
    difference_se: float = 0.0
    """Jackknife standard error of ``best_f1 - train_f1`` (0 when ``chosen`` is ``best``)."""


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
    """The setting chosen on every pair by the same rule as a fold's: the one to use as the
    default."""


def whole_and_unmixed(documented: DocumentedMembers, plan: Plan, region: str) -> bool:
    """True when ``plan`` keeps the documented region whole and mixes no other one into it."""
    of = plan.assignment
    homes = {of.get(c) for c in documented.regions[region]}
    if len(homes) != 1 or None in homes:
        return False
    home = homes.pop()
    others = {r for c, r in documented.region_of.items() if of.get(c) == home}
    return others == {region}


def jackknife_se(
    pairs: Pairs, predicted: np.ndarray, keep: np.ndarray, baseline: np.ndarray | None = None
) -> float:
    """Jackknife standard error of the F1 on the ``keep`` pairs, over their documented regions;
    with ``baseline``, of the F1 of ``predicted`` minus that of ``baseline`` on the same pairs.

    Each documented region with a kept pair is left out in turn (its pairs dropped); 0.0 with
    fewer than two such regions.
    """
    regions = sorted(
        {r for r, k in zip(pairs.region_a, keep, strict=True) if k}
        | {r for r, k in zip(pairs.region_b, keep, strict=True) if k}
    )
    if len(regions) < 2:
        return 0.0
    values = []
    for rest in (keep & ~pairs.touching(r) for r in regions):
        value = f1(pairs.positive[rest], predicted[rest])
        if baseline is not None:
            value -= f1(pairs.positive[rest], baseline[rest])
        values.append(value)
    n, spread = len(values), np.array(values) - np.mean(values)
    return float(np.sqrt((n - 1) / n * np.sum(spread**2)))


def choose(scores: Mapping[str, float], reach: Mapping[str, float], prefer: Sequence[str]) -> str:
    """The setting to take: the most preferred one whose F1 falls short of the best by at most
    its ``reach`` (missing: 0).

    Without a preference, the best F1 (ties: the later label). Settings missing from ``prefer``
    come after those in it, by F1.
    """
    best = max(scores, key=lambda lab: (scores[lab], lab))
    if not prefer:
        return best
    rank = {lab: k for k, lab in enumerate(prefer)}
    close = [lab for lab in scores if scores[best] - scores[lab] <= reach.get(lab, 0.0)]
    return min(close, key=lambda lab: (rank.get(lab, len(rank)), -scores[lab], lab))


def cross_validate(
    documented: DocumentedMembers,
    plans: Mapping[str, Plan],
    *,
    prefer: Sequence[str] = (),
) -> CrossValidation:
    """Leave-one-documented-region-out choice among the candidate settings' plans.

    Parameters
    ----------
    documented : DocumentedMembers
        The located members of the documented regions (``validate.documented_members``).
    plans : mapping
        Setting label -> the plan it gives (at least one).
    prefer : sequence of str, optional
        Setting labels, most preferred first (the one-standard-error rule, see the module
        docstring). Empty: each fold takes the best F1 on its pairs.
    """
    if not plans:
        raise ValueError("no candidate plans to choose from")
    pairs = Pairs.of(documented)
    predicted = {label: pairs.together(plan) for label, plan in plans.items()}
    labels = sorted(plans)

    def pick(keep: np.ndarray) -> tuple[str, str, dict[str, float], dict[str, float]]:
        scores = {lab: f1(pairs.positive[keep], predicted[lab][keep]) for lab in labels}
        best = choose(scores, {}, ())
        reach = {
            lab: jackknife_se(pairs, predicted[best], keep, predicted[lab])
            for lab in (labels if prefer else ())
            if lab != best
        }
        return choose(scores, reach, prefer), best, scores, reach

    held_out = np.zeros(len(pairs), dtype=bool)
    prediction = np.zeros(len(pairs), dtype=bool)
    folds = []
    for region in sorted(documented.regions):
        touch = pairs.touching(region)
        chosen, best, scores, reach = pick(~touch)
        # Pairs touching an earlier region were predicted in its fold already.
        new = touch & ~held_out
        prediction[new] = predicted[chosen][new]
        held_out |= touch
        whole = whole_and_unmixed(documented, plans[chosen], region)
        folds.append(
            Fold(region, chosen, scores[chosen], whole, best, scores[best], reach.get(chosen, 0.0))
        )
    assessed = [f for f in folds if len(documented.regions[f.region]) >= 2]
    default, _, in_sample, _ = pick(np.ones(len(pairs), dtype=bool))
    return CrossValidation(
        folds=tuple(folds),
        f1=f1(pairs.positive[held_out], prediction[held_out]),
        whole_and_unmixed=sum(f.whole_and_unmixed for f in assessed),
        regions=len(assessed),
        in_sample=in_sample,
        best=default,
    )


def preference(settings: Sequence[Mapping[str, object]]) -> list[Mapping[str, object]]:
    """The settings, most preferred first, for the one-standard-error rule.

    The larger ``rules.min_technical_pupils`` first (rule 5: a region big enough to make good
    choices; a small region in a larger logical area joins it [001]), then the smaller
    ``weights.*`` values (each fitted factor as weak as the evidence allows), compared in the
    settings' order of keys. Other keys do not order the settings: their ties keep the given
    order. A setting without a minimum size counts as minimum 0.
    """

    def key(setting: Mapping[str, object]) -> tuple[float, tuple[float, ...]]:
        weights = tuple(_number(v) for k, v in setting.items() if k.startswith("weights."))
        return -_number(setting.get("rules.min_technical_pupils", 0)), weights

    return sorted(settings, key=key)


def _number(value: object) -> float:
    if not isinstance(value, int | float):
        raise TypeError(f"a setting's value {value!r} is not a number")
    return float(value)


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
    "choose",
    "cross_validate",
    "f1",
    "jackknife_se",
    "preference",
    "settings_grid",
    "whole_and_unmixed",
]
