"""The nine-school town of the web app's tests: a valid plan, and a move that breaks a rule."""

from __future__ import annotations

from pathlib import Path

from tests.app.town import MOVE_BREAKS, SCHOOLS


def test_town_plan_is_valid_and_the_move_breaks_size(town: tuple[Path, Path]) -> None:
    from regionopt.check import check, is_valid
    from regionopt.plan import read_plan
    from regionopt.whatif import Change, whatif
    from regionopt.workspace import open_workspace

    data, plan_csv = town
    ws = open_workspace(data)
    assert ws.instance.n == len(SCHOOLS)
    plan = read_plan(plan_csv)
    assert is_valid(check(ws.instance, ws.graph, plan, ws.config.rules))
    code, region = MOVE_BREAKS
    result = whatif(ws.instance, ws.graph, plan, [Change("move", code, region)], ws.config,
                    do_repair=True)  # fmt: skip
    west = next(r for r in result.regions if r.region_id == "west")
    assert west.after.technical_pupils == 162
    assert {s.rule: s.after for s in west.rules}["size"] == "broken"
    assert result.repair is not None and result.repair.status == "repaired"
    assert is_valid(check(ws.instance, ws.graph, result.final, ws.config.rules))


def test_the_verdict_names_the_region_that_breaks_and_the_one_that_keeps(
    town: tuple[Path, Path],
) -> None:
    from regionopt.plan import read_plan
    from regionopt.report.whatif_report import changes_section
    from regionopt.whatif import Change, whatif
    from regionopt.whatif.markdown import report_markdown
    from regionopt.workspace import open_workspace

    data, plan_csv = town
    ws = open_workspace(data)
    code, region = MOVE_BREAKS
    result = whatif(ws.instance, ws.graph, read_plan(plan_csv), [Change("move", code, region)],
                    ws.config)  # fmt: skip
    assert result.broken_regions() == ("west",)
    west, midden = result.region_label("west"), result.region_label("midden")
    assert f"**breaks a rule** in {west}; {midden} keeps every rule." in report_markdown(
        result, ws.instance
    )
    assert f"in {west}; {midden} houdt zich aan elke regel." in changes_section(result, ws.instance)


def test_the_command_line_headline_says_what_breaks_and_what_the_repair_ends_with(
    town: tuple[Path, Path],
) -> None:
    from tests.helpers import invoke

    data, plan_csv = town
    code, region = MOVE_BREAKS
    res = invoke("whatif", "--plan", plan_csv, "--move", f"{code}={region}", "--repair",
                 "--data", data)  # fmt: skip
    assert res.exit_code == 0, res.output
    headline = " ".join(res.output.split("\n", 2)[:2])  # rich may wrap it
    assert "breaks a rule in West (west) (Midden (midden) keeps every rule)" in " ".join(
        headline.split()
    ), res.output
    assert "the repair below mends it" in " ".join(res.output.split())


def test_report_md_shows_the_changed_region_then_the_others_by_their_change(
    town: tuple[Path, Path],
) -> None:
    from regionopt.plan import read_plan
    from regionopt.whatif import Change, whatif
    from regionopt.whatif.markdown import report_markdown
    from regionopt.workspace import open_workspace

    data, plan_csv = town
    ws = open_workspace(data)
    result = whatif(ws.instance, ws.graph, read_plan(plan_csv), [Change("leave", "31CC00")],
                    ws.config)  # fmt: skip
    text = report_markdown(result, ws.instance)
    budget = text[text.index("## Budget before/after the changes") : text.index("## Whole plan")]
    shown, others = budget.split("### The other regions, largest change first")
    oost, west, midden = (result.region_label(r) for r in ("oost", "west", "midden"))
    assert oost in shown and west not in shown and midden not in shown
    deltas = {r["region_id"]: r["structural_delta_eur"] for r in result.money}
    order = sorted(("west", "midden"), key=lambda r: (-deltas[r], r))
    listed = [r for r in order if abs(deltas[r]) >= 1000]
    assert [line.split(" | ")[0][2:] for line in others.splitlines() if line.startswith("| ")][
        1:
    ] == [result.region_label(r) for r in listed]
    assert deltas["west"] > 0 and "re-divided over the schools" in budget
