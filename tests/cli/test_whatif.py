"""regionopt whatif and find: bad changes write nothing; a school found by name."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from tests.conftest import RMC_RULES
from tests.helpers import add_joinable_schools, assert_input_error, invoke, write_file


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("-3", "-3: must be greater than 0"),
        ("0", "0: must be greater than 0"),
        ("nan", "nan: must be a finite number"),
        ("inf", "inf: must be a finite number"),
    ],
)
def test_whatif_time_limit_out_of_range(
    tiny_data: Path, tmp_path: Path, value: str, what: str
) -> None:
    plan = write_file(tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n")
    out = tmp_path / "out"
    res = invoke(
        *("whatif", "--plan", plan, "--leave", "22BB00", "--repair", "--time-limit", value),
        *("--out", out, "--data", tiny_data),
    )
    assert_input_error(res, f"Invalid options: --time-limit: {what}", "seconds > 0 (default 1.5)")
    assert not out.exists()


def test_whatif_codes_that_name_no_school(tiny_data: Path, tmp_path: Path) -> None:
    vso, _ = add_joinable_schools(tiny_data)
    plan = write_file(tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n")
    out = tmp_path / "out"
    res = invoke(
        *("whatif", "--plan", plan, "--move", f"{vso}=A", "--leave", "22BB0"),
        *("--move", "99ZZ99=A", "--out", out, "--data", tiny_data),
    )
    assert_input_error(
        res,
        "Invalid what-if changes (3 problems)",
        "move 77VS00=A: 77VS00 (De Brug [vso], Oostdorp) is a voortgezet speciaal",
        f"`regionopt whatif --join {vso}=REGION` lets it join for one what-if",
        "include_vso = true in a --config file (`regionopt config > my.toml`",
        "leave 22BB0: '22BB0' is not a vestiging code",
        "did you mean 22BB00?",
        "move 99ZZ99=A: no vestiging in the data has code 99ZZ99",
    )
    assert "--join 99ZZ99" not in res.output and "data summary" not in res.output
    assert not out.exists()


def test_a_school_outside_the_participation_settings_joins_for_one_whatif(
    tiny_data: Path, tmp_path: Path
) -> None:
    vso, _ = add_joinable_schools(tiny_data)
    plan = write_file(tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n")
    out = tmp_path / "out"
    res = invoke("whatif", "--plan", plan, "--join", f"{vso}=A", "--out", out, "--data", tiny_data)
    assert res.exit_code in (0, 1), res.output
    text = " ".join(res.output.split())
    assert f"{vso} (De Brug [vso], vso) takes part for this what-if only" in text
    assert f'[participation] schools = ["{vso}"] in a --config file' in text
    assert f"\n{vso},A," in (out / "regions.csv").read_text(encoding="utf-8-sig")
    # The plan it wrote reads back with that setting, and without it is refused by name.
    config = write_file(tmp_path / "c.toml", f'[participation]\nschools = ["{vso}"]\n')
    checked = invoke("check", out / "regions.csv", "--config", config, "--data", tiny_data)
    assert checked.exit_code in (0, 1), checked.output
    refused = invoke("check", out / "regions.csv", "--data", tiny_data)
    assert_input_error(refused, f"{vso} (De Brug [vso], Oostdorp) is a voortgezet speciaal")


@pytest.mark.realdata
def test_cli_whatif_errors_write_nothing(workspace, national, tmp_path) -> None:
    plan, path = national
    data = workspace.loaded.report.data_dir
    out = tmp_path / "out"
    region = next(iter(plan.regions))
    member = plan.regions[region][0]
    args = ["whatif", "--plan", str(path), "--data", data, "--out", str(out)]
    args += ["--config", str(RMC_RULES)]
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


def test_a_plan_a_school_left_reads_back_with_the_same_verdict(
    workspace, national, tmp_path
) -> None:
    """whatif --leave writes the school with region_id '-' (it takes no part), so that
    ``check`` on the written plan agrees with what whatif said of it."""
    plan, path = national
    data = workspace.loaded.report.data_dir
    largest = max(plan.regions, key=lambda r: len(plan.regions[r]))
    leaving = plan.regions[largest][0]
    out = tmp_path / "out"
    res = invoke(
        *("whatif", "--plan", path, "--leave", leaving, "--out", out),
        *("--config", RMC_RULES, "--data", data),
    )
    assert res.exit_code in (0, 1), res.output
    written = (out / "regions.csv").read_text(encoding="utf-8-sig")
    assert f"\n{leaving},-,doet niet mee," in written
    # Gemeenten by name beside their code.
    rows = {r["vestiging_code"]: r for r in csv.DictReader(io.StringIO(written))}
    names = {m.code: m.name for m in workspace.instance.municipalities}
    assert all(r["gemeente_name"] == names[r["gemeente"]] for r in rows.values())
    checked = invoke("check", out / "regions.csv", "--config", RMC_RULES, "--data", data)
    assert checked.exit_code == res.exit_code, checked.output
    assert "in no region" not in checked.output
    # Joining again takes it back from those who take no part.
    back = tmp_path / "back"
    res = invoke(
        *("whatif", "--plan", out / "regions.csv", "--join", f"{leaving}={largest}"),
        *("--out", back, "--config", RMC_RULES, "--data", data),
    )
    assert res.exit_code in (0, 1), res.output
    assert f"\n{leaving},-," not in (back / "regions.csv").read_text(encoding="utf-8-sig")


def test_whatif_says_why_a_rule_breaks(tiny_data: Path, tmp_path: Path) -> None:
    plan = write_file(
        tmp_path / "p.csv", "vestiging_code,region_id\n11AA00,A\n22BB00,A\n33CC00,-\n"
    )
    res = invoke("whatif", "--plan", plan, "--leave", "22BB00", "--data", tiny_data)
    assert res.exit_code == 1, res.output
    assert "breaks a rule in Westdorp (A)" in res.output
    assert "[broken] min_vmbo: region A: 1 vmbo vestiging(en), at least 2 required" in res.output


def test_whatif_exits_1_when_the_plan_breaks_a_rule_outside_the_change(
    workspace, national, tmp_path
) -> None:
    """A school missing from the plan file breaks the partition rule far from the change:
    whatif's exit code and message follow the plan it ends with, as check judges it."""
    plan, _ = national
    data = workspace.loaded.report.data_dir
    largest, other = sorted(plan.regions, key=lambda r: -len(plan.regions[r]))[:2]
    leaving, missing = plan.regions[largest][0], plan.regions[other][0]
    rows = "".join(f"{c},{r}\n" for c, r in plan.rows if c != missing)
    path = write_file(tmp_path / "p.csv", "vestiging_code,region_id\n" + rows)
    out = tmp_path / "out"
    res = invoke(
        *("whatif", "--plan", path, "--leave", leaving, "--out", out),
        *("--config", RMC_RULES, "--data", data),
    )
    assert res.exit_code == 1, res.output
    assert "rule(s) outside these regions" in res.output and missing in res.output
    checked = invoke("check", out / "regions.csv", "--config", RMC_RULES, "--data", data)
    assert checked.exit_code == 1, checked.output
