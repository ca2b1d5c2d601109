"""What-if: change validation, reports, and the minimum repair checked against brute force."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from regionopt.check import check, is_valid
from regionopt.cli import app
from regionopt.config import Config, RulesConfig
from regionopt.errors import InputError
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.whatif import (
    Change,
    apply_changes,
    find_schools,
    parse_changes,
    whatif,
    write_outputs,
)

from .conftest import make_instance

# A 3 x 3 grid of schools 4 km apart; regions are the columns A, B, C.
#   0 3 6
#   1 4 7
#   2 5 8
GRID = [(4.0 * (i // 3), -4.0 * (i % 3)) for i in range(9)]
GRID_EDGES = [(i, i + 1) for i in range(9) if i % 3 != 2] + [(i, i + 3) for i in range(6)]
COLUMNS = "AAABBBCCC"
RULES = RulesConfig(min_vmbo=2, min_technical_pupils=30, mbo_reach_km=50.0, together_km=0.5)


def _codes(n: int) -> list[str]:
    return [f"{i:02d}AA00" for i in range(n)]


def _setup(technical: Iterable[int]) -> tuple[Instance, nx.Graph, Plan]:
    inst = make_instance(GRID, technical=list(technical), mbo_km=[(4.0, -4.0)])
    plan = Plan.from_mapping(dict(zip(_codes(9), COLUMNS, strict=True)), name="grid")
    return inst, graph_from_edges(inst, GRID_EDGES), plan


# --------------------------------------------------------------------------------------------
# validation


def test_parse_changes_reports_every_bad_argument() -> None:
    with pytest.raises(InputError) as err:
        parse_changes(join=["02QZ00"], move=["=R1"], leave=["X=1"])
    assert len(err.value.problems) == 3
    assert parse_changes(join=["02qz00=R1"]) == [Change("join", "02QZ00", "R1")]


def test_apply_changes_lists_every_problem() -> None:
    inst, _, plan = _setup([10] * 9)
    changes = [
        Change("join", "99ZZ00", "A"),  # unknown code
        Change("move", "00AA00", "A"),  # already in A
        Change("move", "01AA00", "Q"),  # no such region
        Change("leave", "02AA00"),
        Change("move", "02AA00", "B"),  # changed twice
    ]
    with pytest.raises(InputError) as err:
        apply_changes(plan, changes, inst)
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "99ZZ00 is not a participating" in text
    assert "already in region A" in text
    assert "'Q' does not exist" in text
    assert "changed twice" in text
    assert plan.assignment["00AA00"] == "A"  # the input plan is unchanged


def test_join_of_a_school_in_a_region_is_an_error_naming_move() -> None:
    inst, _, plan = _setup([10] * 9)
    with pytest.raises(InputError) as err:
        apply_changes(plan, [Change("join", "00AA00", "C")], inst)
    (problem,) = err.value.problems
    assert "already in region A" in problem.message
    assert "--move 00AA00=C" in problem.fix
    assert apply_changes(plan, [Change("move", "00AA00", "C")], inst).assignment["00AA00"] == "C"


def test_apply_changes_join_leave_move() -> None:
    inst, _, plan = _setup([10] * 9)
    partial = Plan(rows=tuple(r for r in plan.rows if r[0] != "08AA00"), name="p")
    after = apply_changes(
        partial,
        [Change("join", "08AA00", "A"), Change("leave", "00AA00"), Change("move", "03AA00", "C")],
        inst,
    )
    assert after.assignment["08AA00"] == "A"
    assert "00AA00" not in after.assignment
    assert after.assignment["03AA00"] == "C"


# --------------------------------------------------------------------------------------------
# what-if report


def test_whatif_reports_rules_pupils_and_money() -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    assert is_valid(check(inst, graph, plan, RULES))
    config = Config(rules=RULES)
    result = whatif(inst, graph, plan, [Change("leave", "00AA00")], config)
    assert result.affected == ("A",)
    assert not result.valid_after
    (region,) = result.regions
    size = {s.rule: s for s in region.rules}["size"]
    assert (size.before, size.after) == ("ok", "broken")
    assert (region.before.technical_pupils, region.after.technical_pupils) == (31, 19)
    money = {row["region_id"]: row for row in result.money}
    per_pupil = config.budget.transition_eur_per_pupil
    assert money["A"]["transition_before_eur"] == pytest.approx(31 * per_pupil)
    assert money["A"]["transition_after_eur"] == pytest.approx(19 * per_pupil)
    # The structural national total is re-divided, so every region's money changes.
    assert {"A", "B", "C"} <= set(money)
    assert sum(r.structural_cents for r in result.budget_after.regions) == 10_000_000_000


def test_whatif_move_keeps_rules() -> None:
    inst, graph, plan = _setup([20, 20, 20, 20, 20, 20, 20, 20, 20])
    result = whatif(inst, graph, plan, [Change("move", "03AA00", "A")], Config(rules=RULES))
    assert result.affected == ("A", "B")
    assert result.valid_after and result.valid_final


# --------------------------------------------------------------------------------------------
# outputs


def test_write_outputs(tmp_path: Path) -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    result = whatif(
        inst, graph, plan, [Change("leave", "00AA00")], Config(rules=RULES), do_repair=True
    )
    assert result.repair is not None and result.repair.status == "repaired"
    paths = write_outputs(result, inst, tmp_path)
    names = {p.name for p in paths}
    assert {"regions.csv", "report.md", "changes.csv"} <= names
    for name in ("regions.csv", "changes.csv"):
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    with (tmp_path / "regions.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "vestiging_code",
        "region_id",
        "region_name",
        "name",
        "place",
        "gemeente",
        "technical_pupils",
        "penvoerder",
    ]
    assert {r["vestiging_code"] for r in rows} == set(result.repair.plan.assignment)
    text = (tmp_path / "changes.csv").read_text(encoding="utf-8-sig")
    kinds = [line.split(",")[0] for line in text.splitlines()]
    assert kinds[1] == "requested" and "repair" in kinds
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Repair" in report and result.repair.headline() in report


# --------------------------------------------------------------------------------------------
# real data


def standin_plan(workspace) -> Plan:
    """The solver-free national plan of ``bench/national_plan.py`` (repaired RMC regions)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "national_plan.py"
    spec = importlib.util.spec_from_file_location("national_plan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.standin_plan(workspace)


def standin_plan_csv(workspace, folder: Path) -> tuple[Plan, Path]:
    """``standin_plan`` and a ``regions.csv`` of it in ``folder``."""
    plan = standin_plan(workspace)
    path = folder / "regions.csv"
    path.write_text(
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in plan.rows),
        encoding="utf-8",
    )
    return plan, path


@pytest.fixture(scope="module")
def national(workspace, tmp_path_factory) -> tuple[Plan, Path]:
    return standin_plan_csv(workspace, tmp_path_factory.mktemp("national"))


@pytest.mark.realdata
def test_national_leave_and_repair(workspace, national) -> None:
    plan, _ = national
    inst, graph, rules = workspace.instance, workspace.graph, workspace.config.rules
    assert is_valid(check(inst, graph, plan, rules))
    # The school with most technical pupils in the smallest region leaves.
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    region = min(sizes, key=lambda r: sizes[r])
    leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
    result = whatif(inst, graph, plan, [Change("leave", leaving)], workspace.config, do_repair=True)
    assert not result.valid_after
    assert result.repair is not None and result.repair.status == "repaired"
    assert result.repair.moves
    assert is_valid(result.full_check)
    assert is_valid(check(inst, graph, result.final, rules, opted_out=[leaving]))


@pytest.mark.realdata
def test_cli_whatif_errors_write_nothing(workspace, national, tmp_path) -> None:
    plan, path = national
    data = workspace.loaded.report.data_dir
    out = tmp_path / "out"
    region = next(iter(plan.regions))
    member = plan.regions[region][0]
    args = ["whatif", "--plan", str(path), "--data", data, "--out", str(out)]
    bad = [
        *("--join", "99ZZ00=" + region),
        *("--move", f"{member}={region}"),
        *("--join", f"{member}=NO-SUCH-REGION"),
    ]
    res = CliRunner().invoke(app, [*args, *bad])
    assert res.exit_code == 2
    assert "99ZZ00" in res.output and "already in region" in res.output
    assert "does not exist" in res.output
    assert not out.exists()

    # A valid run writes the files; a second run refuses the non-empty --out.
    other = next(r for r in plan.regions if r != region)
    good = ["--move", f"{member}={other}", "--repair", "--json"]
    res = CliRunner().invoke(app, [*args, *good])
    assert res.exit_code in (0, 1), res.output
    payload = json.loads(res.stdout)
    assert payload["affected_regions"] == sorted([region, other])
    assert (out / "regions.csv").is_file() and (out / "report.md").is_file()
    before = (out / "regions.csv").read_bytes()
    res = CliRunner().invoke(app, [*args, *good])
    assert res.exit_code == 2 and "not empty" in res.output
    assert (out / "regions.csv").read_bytes() == before


@pytest.mark.realdata
def test_national_repairs_keep_every_region(workspace, national) -> None:
    plan, _ = national
    inst, graph = workspace.instance, workspace.graph
    sizes = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    for region in sorted(sizes, key=lambda r: sizes[r])[:4]:
        leaving = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
        result = whatif(
            inst, graph, plan, [Change("leave", leaving)], workspace.config, do_repair=True
        )
        assert result.repair is not None
        assert result.dissolved == () and result.repair.dissolved == ()
        assert len(result.final.regions) == len(plan.regions)


# --------------------------------------------------------------------------------------------
# finding a school


def test_find_schools_by_code_name_place_and_gemeente() -> None:
    from regionopt.instance import Municipality

    inst, _, plan = _setup([10] * 9)
    renamed = [
        replace(s, name="Het Súdwest College" if s.id == 4 else s.name, place="Goes")
        if s.id in (4, 5)
        else s
        for s in inst.schools
    ]
    inst = Instance(
        schools=tuple(renamed),
        mbo=inst.mbo,
        municipalities=(Municipality(0, "GM0001", "Súdwest-Fryslân", "Fryslân"),),
    )
    by_code = find_schools(inst, "04aa", plan)
    assert [m.code for m in by_code] == ["04AA00"] and by_code[0].region_id == "B"
    assert [m.code for m in find_schools(inst, "sudwest college", plan)] == ["04AA00"]
    assert [m.code for m in find_schools(inst, "GOES")] == ["04AA00", "05AA00"]
    by_gemeente = find_schools(inst, "fryslan", plan)
    assert len(by_gemeente) == 9 and by_gemeente[0].gemeente == "Súdwest-Fryslân"
    assert find_schools(inst, "   ") == [] and find_schools(inst, "nowhere") == []


def test_cli_find(tiny_data: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n")
    res = CliRunner().invoke(
        app, ["find", "westdorp", "--plan", str(plan), "--data", str(tiny_data)]
    )
    assert res.exit_code == 0, res.output
    assert "11AA00" in res.output and "22BB00" in res.output and "(R1)" in res.output
    res = CliRunner().invoke(app, ["find", "oost", "--json", "--data", str(tiny_data)])
    assert res.exit_code == 0, res.output
    assert [m["code"] for m in json.loads(res.stdout)] == ["33CC00"]
    res = CliRunner().invoke(app, ["find", "no such school", "--data", str(tiny_data)])
    assert res.exit_code == 1 and "no participating school" in res.output
