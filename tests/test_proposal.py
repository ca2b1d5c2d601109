"""``regionopt propose`` on the national instance and its options; what it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.cli.propose import parse_locks, parse_regions
from regionopt.config import load_config
from regionopt.errors import InputError
from regionopt.proposal import run_propose

LEGACY = Path(__file__).resolve().parents[1] / "docs" / "legacy.toml"
"""The objective and search before calibration: every phase runs within seconds."""


@pytest.mark.realdata
def test_default_propose_gives_valid_regions_of_the_calibrated_size(workspace) -> None:
    search = workspace.config.search.model_copy(update={"bound_s": 10.0, "improve_s": 0.0})
    result = run_propose(workspace, search=search)
    assert result.valid, [str(v) for v in result.violations if v.severity == "broken"]
    assert len(result.plan.regions) == 77
    rules = workspace.config.rules
    inst = workspace.instance
    for members in result.plan.regions.values():
        pupils = sum(inst.school(code).technical_pupils for code in members)
        assert rules.min_technical_pupils <= pupils <= (rules.max_technical_pupils or pupils)
    done = result.optimised
    assert done.partition is not None
    assert 0 < done.bound <= done.partition.objective
    assert f"within {search.radius_km:g} km" in done.scope and "Hess" not in done.scope


@pytest.mark.realdata
def test_propose_on_the_national_instance(workspace, tmp_path: Path, real_data: Path) -> None:
    legacy = workspace.with_config(load_config(LEGACY))
    update = {"bound_s": 5.0, "improve_s": 15.0}
    search = legacy.config.search.model_copy(update=update)
    result = run_propose(legacy, search=search, cp_sat_s=8.0)
    assert result.valid, [str(v) for v in result.violations if v.severity == "broken"]
    assert len(result.plan.regions) == 77
    done = result.optimised
    assert done.partition is not None and done.cp_sat is not None
    # The windows re-solved some regions; no phase made the plan worse than the warm start.
    assert done.windows is not None and done.windows.windows >= 1
    assert done.warm_start_objective is not None
    assert done.partition.objective <= done.warm_start_objective + 1e-6
    assert done.time_to_first_valid_s is not None
    # CP-SAT's own bound is 0 here; column generation proves a positive one, and says over
    # which regions it holds.
    assert 0 < done.bound <= done.partition.objective
    assert done.bound_method.startswith("column generation")
    assert f"within {search.radius_km:g} km" in done.scope
    # The CLI writes every output and refuses to overwrite them without --force.
    out = tmp_path / "proposal"
    runner = CliRunner()
    args = ["propose", "--time-limit", "5", "--area-time", "0", "--improve-time", "0"]
    args += ["--bound-time", "5", "--all-regions-bound", "10", "--branch", "10"]
    args += ["--config", str(LEGACY), "--wall-clock"]
    args += ["--out", str(out), "--data", str(real_data)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "wall-clock seconds" in res.output
    assert re.search(r"^ +cut commuting pupils +[0-9,.]+ +adds +[0-9,.]+$", res.output, re.M)
    # The output is no terminal here: each phase's progress is a plain line of its own.
    for phase in ("warm start", "column generation", "branch-and-price"):
        assert re.search(rf"^{phase}\b.*plan [0-9,.]+ +bound ", res.output, re.MULTILINE), phase
    for name in ("regions.csv", "summary.json", "regions_table.csv", "regions.gpkg"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "bound_scope", "wall_time_s", "phases"):
        assert key in summary
    assert summary["regions"] == 77 and summary["valid"]
    assert summary["deterministic"] is False and summary["work_by_kind_s"]["cp-sat model"] > 0
    # The bound over every connected region, asked for, is stated beside the model's.
    wide = summary["all_regions"]
    assert wide["scope"] == "all connected regions that meet the rules"
    assert 0 <= wide["bound"] <= summary["objective"] and 0 <= wide["proven"] <= wide["penvoerders"]
    assert "over all connected regions: bound" in res.output
    assert "Ondergrens over alle samenhangende" in (out / "report.html").read_text()
    # Five seconds of column generation leave the gap open: branch-and-price then runs.
    tree = summary["phases"]["branch_and_price"]
    assert tree["nodes"] >= 1 and tree["bound"] <= summary["objective"] + 1e-6
    assert "branch-and-price:" in res.output
    assert "knopen doorzocht" in (out / "report.html").read_text()
    table = (out / "regions_table.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "structural_eur" in table and "transition_eur" in table
    again = runner.invoke(app, args)
    assert again.exit_code == 2


def test_propose_rejects_bad_options_before_loading_or_writing(tmp_path: Path) -> None:
    out = tmp_path / "never"
    res = CliRunner().invoke(app, ["propose", "--regions", "9-3", "--out", str(out)])
    assert res.exit_code == 2
    assert "--regions: 9-3: the range is reversed" in res.output
    # Every bad option is named in one message.
    args = ["propose", "--improve-time", "-1", "--bound-time", "-2", "--radius", "-5"]
    args += ["--all-regions-bound", "-3", "--branch", "-4"]
    res = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 2
    for flag in ("--improve-time", "--bound-time", "--radius", "--all-regions-bound", "--branch"):
        assert flag in res.output
    args = ["propose", "--reference-weight", "-1000", "--max-moves", "-1", "--reference", "x.csv"]
    res = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 2
    assert "--reference-weight" in res.output and "--max-moves" in res.output
    res = CliRunner().invoke(app, ["propose", "--time-limit", "nan", "--out", str(out)])
    assert res.exit_code == 2 and "--time-limit" in res.output
    assert not out.exists()


def test_option_parsers() -> None:
    assert parse_regions("77") == (77, 77) and parse_regions("70-80") == (70, 80)
    assert parse_locks(["02qz00=A", "01AA00=B"]) == {"02QZ00": "A", "01AA00": "B"}
    with pytest.raises(InputError, match="both A and B"):
        parse_locks(["00BD00=A", "00BD00=B"])
