"""Comparing plans: the adjusted Rand index and pair counts (by hand, brute force), moves."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from regionopt.compare import adjusted_rand_index, compare, contingency, pair_counts
from regionopt.plan import AmbiguousMember, Plan
from tests.cases import SEVEN_POINTS, SEVEN_TECHNICAL, lettered_plan
from tests.conftest import make_instance


def test_ari_by_hand() -> None:
    # A = {0,1,2}{3,4,5}; B = {0,1}{2,3,4,5}. Contingency [[2,1],[0,3]].
    table = contingency(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 1, 1]))
    assert table.tolist() == [[2, 1], [0, 3]]
    # sum C(nij,2) = 1 + 0 + 0 + 3 = 4; rows: C(3,2)*2 = 6; cols: C(2,2) + C(4,2) = 7.
    # expected = 6 * 7 / C(6,2) = 42 / 15 = 2.8; max = 6.5; ARI = (4 - 2.8) / (6.5 - 2.8).
    assert adjusted_rand_index(table) == pytest.approx(1.2 / 3.7)
    pairs = pair_counts(table)
    assert (pairs.together_both, pairs.only_a, pairs.only_b) == (4, 2, 3)
    assert pairs.apart_both == 15 - 4 - 2 - 3


def test_ari_brute_force_pairs() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = rng.integers(0, 3, 9), rng.integers(0, 4, 9)
        a = np.unique(a, return_inverse=True)[1]
        b = np.unique(b, return_inverse=True)[1]
        together = {
            (x, y): (a[i] == a[j], b[i] == b[j])
            for i, j in combinations(range(9), 2)
            for x, y in [(i, j)]
        }
        pairs = pair_counts(contingency(a, b))
        assert pairs.together_both == sum(1 for v in together.values() if v == (True, True))
        assert pairs.only_a == sum(1 for v in together.values() if v == (True, False))
        assert pairs.only_b == sum(1 for v in together.values() if v == (False, True))
        # Rand-style identities: ARI of a partition with itself is 1.
        assert adjusted_rand_index(contingency(a, a)) == pytest.approx(1.0)


def test_compare_moved_and_partial() -> None:
    inst = make_instance(SEVEN_POINTS, technical=SEVEN_TECHNICAL)
    a = lettered_plan("AAABBBB", name="a")
    # B: school 2 moved to Y (the partner of B); school 6 missing; region names differ.
    b = Plan.from_mapping(
        {"00AA00": "X", "01AA00": "X", "02AA00": "Y", "03AA00": "Y", "04AA00": "Y", "05AA00": "Y"},
        name="b",
        complete=False,
        ambiguous=(AmbiguousMember("Y", ("06AA00", "05AA00")),),
    )
    result = compare(inst, a, b)
    assert result.shared_schools == 6
    assert [m.code for m in result.moved] == ["02AA00"]
    assert result.moved[0].partner_of_a == "X"
    assert result.only_in_a == ("06AA00",)  # the ambiguous member is not counted
    by_a = {d.region_a: d for d in result.regions}
    assert by_a["A"].region_b == "X" and by_a["B"].region_b == "Y"
    assert by_a["A"].figures_a.n_schools == 3 and by_a["A"].figures_b.n_schools == 2
    assert result.ari == pytest.approx(1.2 / 3.7)  # the same partitions as test_ari_by_hand
    assert result.partial


def test_a_region_changed_unless_both_plans_give_it_the_same_schools() -> None:
    inst = make_instance(SEVEN_POINTS, technical=SEVEN_TECHNICAL)
    a = lettered_plan("AAABBCC", name="a")
    b = lettered_plan("XXXYYY.", name="b")  # A kept (renamed), B grows, C gone
    changed = {(d.region_a, d.region_b): d.changed for d in compare(inst, a, b).regions}
    assert changed == {("A", "X"): False, ("B", "Y"): True, ("C", None): True}
    assert compare(inst, a, b).as_dict()["regions"][0]["changed"] is False
