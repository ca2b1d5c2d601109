"""Budget (exact to the cent) and plan comparison (ARI by hand) on tiny fixtures and real data."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from regionopt.budget import budget, largest_remainder, to_cents
from regionopt.cli import app
from regionopt.compare import adjusted_rand_index, compare, contingency, pair_counts
from regionopt.config import BudgetConfig
from regionopt.plan import AmbiguousMember, Plan

from .conftest import make_instance

# Seven schools; technical pupils chosen so that the splits leave remainders.
TECH = [13, 0, 7, 29, 1, 0, 50]
POINTS = [(i * 3.0, 0.0) for i in range(len(TECH))]


def _codes(n: int = len(TECH)) -> list[str]:
    return [f"{i:02d}AA00" for i in range(n)]


def _plan(labels: str, **kwargs: object) -> Plan:
    return Plan.from_mapping(
        {c: r for c, r in zip(_codes(len(labels)), labels, strict=True) if r != "."}, **kwargs
    )


# --------------------------------------------------------------------------------------------
# largest remainder


def test_largest_remainder_by_hand() -> None:
    # 100 over weights 1, 1, 1: quotas 33.33 each; the first gets the leftover unit.
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    # 10 over 1, 2: quotas 3.33 and 6.67 -> the larger remainder (6.67) gets the unit.
    assert largest_remainder(10, [1, 2]) == [3, 7]
    assert largest_remainder(5, [0, 0]) == [0, 0]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**5), min_size=1, max_size=30),
)
def test_largest_remainder_sums_exactly(total: int, weights: list[int]) -> None:
    parts = largest_remainder(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == total
    for p, w in zip(parts, weights, strict=True):
        exact = total * w / sum(weights)
        assert abs(p - exact) < 1.0 + 1e-9  # never more than one unit from the exact quota


# --------------------------------------------------------------------------------------------
# budget


def test_budget_totals_are_exact() -> None:
    inst = make_instance(POINTS, technical=TECH)
    cfg = BudgetConfig(
        transition_eur_per_pupil=1234.57,
        structural_national_eur=1_000_000.01,
        structural_base_share=0.37,
        regional_goals_share=0.23,
        cofunding_share=0.1,
    )
    money = budget(inst, _plan("AABBBCC"), cfg)
    # Structural: the schools' amounts add up to the national total, to the cent.
    assert money.total_structural_cents == to_cents(1_000_000.01) == 100_000_001
    assert sum(s.structural_cents for s in money.schools) == 100_000_001
    assert sum(r.structural_cents for r in money.regions) == 100_000_001
    # Transition: pupils x amount per pupil, per school, per region and nationally.
    assert money.total_transition_cents == sum(TECH) * 123_457
    for s in money.schools:
        assert s.transition_cents == s.technical_pupils * 123_457
    for r in money.regions:
        assert r.transition_cents == r.technical_pupils * 123_457
        # Goals + schools' share = the region's amount, and the schools' share adds up.
        assert r.transition_goals_cents + r.transition_schools_cents == r.transition_cents
        assert r.structural_goals_cents + r.structural_schools_cents == r.structural_cents
        mine = [s for s in money.schools if s.region_id == r.region_id]
        assert sum(s.transition_share_cents for s in mine) == r.transition_schools_cents
        assert sum(s.structural_share_cents for s in mine) == r.structural_schools_cents
        assert r.cofunding_cents == round(r.structural_cents * 0.1)
    # Schools without technical pupils get no structural money; the base is equal (+-1 cent).
    assert all(s.structural_cents == 0 for s in money.schools if s.technical_pupils == 0)
    assert money.n_technical_schools == 5


def test_structural_base_and_per_pupil_by_hand() -> None:
    # Two technical schools with 10 and 30 pupils, EUR 1000 national, 40% base.
    inst = make_instance([(0, 0), (3, 0), (6, 0)], technical=[10, 30, 0])
    cfg = BudgetConfig(structural_national_eur=1000.0, structural_base_share=0.4)
    money = budget(inst, _plan("AAB"), cfg)
    by = money.by_school
    # Base EUR 400 -> 200 each; per pupil EUR 600 / 40 = 15 -> 150 and 450.
    assert by["00AA00"].structural_cents == 35_000
    assert by["01AA00"].structural_cents == 65_000
    assert by["02AA00"].structural_cents == 0
    assert money.by_region["A"].structural_cents == 100_000


def test_documented_partial_plan_gets_its_national_share() -> None:
    inst = make_instance(POINTS, technical=TECH)
    full = budget(inst, _plan("AABBCCC"), BudgetConfig(structural_national_eur=500.0))
    part = _plan("AAB....")
    documented = Plan(rows=part.rows, complete=False)
    money = budget(inst, documented, BudgetConfig(structural_national_eur=500.0))
    # Each documented school gets exactly what it gets in the national (complete) plan.
    for code, school in money.by_school.items():
        assert school.structural_cents == full.by_school[code].structural_cents
    assert money.total_structural_cents < 50_000


def test_plan_without_some_schools_divides_over_its_schools() -> None:
    inst = make_instance(POINTS, technical=TECH)
    money = budget(inst, _plan("AAB...."), BudgetConfig(structural_national_eur=500.0))
    assert money.schools_not_in_plan == 4
    assert money.total_structural_cents == 50_000
    assert money.technical_pupils == 13 + 7


# --------------------------------------------------------------------------------------------
# adjusted Rand index and pair counts, by hand


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
    inst = make_instance(POINTS, technical=TECH)
    a = _plan("AAABBBB", name="a")
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


# --------------------------------------------------------------------------------------------
# real data


@pytest.mark.realdata
def test_budget_on_real_data(workspace) -> None:
    from .national import rmc_plan

    inst = workspace.instance
    plan = rmc_plan(inst, Path(workspace.loaded.report.data_dir))
    cfg = workspace.config.budget
    money = budget(inst, plan, cfg)
    assert money.total_structural_cents == to_cents(cfg.structural_national_eur)
    assert sum(r.structural_cents for r in money.regions) == money.total_structural_cents
    in_plan = [inst.school(c) for c in plan.assignment]
    per_pupil = to_cents(cfg.transition_eur_per_pupil)
    assert money.total_transition_cents == sum(s.technical_pupils for s in in_plan) * per_pupil


@pytest.mark.realdata
def test_cli_budget_and_compare_json(workspace, tmp_path) -> None:
    plan = workspace.loaded.actual
    path = tmp_path / "actual.csv"
    # Only participating schools: a plan file with other codes is refused (exit 2).
    rows = [(c, r) for c, r in plan.assignment.items() if c in workspace.instance.index]
    path.write_text(
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in rows), encoding="utf-8"
    )
    data = workspace.loaded.report.data_dir
    runner = CliRunner()
    res = runner.invoke(app, ["budget", str(path), "--json", "--data", data])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["total_structural_eur"] == pytest.approx(100_000_000.0)
    keys = {"region_id", "transition_eur", "structural_eur", "cofunding_eur"}
    assert out["regions"] and all(keys <= set(r) for r in out["regions"])
    res = runner.invoke(app, ["compare", str(path), "actual", "--json", "--data", data])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["adjusted_rand_index"] == pytest.approx(1.0)
    assert out["moved"] == [] and out["pairs"]["together_only_in_a"] == 0
    res = runner.invoke(app, ["compare", str(tmp_path / "missing.csv"), "actual"])
    assert res.exit_code == 2
