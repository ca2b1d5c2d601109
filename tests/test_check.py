"""The rule checker on hand-drawn fixtures, and on the documented actual regions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.check import check, is_valid, regions_concerned
from regionopt.cli import app
from regionopt.config import RulesConfig
from regionopt.dutch import rule_labels
from regionopt.graph import graph_from_edges
from regionopt.model.rules import RegionRules
from regionopt.plan import Plan

from .conftest import make_instance
from .helpers import invoke

# A path of six schools, 5 km apart: 0 - 1 - 2 - 3 - 4 - 5; mbo next to school 0 and 5.
POINTS = [(0, 0), (5, 0), (10, 0), (15, 0), (20, 0), (25, 0)]
PATH_EDGES = [(i, i + 1) for i in range(5)]
RULES = RulesConfig(min_vmbo=2, min_technical_pupils=20, mbo_reach_km=6.0, together_km=1.0)


def _setup(technical=(10, 10, 10, 10, 10, 10), points=POINTS):
    inst = make_instance(points, technical=list(technical), mbo_km=[(0, 0), (25, 0)])
    return inst, graph_from_edges(inst, PATH_EDGES)


def _plan(labels: str) -> Plan:
    return Plan.from_mapping({f"{i:02d}AA00": r for i, r in enumerate(labels)})


def _rules(violations) -> set[tuple[str, str]]:
    return {(v.rule, v.region_id) for v in violations}


def test_valid_plan_has_no_violation() -> None:
    inst, g = _setup()
    assert check(inst, g, _plan("AAABBB"), RULES) == []


def test_each_rule_reports_its_region() -> None:
    inst, g = _setup(technical=(10, 0, 0, 10, 10, 10))
    # A = {0, 1, 2}: 10 technical pupils (< 20); C = {3}: one vmbo; B = {4, 5} fine.
    found = _rules(check(inst, g, _plan("AAACBB"), RULES))
    assert ("size", "A") in found and ("min_vmbo", "C") in found and ("size", "C") in found
    assert ("mbo", "C") in found  # school 3 is 10 km from the nearest mbo
    assert not any(r == "B" for _, r in found)


def test_penvoerder_needs_technical_pupils() -> None:
    inst, g = _setup(technical=(20, 20, 20, 0, 0, 0))
    found = check(inst, g, _plan("AAABBB"), RULES.model_copy(update={"min_technical_pupils": 0}))
    assert _rules(found) == {("penvoerder", "B")}


def test_contiguity_and_partition() -> None:
    inst, g = _setup()
    # A = {0, 1, 3} and B = {2, 4, 5} are both cut in two; 05AA00 is listed twice.
    plan = Plan(
        rows=(
            ("00AA00", "A"),
            ("01AA00", "A"),
            ("03AA00", "A"),
            ("02AA00", "B"),
            ("04AA00", "B"),
            ("05AA00", "B"),
            ("05AA00", "A"),
            ("99ZZ00", "B"),
        )
    )
    violations = check(inst, g, plan, RULES.model_copy(update={"min_technical_pupils": 0}))
    detached = {v.region_id: v.codes for v in violations if v.rule == "contiguity"}
    assert detached == {"A": ("03AA00",), "B": ("02AA00",)}
    partition = [v for v in violations if v.rule == "partition"]
    assert {v.codes for v in partition} == {("05AA00",), ("99ZZ00",)}
    unknown = next(v for v in partition if v.codes == ("99ZZ00",))
    assert "no vestiging in the data has code 99ZZ00" in unknown.message
    assert not is_valid(violations)


def test_missing_school_breaks_a_complete_plan_only() -> None:
    inst, g = _setup()
    rows = tuple((f"{i:02d}AA00", "A") for i in range(5))
    full = check(inst, g, Plan(rows=rows), RULES)
    partial = check(inst, g, Plan(rows=rows, complete=False), RULES)
    assert [v.severity for v in full if v.rule == "partition"] == ["broken"]
    assert [v.severity for v in partial if v.rule == "partition"] == ["unknown"]


def test_partial_region_size_is_unknown_not_broken() -> None:
    inst, g = _setup()
    plan = Plan(rows=(("00AA00", "A"),), partial_regions=frozenset({"A"}), complete=False)
    violations = check(inst, g, plan, RULES)
    assert {v.severity for v in violations if v.rule in ("size", "min_vmbo")} == {"unknown"}
    assert is_valid(violations)
    capped = RULES.model_copy(update={"max_technical_pupils": 5, "min_technical_pupils": 0})
    assert not is_valid(check(inst, g, plan, capped))  # a lower bound above the maximum


def test_close_schools_split_hard_or_warning() -> None:
    points = [(0, 0), (0.5, 0), (10, 0), (15, 0), (20, 0), (25, 0)]
    inst, g = _setup(points=points)
    plan = _plan("ABBBBB")
    hard = [v for v in check(inst, g, plan, RULES) if v.rule == "together"]
    soft = [
        v
        for v in check(inst, g, plan, RULES.model_copy(update={"together_hard": False}))
        if v.rule == "together"
    ]
    assert [v.severity for v in hard] == ["broken"] and hard[0].codes == ("00AA00", "01AA00")
    assert [v.severity for v in soft] == ["warning"]


def test_a_split_close_pair_concerns_both_regions_wherever_it_is_shown() -> None:
    """The finding names one region; the what-if and the web app's region panel show it in
    both (the web app showed the region the school joined as keeping the rule)."""
    from regionopt.app.views import rule_statuses

    points = [(0, 0), (0.5, 0), (10, 0), (15, 0), (20, 0), (25, 0)]
    inst, g = _setup(points=points)
    plan = _plan("ABBBBB")
    (split,) = [v for v in check(inst, g, plan, RULES) if v.rule == "together"]
    assert regions_concerned(split, plan) == {"A", "B"}
    for region in ("A", "B"):
        judged = check(inst, g, plan, RULES, regions=[region])
        status = {r["rule"]: r["status"] for r in rule_statuses(judged, ["together"], region, plan)}
        assert status == {"together": "broken"}


def test_only_named_regions_are_judged() -> None:
    inst, g = _setup(technical=(10, 0, 0, 10, 10, 10))
    found = _rules(check(inst, g, _plan("AAACBB"), RULES, regions=["B"]))
    assert found == set()


def test_every_finding_also_says_it_in_dutch() -> None:
    points = [(0, 0), (0.5, 0), (10, 0), (15, 0), (20, 0), (25, 0)]
    inst, g = _setup(technical=(10, 0, 0, 10, 0, 0), points=points)
    # A = {0, 3} and B = {1, 4} are cut in two, 0 and 1 are close but apart, 5 is in no
    # region, and C = {2} is too small, without mbo, penvoerder or a second vmbo school.
    rows = (("00AA00", "A"), ("01AA00", "B"), ("02AA00", "C"), ("03AA00", "A"), ("04AA00", "B"))
    plan = Plan(rows=rows)
    rules = RULES.model_copy(update={"max_technical_pupils": 15})
    found = check(inst, g, plan, rules) + check(inst, g, _plan("AAAAAA"), rules)
    assert {v.rule for v in found} == {
        "partition", "min_vmbo", "penvoerder", "mbo", "size", "contiguity", "together"
    }  # fmt: skip
    labels = rule_labels(RegionRules.from_config(rules))
    for v in found:
        assert v.message_nl and v.message_nl != v.message, v
        assert v.dutch(labels).startswith(f"[gebroken] {labels[v.rule]}: "), v.dutch(labels)
    vmbo = next(v for v in found if v.rule == "min_vmbo")
    assert vmbo.dutch(labels) == (
        "[gebroken] Minstens 2 vmbo-scholen: regio C: 1 vmbo-vestiging(en), minstens 2 nodig"
    )
    sizes = {v.message_nl for v in found if v.rule == "size"}
    assert sizes == {
        "0 techniekleerlingen lj 3-4, minstens 20 nodig",
        "20 techniekleerlingen lj 3-4, hooguit 15 toegestaan",
    }


def test_cli_check_exit_codes(tmp_path: Path, real_data: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("code,region\n02QZ00,A\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), "--data", str(real_data)])
    assert result.exit_code == 2 and "vestiging_code" in result.output
    wrong_code = tmp_path / "wrong.csv"
    wrong_code.write_text("vestiging_code,region_id\n02QZ0,A\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(wrong_code), "--data", str(real_data)])
    assert result.exit_code == 2 and "row 2" in result.output


@pytest.mark.realdata
def test_actual_regions_checked_with_partial_marked(real_data: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["check", "actual", "--json", "--data", str(real_data)])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    assert report["partial_regions"]
    assert all(
        v["severity"] != "broken"
        or v["region_id"] not in report["partial_regions"]
        or v["rule"] in ("partition", "together")
        for v in report["violations"]
        if v["rule"] in ("size", "min_vmbo", "penvoerder", "mbo")
    )
    assert result.exit_code == (0 if report["valid"] else 1)


@pytest.mark.realdata
def test_one_region_per_gemeente_plan_is_judged(workspace, tmp_path: Path, real_data: Path) -> None:
    inst = workspace.instance
    plan = tmp_path / "gm.csv"
    plan.write_text(
        "vestiging_code,region_id\n" + "".join(f"{s.code},{s.gemeente}\n" for s in inst.schools),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(plan), "--json", "--data", str(real_data)])
    report = json.loads(result.output)
    # Many gemeenten have a single vmbo school: the plan breaks min_vmbo, and the CLI says so.
    assert result.exit_code == 1 and not report["valid"]
    assert any(v["rule"] == "min_vmbo" for v in report["violations"])


def test_cli_check_names_each_region_with_its_id(tiny_data: Path, tmp_path: Path) -> None:
    """A region id typed where '-' was meant ('nvt') makes a region of its own; the table
    shows its id beside the name its row carries, so the two Westdorps are told apart."""
    plan = tmp_path / "p.csv"
    plan.write_text(
        "vestiging_code,region_id,region_name\n"
        "11AA00,A,Westdorp\n22BB00,A,Westdorp\n33CC00,nvt,Westdorp\n",
        encoding="utf-8",
    )
    res = invoke("check", plan, "--data", tiny_data)
    assert res.exit_code == 1, res.output
    broken = next(line for line in res.output.splitlines() if "min_vmbo" in line)
    assert "Westdorp (nvt)" in broken, res.output


def test_cli_check_notes_a_row_renamed_where_it_was_meant_to_move(
    tiny_data: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "p.csv"
    plan.write_text(
        "vestiging_code,region_id,region_name\n11AA00,A,West\n22BB00,A,West\n33CC00,A,Oost\n",
        encoding="utf-8",
    )
    res = invoke("check", plan, "--data", tiny_data)
    said = " ".join(res.output.split())
    assert "row 4: 33CC00 is in region A (West) but its region_name says 'Oost'" in said
