"""`regionopt serve` in Debian's Chromium: search, move, see the broken rule, repair, download.

The server is the real command in a subprocess (``--port 0``) on the nine-school town; every
request that does not go to it is blocked and recorded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from regionopt.config import RulesConfig
from tests.app.town import EVIL, MOVE_BREAKS, write_town_data, write_town_plan

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_CODE = "32CC00"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} missing (CI installs Debian's chromium)"
    ),
]


def cli(*args: str) -> list[str]:
    """The command line of ``regionopt ARGS`` from this checkout."""
    return [sys.executable, "-c", "from regionopt.cli import app; app()", *args]


@dataclass
class Server:
    url: str
    data: Path
    process: subprocess.Popen[str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    data = write_town_data(root / "data", names={HOSTILE_CODE: EVIL})
    plan = write_town_plan(root / "plan.csv")
    args = cli("serve", "--plan", str(plan), "--data", str(data), "--port", "0")
    env = {**os.environ, "COLUMNS": "200"}
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    url = None
    deadline = time.monotonic() + 60
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
        url = match.group(1) if match else None
    try:
        assert url is not None, "regionopt serve printed no address"
        yield Server(url, data, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    page: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_tab(context: Any, url: str) -> Tab:
    """A new tab on the app; requests elsewhere are aborted and recorded."""
    page = context.new_page()
    tab = Tab(page)
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))

    def route(r: Any) -> None:
        if r.request.url.startswith(url) or r.request.url.startswith("blob:"):
            r.continue_()
        else:
            tab.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=15000)
    return tab


def pick_school(page: Any, text: str, code: str) -> None:
    page.fill("#search", text)
    page.locator(f"#search-results li[data-code='{code}']").click()
    page.wait_for_selector("#school-panel h2")


def shown_names(page: Any) -> list[str]:
    """The region names on the map that a user sees (laid out, not hidden)."""
    return sorted(
        page.evaluate(
            """() => Array.from(document.querySelectorAll(".region-label:not(.label-overlap)"))
                .filter((n) => n.getBoundingClientRect().width > 0).map((n) => n.textContent)"""
        )
    )


def region_fills(page: Any) -> list[str]:
    """The fill colour of every region on the map."""
    return page.evaluate(
        "() => window.regionopt.layers.regions.getLayers().map((l) => l.options.fillColor)"
    )


def test_move_break_repair_accept_download_check(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 900})
    tab = open_tab(context, server.url)
    page = tab.page
    # Every region has its own colour from the start, not the grey of schools in no region.
    fills = region_fills(page)
    no_region = page.evaluate("() => window.regionopt.NO_REGION")
    assert len(fills) == 3 and no_region not in fills and len(set(fills)) == 3, fills
    names_at_start = shown_names(page)
    # Region names are shown (the town's three regions) and none covers another.
    names = page.evaluate(
        """() => Array.from(document.querySelectorAll(".region-label:not(.label-overlap)"))
            .map((n) => { const b = n.getBoundingClientRect();
                          return [b.left, b.top, b.right, b.bottom]; })"""
    )
    assert names and not any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    )
    code, region = MOVE_BREAKS
    pick_school(page, "kanaal", code)
    assert page.locator("#school-panel h2").text_content() == "Het Kanaal"
    page.select_option("#target-region", region)
    page.click("#move")
    size_rule = page.locator("#change-panel [data-region='west'] tr[data-rule='size']")
    size_rule.locator("td.broken").wait_for()  # the page says which rule breaks, and where
    label, before, after = size_rule.locator("td").all_text_contents()
    rules = RulesConfig()  # both bounds: a region above the maximum breaks it too
    assert label == (
        f"Techniekleerlingen: {rules.min_technical_pupils} tot {rules.max_technical_pupils}"
    )
    findings = page.locator("#change-panel [data-region='west'] ul.messages li")
    assert "techniekleerlingen lj 3-4, minstens" in findings.all_text_contents()[-1]
    assert (
        page.locator("#undo").get_attribute("title")
        == f"Ongedaan maken: {code} verhuist naar {region}"
    )
    assert (before, after) == ("ok", "gebroken")
    # The map keeps every region's name and colour after the change (once the redrawn
    # regions are in and the old names have faded out).
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert shown_names(page) == names_at_start
    assert no_region not in region_fills(page)
    assert page.locator("#repair").is_enabled()
    page.click("#repair")
    page.locator("#accept").wait_for()
    moves = page.locator("#proposal-moves li").all_text_contents()
    assert moves and all("→" in m for m in moves)
    page.click("#accept")
    page.locator("#change-panel .rule-ok").wait_for()
    assert page.locator("#change-panel td.broken").count() == 0
    with page.expect_download() as download:
        page.click("#download-csv")
    saved = tmp_path / "regions.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith("\ufeff".encode())
    checked = subprocess.run(
        cli("check", str(saved), "--data", str(server.data)), cwd=ROOT, capture_output=True
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    page.click("#undo")  # the accepted repair is one step: undo brings the broken rule back
    size_rule.locator("td.broken").wait_for()
    assert tab.errors == [] and tab.blocked == [] and tab.dialogs == []
    context.close()


def test_two_tabs_edit_their_own_plans(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    one, two = open_tab(context, server.url), open_tab(context, server.url)
    # A school that takes no part is not offered, but the search says why.
    one.page.fill("#search", "horizon")
    assert "Doet niet mee: 44VS00 (De Horizon" in one.page.locator("li.outsider").inner_text()
    pick_school(one.page, "Middenhof", "21BB00")
    one.page.select_option("#target-region", "west")
    one.page.click("#move")
    one.page.locator("#change-panel .region-block").first.wait_for()
    two.page.reload()
    two.page.wait_for_selector("body[data-ready='1']")
    assert two.page.evaluate("Object.keys(window.regionopt.state.changed).length") == 0
    assert two.page.locator("#change-panel").is_hidden()
    pick_school(two.page, "Oosterlicht", "31CC00")
    two.page.click("#leave")
    two.page.locator("#change-panel .region-block").first.wait_for()
    # The school that left is shown as taking no part, as regions.csv writes it.
    two.page.wait_for_selector("#school-region:text-is('doet niet mee')")  # no eval: CSP
    # Leaving changes the national division of the structural money: the page says so.
    assert "andere regio's krijgen" in two.page.locator(".others-money").inner_text()
    # It is offered its region of the start first, and every region once.
    two.page.wait_for_selector("#join")
    assert two.page.input_value("#target-region") == "oost"
    offered = two.page.locator("#target-region option").evaluate_all("os => os.map(o => o.value)")
    assert sorted(offered) == ["midden", "oost", "west"]
    changed_one = one.page.evaluate("window.regionopt.state.changed")
    assert changed_one == {"21BB00": "west"}
    one.page.reload()  # a reload keeps the tab's own session
    one.page.wait_for_selector("body[data-ready='1']")
    assert one.page.evaluate("window.regionopt.state.changed") == {"21BB00": "west"}
    assert two.page.evaluate("window.regionopt.state.changed") == {"31CC00": None}
    # A duplicated tab inherits sessionStorage: it sees the other tab alive and takes a copy.
    three = open_tab(context, server.url)
    three.page.evaluate(
        "id => sessionStorage.setItem('regionopt-session', id)",
        one.page.evaluate("window.regionopt.session"),
    )
    three.page.reload()
    three.page.wait_for_selector("body[data-ready='1']")
    assert three.page.evaluate("window.regionopt.state.changed") == {"21BB00": "west"}
    assert three.page.evaluate("window.regionopt.session") != one.page.evaluate(
        "window.regionopt.session"
    )
    three.page.click("#undo")
    three.page.locator("#change-panel").wait_for(state="hidden")
    one.page.reload()
    one.page.wait_for_selector("body[data-ready='1']")
    assert one.page.evaluate("window.regionopt.state.changed") == {"21BB00": "west"}
    for tab in (one, two, three):
        assert tab.errors == [] and tab.blocked == [] and tab.dialogs == []
    context.close()


def test_a_hostile_school_name_shows_as_text(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = open_tab(context, server.url)
    page = tab.page
    scripts = page.evaluate("document.scripts.length")
    page.fill("#search", "script")
    result = page.locator(f"#search-results li[data-code='{HOSTILE_CODE}']")
    assert EVIL in result.text_content()
    result.click()
    page.wait_for_selector("#school-panel h2")
    assert page.locator("#school-panel h2").text_content() == EVIL
    page.click("#leave")
    page.locator("#change-panel .region-block").first.wait_for()
    page.wait_for_timeout(200)
    assert page.evaluate("document.scripts.length") == scripts
    assert page.locator("img[src='x']").count() == 0
    assert tab.dialogs == [] and tab.errors == [] and tab.blocked == []
    context.close()


def test_a_tab_whose_changes_the_server_lost_is_told_so(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = open_tab(context, server.url)
    page = tab.page
    pick_school(page, "Middenhof", "21BB00")
    page.select_option("#target-region", "west")
    page.click("#move")
    page.locator("#change-panel .region-block").first.wait_for()
    assert page.locator("#notice").is_hidden()
    # As after a restart of the server: it no longer knows the tab's session.
    page.evaluate("() => { window.regionopt.session = 'gone'; }")
    pick_school(page, "Oosterlicht", "31CC00")
    page.click("#leave")
    page.locator("#notice").wait_for()  # it stays until closed: the next action kept it
    notice = page.locator("#notice").inner_text()
    assert "kent de wijzigingen van dit tabblad niet meer" in notice
    page.wait_for_function("() => window.regionopt.state.changed['31CC00'] === null")
    assert page.evaluate("window.regionopt.state.changed") == {"31CC00": None}
    page.click("#notice button")
    page.locator("#notice").wait_for(state="hidden")
    assert tab.blocked == [] and tab.dialogs == []
    context.close()
