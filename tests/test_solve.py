"""The optimizer: properties on small random graphs, brute force on tiny ones, real data.

Properties, never hard-coded results: every plan the solver returns passes the checker; on
tiny instances its optimum equals a brute-force optimum over all partitions; when it says no
plan exists, brute force finds none either.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from regionopt.check import check, is_valid
from regionopt.cli import app
from regionopt.cli.propose import cp_sat_time_limit
from regionopt.config import RulesConfig, WeightsConfig
from regionopt.errors import InfeasibleError
from regionopt.graph import graph_from_edges
from regionopt.plan import Plan
from regionopt.solve import (
    SolverConfig,
    SolverInput,
    candidates,
    heuristic,
    precheck,
    restrict,
    score_labels,
    solve,
)

from .conftest import make_instance

WEIGHTS = WeightsConfig(cut_pupils=1.0, compactness_km=0.05, gemeente_split=3.0)


def _config(k: int, k_max: int | None = None, **kw: object) -> SolverConfig:
    base: dict[str, object] = {
        "n_regions": k,
        "n_regions_max": k_max,
        "time_limit_s": 20.0,
        "workers": 1,
        "seed": 0,
        "weights": WEIGHTS,
        "candidate_radius_km": 1000.0,
        "relative_gap": 0.0,
    }
    base.update(kw)
    return SolverConfig(**base)  # type: ignore[arg-type]


@st.composite
def small_instances(draw: st.DrawFn, max_n: int = 9) -> dict:
    """A random connected school graph with random pupils, mbo and rules."""
    n = draw(st.integers(3, max_n))
    points = [(draw(st.integers(0, 30)) * 1.0, draw(st.integers(0, 30)) * 1.0) for _ in range(n)]
    # Distinct points (the checker and the model agree on ties anyway, but keep it simple).
    points = [(x + 0.01 * i, y) for i, (x, y) in enumerate(points)]
    technical = [draw(st.sampled_from([0, 0, 5, 10, 20, 40])) for _ in range(n)]
    gemeenten = [f"GM{draw(st.integers(1, 3)):04d}" for _ in range(n)]
    edges = {}
    for i in range(1, n):  # a random spanning tree keeps the graph connected
        j = draw(st.integers(0, i - 1))
        edges[(j, i)] = draw(st.integers(0, 20))
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b:
            edges[(min(a, b), max(a, b))] = draw(st.integers(0, 20))
    mbo = [(draw(st.integers(0, 30)) * 1.0, draw(st.integers(0, 30)) * 1.0)]
    rules = RulesConfig(
        min_vmbo=draw(st.integers(1, 2)),
        min_technical_pupils=draw(st.sampled_from([0, 10, 30, 50])),
        mbo_reach_km=draw(st.sampled_from([10.0, 25.0, 100.0])),
        together_km=draw(st.sampled_from([0.0, 3.0])),
    )
    k = draw(st.integers(1, 3))
    k_max = draw(st.sampled_from([None, k + 1]))
    return {
        "points": points,
        "technical": technical,
        "gemeenten": gemeenten,
        "edges": [(a, b, float(w)) for (a, b), w in edges.items()],
        "mbo": mbo,
        "rules": rules,
        "k": k,
        "k_max": k_max,
    }


def _build(case: dict):
    inst = make_instance(
        case["points"],
        technical=case["technical"],
        mbo_km=case["mbo"],
        gemeenten=case["gemeenten"],
    )
    graph = graph_from_edges(inst, case["edges"])
    return inst, graph


def _partitions(n: int):
    """All set partitions of 0..n-1 as restricted-growth label arrays."""
    labels = [0] * n

    def rec(i: int, k: int):
        if i == n:
            yield np.array(labels), k
            return
        for lab in range(k + 1):
            labels[i] = lab
            yield from rec(i + 1, max(k, lab + 1))

    yield from rec(1, 1) if n else iter(())


def _brute_force(inst, graph, rules: RulesConfig, config: SolverConfig) -> float | None:
    """The best objective over every rule-valid partition (None when there is none)."""
    inp = SolverInput.from_instance(inst, graph, rules)
    lo, hi = config.region_range
    codes = [s.code for s in inst.schools]
    best = None
    for labels, k in _partitions(inst.n):
        if not lo <= k <= hi:
            continue
        plan = Plan.from_labels(codes, labels)
        if not is_valid(check(inst, graph, plan, rules)):
            continue
        value = score_labels(inp, labels, config.weights).total
        best = value if best is None or value < best else best
    return best


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(small_instances(max_n=9))
def test_every_returned_plan_passes_the_checker(case: dict) -> None:
    inst, graph = _build(case)
    rules = case["rules"]
    inp = SolverInput.from_instance(inst, graph, rules)
    for mode in ("hess", "exact"):
        config = _config(case["k"], case["k_max"], contiguity=mode)
        try:
            sol = solve(inp, config)
        except InfeasibleError as exc:
            assert exc.reasons, "an infeasible verdict must say why"
            continue
        assert sol.found
        plan = sol.plan(inp.codes)
        violations = check(inst, graph, plan, rules)
        assert is_valid(violations), [str(v) for v in violations]
        lo, hi = config.region_range
        assert lo <= len(plan.regions) <= hi
        # Every region's root is a school with technical pupils (a possible penvoerder).
        assert all(inp.can_lead[j] for j in sol.roots)
        assert sol.bound is not None and sol.objective is not None
        assert sol.bound <= sol.objective + 1e-6


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(small_instances(max_n=7))
def test_tiny_optimum_equals_brute_force(case: dict) -> None:
    inst, graph = _build(case)
    rules = case["rules"]
    config = _config(case["k"], case["k_max"], contiguity="exact")
    expected = _brute_force(inst, graph, rules, config)
    inp = SolverInput.from_instance(inst, graph, rules)
    try:
        sol = solve(inp, config)
    except InfeasibleError:
        assert expected is None, "the solver gave up although a valid plan exists"
        return
    assert expected is not None, "the solver returned a plan where brute force finds none"
    assert sol.status == "OPTIMAL"
    got = score_labels(inp, sol.labels, config.weights).total
    # CP-SAT optimises integer-rounded weights (objective_scale): allow that rounding only.
    tolerance = 0.01 * (inst.n * inst.n + len(case["edges"]) + 10)
    assert got <= expected + tolerance
    assert got >= expected - 1e-9
    # The faster ordering-based contiguity is a restriction: never better than the optimum.
    try:
        hess = solve(inp, _config(case["k"], case["k_max"], contiguity="hess"))
    except InfeasibleError:
        return
    assert score_labels(inp, hess.labels, config.weights).total >= expected - 1e-9


# Six schools on a path, 5 km apart; two with technical pupils at the ends.
PATH_POINTS = [(0, 0), (5, 0), (10, 0), (15, 0), (20, 0), (25, 0)]
PATH_EDGES = [(i, i + 1, 10.0) for i in range(5)]


def _path(technical=(30, 0, 0, 0, 0, 30), mbo=((0, 0), (25, 0))):
    inst = make_instance(PATH_POINTS, technical=list(technical), mbo_km=list(mbo))
    return inst, graph_from_edges(inst, PATH_EDGES)


def test_precheck_names_the_rule_and_the_parameter() -> None:
    inst, graph = _path()
    rules = RulesConfig(min_technical_pupils=50, mbo_reach_km=6.0)
    inp = SolverInput.from_instance(inst, graph, rules)
    reasons = precheck(inp, _config(2))
    assert any("min_technical_pupils" in r for r in reasons)
    with pytest.raises(InfeasibleError) as info:
        solve(inp, _config(2))
    assert "min_technical_pupils" in str(info.value)


def test_precheck_too_many_regions_for_the_penvoerders() -> None:
    inst, graph = _path()
    inp = SolverInput.from_instance(inst, graph, RulesConfig(min_technical_pupils=0))
    reasons = precheck(inp, _config(3))
    assert any("--regions" in r for r in reasons)


def test_precheck_no_mbo_in_a_part_of_the_graph() -> None:
    inst = make_instance(PATH_POINTS, technical=[30] * 6, mbo_km=[(0, 0)])
    graph = graph_from_edges(inst, [(0, 1), (1, 2), (3, 4), (4, 5)])
    inp = SolverInput.from_instance(
        inst, graph, RulesConfig(min_technical_pupils=0, mbo_reach_km=6)
    )
    reasons = precheck(inp, _config(2))
    assert any("mbo_reach_km" in r and "03AA00" in r for r in reasons)


def test_locks_exclusions_and_reference() -> None:
    inst, graph = _path(technical=(30, 30, 30, 30, 30, 30))
    rules = RulesConfig(min_technical_pupils=0, mbo_reach_km=100.0, together_km=0.0)
    # Locks: 00 and 05 together, 02 apart from them -> a region holds the whole path's ends.
    inp = SolverInput.from_instance(
        inst, graph, rules, locks={"00AA00": "A", "02AA00": "B", "01AA00": "A"}
    )
    sol = solve(inp, _config(2))
    plan = sol.plan(inp.codes).assignment
    assert plan["00AA00"] == plan["01AA00"] == "A"
    assert plan["02AA00"] == "B"
    # Excluding a school removes it from the plan and the checker accepts the opt-out.
    sub, subgraph = restrict(inst, graph, ["05AA00"])
    inp = SolverInput.from_instance(sub, subgraph, rules)
    sol = solve(inp, _config(2))
    the_plan = sol.plan(inp.codes)
    assert "05AA00" not in the_plan.assignment
    assert is_valid(check(inst, graph, the_plan, rules, opted_out=["05AA00"]))
    # A valid reference with max_moves=0 comes back unchanged (same partition).
    reference = Plan.from_mapping({f"{i:02d}AA00": ("X" if i < 2 else "Y") for i in range(6)})
    inp = SolverInput.from_instance(inst, graph, rules, reference=reference)
    sol = solve(inp, _config(2, max_moves=0))
    assert sol.plan(inp.codes).assignment == reference.assignment
    assert sol.components is not None and sol.components.reference_moves == 0


def test_heuristic_plan_meets_the_rules() -> None:
    inst, graph = _path(technical=(30, 10, 30, 10, 30, 30))
    rules = RulesConfig(min_technical_pupils=40, mbo_reach_km=100.0)
    inp = SolverInput.from_instance(inst, graph, rules)
    config = _config(2)
    hint = heuristic(inp, config, candidates(inp, config))
    assert hint is not None
    labels, _roots = hint
    plan = Plan.from_labels(inp.codes, labels)
    assert is_valid(check(inst, graph, plan, rules))


@pytest.mark.realdata
def test_propose_on_the_national_instance(workspace, tmp_path: Path, real_data: Path) -> None:
    from regionopt.cli.propose import run_propose

    result = run_propose(workspace, time_limit_s=8.0, seed=0, improve_time_s=15.0, bound_time_s=5.0)
    assert result.valid, [str(v) for v in result.violations if v.severity == "broken"]
    assert len(result.plan.regions) == 77
    sol = result.solution
    # The windows re-solved some regions and never made the CP-SAT plan worse.
    assert sol.stats["windows"] >= 1
    assert sol.objective is not None and sol.objective <= sol.stats["cp_sat_objective"] + 1e-6
    assert sol.time_to_first_valid_s is not None
    assert sol.bound is not None and sol.objective is not None and sol.bound <= sol.objective
    # CP-SAT's own bound is 0 here; column generation proves a positive one.
    assert sol.bound > 0 and result.parameters["bound_method"].startswith("column generation")
    # The CLI writes every output and refuses to overwrite them without --force.
    out = tmp_path / "proposal"
    runner = CliRunner()
    args = ["propose", "--time-limit", "5", "--improve-time", "0", "--bound-time", "0"]
    args += ["--out", str(out)]
    args += ["--data", str(real_data)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    for name in ("regions.csv", "summary.json", "regions_table.csv", "regions.gpkg"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "wall_time_s", "regions", "violations"):
        assert key in summary
    assert summary["regions"] == 77 and summary["valid"]
    again = runner.invoke(app, args)
    assert again.exit_code == 2


def test_propose_rejects_bad_options_before_loading_or_writing(tmp_path: Path) -> None:
    out = tmp_path / "never"
    res = CliRunner().invoke(app, ["propose", "--regions", "9-3", "--out", str(out)])
    assert res.exit_code == 2
    assert "--regions" in res.output and "MIN-MAX" in res.output
    # Both negative phase times are named in one message.
    args = ["propose", "--improve-time", "-1", "--bound-time", "-2", "--out", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert "--improve-time" in res.output and "--bound-time" in res.output
    assert not out.exists()


def test_ctrl_c_ends_with_a_message_and_exit_130(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from regionopt.cli._app import friendly_errors

    @friendly_errors
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as info:
        interrupted()
    assert info.value.exit_code == 130
    assert "interrupted" in capsys.readouterr().err


def test_ctrl_c_after_a_cp_sat_solve_still_reaches_python() -> None:
    """CP-SAT's Ctrl-C handler must not leave the process to die silently on the next one."""
    import os
    import signal

    inst, graph = _path()
    rules = RulesConfig(min_technical_pupils=30, mbo_reach_km=100.0, together_km=0.0)
    sol = solve(SolverInput.from_instance(inst, graph, rules), _config(2))
    assert sol.found
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)  # the signal arrives between bytecodes


def test_the_cp_sat_phase_is_longer_when_it_is_the_only_phase() -> None:
    default = cp_sat_time_limit(None, only_phase=False)
    # With exact contiguity column generation gives the bound but no plan: CP-SAT gets more.
    assert cp_sat_time_limit(None, only_phase=True) > default > 0
    assert cp_sat_time_limit(7.5, only_phase=True) == 7.5
    assert cp_sat_time_limit(7.5, only_phase=False) == 7.5
