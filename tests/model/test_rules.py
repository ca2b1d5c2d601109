"""The rules, defined once: the checker, the plain-Python rules and the CP-SAT encoding agree,
and no module but ``regionopt.model.rules`` reads a rule's threshold."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from regionopt.check import check
from regionopt.config import RulesConfig
from regionopt.model.rules import (
    REGION_RULES,
    RegionRules,
    SchoolFacts,
    add_region_rules,
    components,
    is_connected,
    together_groups,
    totals,
    totals_by_label,
)
from regionopt.plan import Plan

from ..strategies import build, small_instances

PACKAGE = Path(__file__).resolve().parents[2] / "regionopt"


def _cp_sat_broken(rules: RegionRules, facts: SchoolFacts, members: list[int], n: int) -> set[str]:
    """The rules the CP-SAT encoding says a fixed member set breaks (one model per rule)."""
    broken = set()
    for rule in REGION_RULES:
        model = cp_model.CpModel()
        x = [model.new_bool_var(f"x{i}") for i in range(n)]
        for i in range(n):
            model.add(x[i] == int(i in members))
        add_region_rules(
            model, rules, facts, list(range(n)), x, skip=[r for r in REGION_RULES if r != rule]
        )
        if cp_model.CpSolver().solve(model) == cp_model.INFEASIBLE:
            broken.add(rule)
    return broken


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances(max_n=8), st.data())
def test_checker_plain_rules_and_cp_sat_agree_on_random_regions(
    case: dict, data: st.DataObject
) -> None:
    inst, graph = build(case)
    config: RulesConfig = case["rules"]
    if data.draw(st.booleans()):
        config = config.model_copy(update={"max_technical_pupils": data.draw(st.integers(40, 90))})
    rules = RegionRules.from_config(config)
    facts = SchoolFacts.of(inst, rules)
    members = sorted(data.draw(st.sets(st.integers(0, inst.n - 1), min_size=1)))
    plain = set(rules.broken(totals(facts, members)))
    plan = Plan(rows=tuple((inst.schools[i].code, "A") for i in members), complete=False)
    found = check(inst, graph, plan, config)
    checker = {v.rule for v in found if v.rule in REGION_RULES and v.severity == "broken"}
    assert plain == checker
    assert plain == _cp_sat_broken(rules, facts, members, inst.n)
    assert rules.meets(totals(facts, members)) == (not plain)
    labels = np.full(inst.n, -1)
    labels[members] = 0
    assert rules.meets_many(totals_by_label(facts, labels, 1)).tolist() == [not plain]


def test_size_rule_bounds_and_capacity() -> None:
    rules = RegionRules(min_vmbo_schools=2, min_technical=100, max_technical=300)
    assert not rules.size_ok(99) and rules.size_ok(100) and rules.size_ok(300)
    assert rules.too_big(301) and not rules.too_big(300)
    part = totals(
        SchoolFacts(np.array([150, 150, 100, 0]), np.ones(4, bool), np.ones(4, bool)), [0, 1, 2, 3]
    )
    # 400 technical pupils: 4 regions by size, but only 3 penvoerders and 2 by vmbo schools.
    assert rules.capacity(part) == 2
    assert rules.short_of(part) == []


def test_together_groups_and_connectivity() -> None:
    groups = together_groups(5, np.array([[0, 2], [2, 4]]), locks=[(1, 3)])
    assert sorted(groups) == [[0, 2, 4], [1, 3]]
    adj = [[1], [0, 2], [1], [4], [3]]
    assert is_connected(adj, [0, 1, 2]) and not is_connected(adj, [0, 2])
    assert components(adj, [0, 2, 3, 4]) == [[3, 4], [0], [2]]


THRESHOLDS_IN_CONFIG = {
    "min_vmbo",
    "min_technical_pupils",
    "max_technical_pupils",
    "mbo_reach_km",
    "together_km",
    "together_hard",
    "contiguous",
}
THRESHOLDS_IN_RULES = {"min_vmbo_schools", "min_technical", "max_technical", "mbo_within_km"}


def _attribute_uses(tree: ast.AST, names: set[str], *, in_comparisons: bool) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = [node]
        if in_comparisons:
            if not isinstance(node, ast.Compare | ast.BinOp):
                continue
            targets = list(ast.walk(node))
        for sub in targets:
            if isinstance(sub, ast.Attribute) and sub.attr in names:
                lines.append(sub.lineno)
    return lines


def test_each_threshold_is_read_in_one_place() -> None:
    """The config's rule thresholds are read in ``RegionRules.from_config`` only, and no
    module but the rules module compares or computes with a threshold."""
    rules_module = PACKAGE / "model" / "rules.py"
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == rules_module:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line in _attribute_uses(tree, THRESHOLDS_IN_CONFIG, in_comparisons=False):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line} reads a config threshold")
        for line in _attribute_uses(tree, THRESHOLDS_IN_RULES, in_comparisons=True):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line} compares with a threshold")
    assert not offenders, offenders
    tree = ast.parse(rules_module.read_text(encoding="utf-8"))
    reads = _attribute_uses(tree, THRESHOLDS_IN_CONFIG, in_comparisons=False)
    assert len(reads) == len(THRESHOLDS_IN_CONFIG)
