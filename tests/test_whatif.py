"""What-if: change validation, reports, and the minimum repair checked against brute force."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Iterable
from itertools import combinations, product
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from regionopt.check import check, is_valid
from regionopt.cli import app
from regionopt.config import Config, RulesConfig
from regionopt.errors import InputError
from regionopt.graph import graph_from_edges
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.repair import repair
from regionopt.whatif import (
    Change,
    apply_changes,
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


def brute_force_min_moves(
    inst: Instance,
    graph: nx.Graph,
    plan: Plan,
    rules: RulesConfig,
    *,
    fixed: set[str],
    opted_out: set[str],
    max_moves: int,
) -> int | None:
    """Fewest schools to move (to any existing region) so the checker passes; None if > max."""
    regions = sorted(set(plan.assignment.values()))
    free = [c for c in plan.assignment if c not in fixed]
    for k in range(max_moves + 1):
        for subset in combinations(free, k):
            options = [[r for r in regions if r != plan.assignment[c]] for c in subset]
            for targets in product(*options):
                trial = plan.with_assignment(dict(zip(subset, targets, strict=True)))
                if is_valid(check(inst, graph, trial, rules, opted_out=opted_out)):
                    return k
    return None


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
        Change("join", "02AA00", "B"),  # changed twice
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
# repair against brute force


def _random_case(seed: int) -> tuple[Instance, nx.Graph, Plan, Change]:
    """A valid grid plan and a change (leave or move) that breaks it."""
    rng = np.random.default_rng(seed)
    while True:
        tech = [int(t) for t in rng.integers(0, 25, 9)]
        inst, graph, plan = _setup(tech)
        if not is_valid(check(inst, graph, plan, RULES)):
            continue
        code = _codes(9)[int(rng.integers(0, 9))]
        if rng.random() < 0.5:
            change = Change("leave", code)
        else:
            others = sorted(set(COLUMNS) - {plan.assignment[code]})
            change = Change("move", code, others[int(rng.integers(0, 2))])
        after = apply_changes(plan, [change], inst)
        gone = {code} if change.kind == "leave" else set()
        if not is_valid(check(inst, graph, after, RULES, opted_out=gone)):
            return inst, graph, plan, change


@pytest.mark.parametrize("seed", range(10))
def test_repair_is_minimal_and_valid(seed: int) -> None:
    inst, graph, plan, change = _random_case(seed)
    after = apply_changes(plan, [change], inst)
    affected = {plan.assignment[change.code]} | ({change.region_id} - {None})
    fixed = {change.code} if change.kind == "move" else set()
    gone = {change.code} if change.kind == "leave" else set()
    result = repair(inst, graph, after, RULES, regions=affected, fixed=fixed, max_level=3)
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed=fixed, opted_out=gone, max_moves=4
    )
    if best is None:
        assert result.status == "none_found" or len(result.moves) > 4
        return
    assert result.status == "repaired"
    assert result.optimal
    assert len(result.moves) == best
    assert is_valid(check(inst, graph, result.plan, RULES, opted_out=gone))
    if change.kind == "move":
        assert result.plan.assignment[change.code] == change.region_id


def test_repair_known_case_by_hand() -> None:
    # A = 12 + 10 + 9 = 31 technical pupils; after 00AA00 leaves, A has 19 < 30. One move
    # fixes it: 05AA00 (12 pupils, next to 02AA00) gives A 31 and leaves B = {03, 04} with 35.
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    after = apply_changes(plan, [Change("leave", "00AA00")], inst)
    result = repair(inst, graph, after, RULES, regions=["A"])
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed=set(), opted_out={"00AA00"}, max_moves=3
    )
    assert result.status == "repaired" and len(result.moves) == best == 1
    assert [(m.code, m.to_region) for m in result.moves] == [("05AA00", "A")]
    assert is_valid(check(inst, graph, result.plan, RULES, opted_out={"00AA00"}))
    assert result.headline().startswith("1 further move(s) make the plan valid again")


def test_repair_keeps_requested_changes_fixed() -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    changes = [Change("move", "03AA00", "C")]
    after = apply_changes(plan, changes, inst)
    result = repair(inst, graph, after, RULES, regions=["B", "C"], fixed=["03AA00"])
    best = brute_force_min_moves(
        inst, graph, after, RULES, fixed={"03AA00"}, opted_out=set(), max_moves=3
    )
    if best is None:
        assert result.status == "none_found"
    else:
        assert result.status in ("repaired", "not_needed")
        assert len(result.moves) == best
        assert result.plan.assignment["03AA00"] == "C"


def test_repair_explains_when_impossible() -> None:
    inst, graph, plan = _setup([12, 10, 9, 20, 15, 12, 8, 9, 30])
    strict = RULES.model_copy(update={"min_technical_pupils": 1000})
    result = repair(inst, graph, plan, strict, regions=["A"])
    assert result.status == "none_found"
    text = " ".join(result.explanation)
    assert "'size'" in text  # dropping the size rule would allow a plan


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
    with (tmp_path / "regions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "vestiging_code",
        "region_id",
        "name",
        "place",
        "gemeente",
        "technical_pupils",
        "penvoerder",
    ]
    assert {r["vestiging_code"] for r in rows} == set(result.repair.plan.assignment)
    kinds = [line.split(",")[0] for line in (tmp_path / "changes.csv").read_text().splitlines()]
    assert kinds[1] == "requested" and "repair" in kinds
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Repair" in report and result.repair.headline() in report


# --------------------------------------------------------------------------------------------
# real data


def _standin(workspace) -> Plan:
    path = Path(__file__).resolve().parents[1] / "bench" / "national_plan.py"
    spec = importlib.util.spec_from_file_location("national_plan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.standin_plan(workspace)


@pytest.fixture(scope="module")
def national(workspace, tmp_path_factory) -> tuple[Plan, Path]:
    plan = _standin(workspace)
    path = tmp_path_factory.mktemp("national") / "regions.csv"
    path.write_text(
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in plan.rows),
        encoding="utf-8",
    )
    return plan, path


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
