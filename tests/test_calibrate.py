"""Calibration: leave-one-documented-region-out choice among candidate settings, computed by
hand on tiny plans, and the true weights recovered on a synthetic case."""

from __future__ import annotations

import numpy as np
import pytest

from regionopt.calibrate import (
    Pairs,
    choose,
    cross_validate,
    f1,
    jackknife_se,
    preference,
    settings_grid,
    whole_and_unmixed,
)
from regionopt.config import RulesConfig, WeightsConfig
from regionopt.graph import graph_from_edges
from regionopt.model.problem import Problem
from regionopt.plan import Plan
from regionopt.solve.pipeline import optimise
from regionopt.validate import DocumentedMembers, documented_members

from .conftest import make_instance
from .strategies import exact_search

CODES = [f"{i:02d}AA00" for i in range(6)]
TRUTH = Plan.from_mapping({c: ("X" if i < 3 else "Y") for i, c in enumerate(CODES)}, complete=False)


def _documented() -> DocumentedMembers:
    inst = make_instance([(float(i), 0.0) for i in range(6)])
    return documented_members(inst, TRUTH)


def test_pairs_and_f1_by_hand() -> None:
    pairs = Pairs.of(_documented())
    assert len(pairs) == 15 and int(pairs.positive.sum()) == 6
    # Everything in one region: 6 TP, 9 FP, 0 FN: precision 6/15, recall 1.
    one = Plan.from_mapping({c: "R" for c in CODES})
    assert f1(pairs.positive, pairs.together(one)) == pytest.approx(2 * 0.4 / 1.4)
    assert pairs.touching("X").sum() == 3 + 9  # pairs inside X, and X-Y pairs


def test_each_fold_chooses_without_its_region() -> None:
    documented = _documented()
    right = Plan.from_mapping({c: ("A" if i < 3 else "B") for i, c in enumerate(CODES)})
    # "half" keeps Y whole but splits X: a fold that leaves X out cannot tell them apart on
    # the pairs it sees (Y's pairs are all right in both), and takes the larger label.
    half = Plan.from_mapping(
        {c: ("A" if i < 2 else ("C" if i == 2 else "B")) for i, c in enumerate(CODES)}
    )
    cv = cross_validate(documented, {"right": right, "zhalf": half})
    by_region = {f.region: f.chosen for f in cv.folds}
    assert by_region["Y"] == "right"  # without Y, X's pairs show "right" is better
    assert by_region["X"] == "zhalf"  # without X, both score 1.0 on Y: ties go to the later label
    # X's 3 internal pairs and 9 X-Y pairs come from fold X ("zhalf"), Y's 3 from fold Y.
    assert cv.f1 == pytest.approx(
        f1(
            np.array([True] * 6 + [False] * 9),
            np.array([True, False, False] + [True] * 3 + [False] * 9),
        )
    )
    assert cv.whole_and_unmixed == 1 and cv.regions == 2
    assert cv.best == "right" and cv.in_sample["right"] == 1.0
    assert whole_and_unmixed(documented, half, "Y") and not whole_and_unmixed(documented, half, "X")


def test_the_true_weights_are_recovered_on_a_synthetic_case() -> None:
    """Regions made by known weights are documented; the calibration finds those weights."""
    # Two clusters of three schools whose commuting links are weak inside and strong across,
    # in two gemeenten that follow the clusters: only a strong gemeente weight keeps them.
    inst = make_instance(
        [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.0, 0.0), (5.0, 0.0)],
        technical=[30] * 6,
        gemeenten=["GM0001"] * 3 + ["GM0002"] * 3,
    )
    graph = graph_from_edges(
        inst, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 4.0), (3, 4, 1.0), (4, 5, 1.0), (0, 5, 0.0)]
    )
    rules = RulesConfig(min_technical_pupils=60, min_vmbo=1, mbo_reach_km=100.0, together_km=0)
    problem = Problem.from_instance(inst, graph, rules, regions=(2, 2))
    plans = {}
    for setting in settings_grid({"gemeente_split": [0.0, 10.0]}):
        weights = WeightsConfig.model_validate(
            {"cut_pupils": 1.0, "compactness_km": 0.0, **setting}
        )
        part = optimise(problem, weights, exact_search()).partition
        assert part is not None
        plans[f"gemeente {setting['gemeente_split']}"] = part.plan(problem.codes, ("R1", "R2"))
    truth = plans["gemeente 10.0"]
    documented = documented_members(inst, Plan(rows=truth.rows, complete=False))
    assert plans["gemeente 0.0"].assignment != truth.assignment  # the weight matters here
    cv = cross_validate(documented, plans)
    assert {f.chosen for f in cv.folds} == {"gemeente 10.0"}
    assert cv.f1 == 1.0 and cv.best == "gemeente 10.0"


def _four_pairs() -> tuple[DocumentedMembers, list[str]]:
    """Documented regions X = {0, 1}, Y = {2, 3}, Z = {4, 5}, W = {6, 7}."""
    codes = [f"{i:02d}AA00" for i in range(8)]
    truth = Plan.from_mapping({c: "XXYYZZWW"[i] for i, c in enumerate(codes)}, complete=False)
    inst = make_instance([(float(i), 0.0) for i in range(8)])
    return documented_members(inst, truth), codes


def test_jackknife_standard_error_by_hand() -> None:
    documented, codes = _four_pairs()
    pairs = Pairs.of(documented)
    # X and Y whole, Z split, and W's 6 together with Y: TP 2, FN 2 (Z, W), FP 2 (6-2, 6-3).
    plan = Plan.from_mapping({c: "AABBCDBE"[i] for i, c in enumerate(codes)})
    predicted = pairs.together(plan)
    everything = np.ones(len(pairs), dtype=bool)
    assert f1(pairs.positive, predicted) == pytest.approx(0.5)
    # Leaving out X: TP 1, FP 2, FN 2 -> 1/3; Y: TP 1, FP 0, FN 2 -> 1/2; Z: TP 2, FP 2, FN 1
    # -> 4/7; W: TP 2, FP 0, FN 1 -> 4/5. Jackknife: sqrt(3/4 * sum of squared deviations).
    values = np.array([1 / 3, 1 / 2, 4 / 7, 4 / 5])
    expected = np.sqrt(3 / 4 * ((values - values.mean()) ** 2).sum())
    assert jackknife_se(pairs, predicted, everything) == pytest.approx(expected)
    assert jackknife_se(pairs, predicted, everything, predicted) == 0.0  # paired with itself
    only_z = pairs.touching("Z") & ~pairs.touching("X") & ~pairs.touching("Y")
    only_z &= ~pairs.touching("W")
    assert jackknife_se(pairs, predicted, only_z) == 0.0  # one region: no spread to measure


def test_the_one_standard_error_rule_takes_the_preferred_setting_within_reach() -> None:
    scores = {"small": 0.90, "large": 0.85, "other": 0.89}
    assert choose(scores, {}, ()) == "small"
    assert choose(scores, {"large": 0.06}, ("large", "small")) == "large"
    assert choose(scores, {"large": 0.04}, ("large", "small")) == "small"  # out of reach
    assert choose(scores, {"large": 0.04}, ("large",)) == "small"  # unlisted: best first


def test_a_fold_takes_a_preferred_setting_within_one_standard_error_of_the_best() -> None:
    documented, codes = _four_pairs()
    plans = {
        "best": Plan.from_mapping({c: "AABBCCDE"[i] for i, c in enumerate(codes)}),  # W split
        "preferred": Plan.from_mapping({c: "AABBCDEF"[i] for i, c in enumerate(codes)}),
    }
    cv = cross_validate(documented, plans, prefer=("preferred", "best"))
    without_w = next(f for f in cv.folds if f.region == "W")
    # On X, Y, Z: "best" has F1 1, "preferred" (Z split) 0.8. Leaving out X or Y the
    # difference is 1/3, leaving out Z it is 0: mean 2/9, jackknife error sqrt(2/3 * 6/81).
    assert (without_w.best, without_w.best_f1, without_w.train_f1) == ("best", 1.0, 0.8)
    assert without_w.difference_se == pytest.approx(2 / 9)
    assert without_w.chosen == "preferred"  # 0.2 short, within 2/9
    plain = cross_validate(documented, plans)
    assert next(f for f in plain.folds if f.region == "W").chosen == "best"


def test_a_fold_that_cannot_tell_the_settings_apart_takes_the_preferred_one() -> None:
    documented = _documented()
    right = Plan.from_mapping({c: ("A" if i < 3 else "B") for i, c in enumerate(CODES)})
    half = Plan.from_mapping(
        {c: ("A" if i < 2 else ("C" if i == 2 else "B")) for i, c in enumerate(CODES)}
    )
    plans = {"right": right, "zhalf": half}
    cv = cross_validate(documented, plans, prefer=("right", "zhalf"))
    # Without X both score 1.0 on Y: the preferred "right" (plainly, the later label "zhalf").
    assert {f.region: (f.chosen, f.best) for f in cv.folds} == {
        "X": ("right", "zhalf"),
        "Y": ("right", "right"),
    }
    assert cv.f1 == 1.0 and cv.whole_and_unmixed == 2 and cv.best == "right"


def test_the_preference_puts_the_larger_minimum_first_then_the_smaller_weights() -> None:
    grid = settings_grid(
        {
            "weights.labour_market_split": [1000.0, 300.0],
            "rules.min_technical_pupils": [100, 200],
            "rules.max_technical_pupils": [600, 800],
        }
    )
    order = [
        (
            s["rules.min_technical_pupils"],
            s["weights.labour_market_split"],
            s["rules.max_technical_pupils"],
        )
        for s in preference(grid)
    ]
    # Ties on minimum and weight keep the grid's order (600 before 800).
    assert order == [
        (200, 300.0, 600),
        (200, 300.0, 800),
        (200, 1000.0, 600),
        (200, 1000.0, 800),
        (100, 300.0, 600),
        (100, 300.0, 800),
        (100, 1000.0, 600),
        (100, 1000.0, 800),
    ]
    with pytest.raises(TypeError, match="not a number"):
        preference([{"weights.gemeente_split": "high"}])
