"""The HTML reports: escaped, offline, readable; a what-if report and a proposal report."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from regionopt.config import Config
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.render import external_resources, map_page, render_map
from regionopt.report import write_proposal_report, write_whatif_report
from regionopt.whatif import Change, whatif
from tests.cases import RULES, line_case
from tests.render.maps import EVIL, grid_regions, school_frame

SRCDOC = re.compile(r'srcdoc="([^"]*)"')


def hostile_line_case() -> tuple[Instance, Any, Plan]:
    """``tests.cases.line_case`` with a school named like a script (05AA00 leaves)."""
    inst, graph, plan = line_case()
    schools = tuple(replace(s, name=EVIL) if s.code == "02AA00" else s for s in inst.schools)
    return Instance(schools=schools, mbo=inst.mbo), graph, plan


def tiny_map() -> str:
    regions = grid_regions(2)
    regions["name"] = EVIL
    return map_page(render_map(regions=regions, schools=school_frame(regions), title=EVIL))


def whatif_report(tmp_path: Path) -> Path:
    inst, graph, plan = hostile_line_case()
    result = whatif(
        inst, graph, plan, [Change("leave", "05AA00")], Config(rules=RULES), do_repair=True
    )
    return write_whatif_report(
        tmp_path / "whatif.html",
        result,
        inst,
        map_html=tiny_map(),
        parameters={"plan": EVIL, "allow_dissolve": False},
    )


def proposal_report(tmp_path: Path) -> Path:
    inst, _, plan = hostile_line_case()
    return write_proposal_report(
        tmp_path / "proposal.html",
        instance=inst,
        plan=plan,
        config=Config(rules=RULES),
        map_html=tiny_map(),
        objective={"objective": 1000.0, "bound": 950.0, "components": {"cut_pupils": 900.0}},
        comparison={"adjusted_rand_index": 0.61, "note": EVIL},
        parameters={"regions": "3", "data": EVIL},
    )


def test_whatif_report_escapes_data_and_links_nothing(tmp_path: Path) -> None:
    page = whatif_report(tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert html.escape(EVIL) in page  # the repair moves 02AA00: its name shows as text
    assert external_resources(page) == []
    assert "<script" not in SRCDOC.sub("", page)  # the report itself runs no script
    (srcdoc,) = SRCDOC.findall(page)
    embedded = html.unescape(srcdoc)
    assert "Leaflet 1.9.4" in embedded and external_resources(embedded) == []
    assert 'sandbox="allow-scripts"' in page
    # The repair keeps B (no region dissolved) and its penvoerder change is reported.
    assert "Opgeheven" not in page and "--allow-dissolve" in page
    assert "De penvoerder wisselt" in page


def test_proposal_report_has_regions_money_bound_and_comparison(tmp_path: Path) -> None:
    page = proposal_report(tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and external_resources(page) == []
    assert "<script" not in SRCDOC.sub("", page)
    # Every region by its recognisable name (all schools are in Testdorp: made unique).
    for region in ("A", "B", "C"):
        assert f"({region})</td>" in page
    assert "Testdorp west (A)" in page
    assert "hooguit 5.00% boven het best mogelijke" in page  # (1000 - 950) / 1000
    assert "Vergelijking met de gedocumenteerde regio" in page and "0.61" in page
    assert "€ 100.000.000" in page  # the structural total over the whole plan


# --------------------------------------------------------------------------------------------
# In a real browser, offline


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} missing")
@pytest.mark.parametrize("make", [whatif_report, proposal_report])
def test_report_opens_offline_in_chromium(browser: Any, tmp_path: Path, make: Any) -> None:
    path = make(tmp_path)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    blocked: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.resolve().as_uri())
        frame = page.frame_locator("iframe.map")
        frame.locator(".leaflet-control-layers").wait_for(timeout=5000)
        assert frame.locator("path.regionopt-proposed").count() == 4
        assert EVIL in page.locator("body").inner_text()
        assert errors == [] and blocked == [] and dialogs == []
    finally:
        page.close()
