"""regionopt compare --objective: each plan's objective on the real data, by hand for one move."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import RMC_RULES
from tests.helpers import invoke, write_file


def _moved_plan(plan, graph, codes):
    """The plan with one school moved to a neighbouring region, and what that changes in the
    cut commuting pupils: its edges to its old region are cut, those to the new one no more."""
    assignment = plan.assignment
    for a, b in graph.edges():
        school, other = codes[a], codes[b]
        old, new = assignment[school], assignment[other]
        if old != new and sum(1 for r in assignment.values() if r == old) > 2:
            break
    weight_to = {old: 0.0, new: 0.0}
    for n in graph.neighbors(codes.index(school)):
        region = assignment[codes[n]]
        if region in weight_to and codes[n] != school:
            weight_to[region] += graph.edges[codes.index(school), n]["weight"]
    moved = plan.with_assignment({school: new}, name="moved")
    return moved, weight_to[old] - weight_to[new]


@pytest.mark.realdata
def test_compare_gives_each_plans_objective_and_what_one_move_changes(
    national, rmc_workspace, tmp_path
) -> None:
    plan, path = national
    codes = [s.code for s in rmc_workspace.instance.schools]
    moved, cut_change = _moved_plan(plan, rmc_workspace.graph, codes)
    moved_path = write_file(
        tmp_path / "moved.csv",
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in moved.rows),
    )
    data = rmc_workspace.loaded.report.data_dir
    args = ("compare", path, moved_path, "--objective", "--config", RMC_RULES, "--data", data)
    res = invoke(*args, "--json")
    assert res.exit_code == 0, res.output
    objective = json.loads(res.stdout)["objective"]
    a, b = objective["a"], objective["b"]
    assert objective["notes"] == []
    assert b["cut_pupils"] - a["cut_pupils"] == pytest.approx(cut_change, abs=0.01)
    for comps in (a, b):  # the parts add up to the objective
        assert sum(comps["contributions"].values()) == pytest.approx(comps["total"], abs=0.05)
    shown = invoke(*args)
    assert shown.exit_code == 0, shown.output
    assert "Objective under the config's weights" in shown.output
    difference = f"{b['total'] - a['total']:+,.1f}"
    assert re.search(
        rf"│ objective +│ +│ +[\d,.]+ +│ +│ +[\d,.]+ +│ +{re.escape(difference)} │", shown.output
    ), shown.output


@pytest.mark.realdata
def test_a_partial_plan_has_no_objective_and_compare_says_why(national, rmc_workspace) -> None:
    _, path = national
    data = rmc_workspace.loaded.report.data_dir
    res = invoke(
        "compare", path, "actual", "--objective", "--json", "--config", RMC_RULES, "--data", data
    )
    assert res.exit_code == 0, res.output
    objective = json.loads(res.stdout)["objective"]
    assert objective["a"] is not None and objective["b"] is None
    (note,) = objective["notes"]
    assert re.match(r"plan B has no objective: \d+ participating schools are in no region", note)


@pytest.mark.realdata
def test_schools_in_one_plan_only_are_counted_unless_all_is_asked(national, rmc_workspace) -> None:
    """Against the documented regions a national plan has hundreds of schools in no
    documented region: they are counted, and listed with --all."""
    plan, path = national
    data = rmc_workspace.loaded.report.data_dir
    documented = set(rmc_workspace.loaded.actual.assignment)
    lone = sum(1 for code in plan.assignment if code not in documented)
    res = invoke("compare", path, "actual", "--data", data)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert f"{lone} schools only in A (in no region of B); --all lists them" in text
    assert "Only in A (in no region of B)" not in text
    actual = rmc_workspace.loaded.actual.assignment
    unknown = sum(1 for code in actual if code not in rmc_workspace.instance.index)
    assert f"note: {unknown} code(s) of B name no participating school" in text
    every = invoke("compare", path, "actual", "--all", "--data", data)
    assert "Only in A (in no region of B)" in every.output


@pytest.mark.realdata
def test_a_school_that_takes_no_part_leaves_the_objective_with_its_edges(
    national, rmc_workspace
) -> None:
    """Its commuting edges to other regions were cut pupils; without the school they are gone."""
    from regionopt.proposal import score_plan

    plan, _ = national
    graph, codes = rmc_workspace.graph, [s.code for s in rmc_workspace.instance.schools]
    assignment = plan.assignment
    leaving = next(
        codes[a]
        for a, b in graph.edges()
        if assignment[codes[a]] != assignment[codes[b]]
        and sum(1 for r in assignment.values() if r == assignment[codes[a]]) > 2
    )
    i = codes.index(leaving)
    cut_edges = sum(
        graph.edges[i, n]["weight"]
        for n in graph.neighbors(i)
        if assignment[codes[n]] != assignment[leaving]
    )
    before = score_plan(rmc_workspace, plan)
    after = score_plan(rmc_workspace, plan.with_assignment({leaving: None}))
    assert after.cut_pupils == pytest.approx(before.cut_pupils - cut_edges, abs=1e-6)


def test_compare_names_the_regions_of_both_plans(tiny_data, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_file(
        tmp_path / "a" / "regions.csv",
        "vestiging_code,region_id,region_name\n11AA00,A,Noord\n22BB00,A,Noord\n33CC00,B,Zuid\n",
    )
    b = write_file(
        tmp_path / "b" / "regions.csv",
        "vestiging_code,region_id,region_name\n11AA00,X,Oost\n22BB00,Y,West\n33CC00,Y,West\n",
    )
    res = invoke("compare", a, b, "--data", tiny_data)
    assert res.exit_code == 0, res.output
    assert "A = a/regions.csv vs B = b/regions.csv" in res.output
    # 22BB00 moved from Noord (A) to West (Y), not to Oost (X), A's partner in B.
    moved = next(line for line in res.output.splitlines() if "22BB00" in line)
    assert re.search(r"Noord \(A\) +│ West \(Y\) +│ Oost \(X\)", moved), res.output
    names = json.loads(invoke("compare", a, b, "--data", tiny_data, "--json").stdout)
    assert names["region_names_b"] == {"X": "Oost", "Y": "West"}


@pytest.mark.realdata
def test_compare_gives_the_objective_of_the_one_plan_that_has_one(national, rmc_workspace) -> None:
    _, path = national
    data = rmc_workspace.loaded.report.data_dir
    res = invoke("compare", path, "actual", "--objective", "--config", RMC_RULES, "--data", data)
    assert res.exit_code == 0, res.output
    assert "A: adds" in res.output and "B: adds" not in res.output
    assert re.search(r"│ objective +│ +│ +[\d,.]+ │", res.output), res.output
    assert "plan B has no objective" in res.output
