"""The report page: both reports open offline in a real browser, with their map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.render.maps import EVIL
from tests.report.reports import proposal_report, whatif_report

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM_ARGS

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


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} missing")
def test_report_map_in_a_frame_without_size_fits_without_errors(
    browser: Any, tmp_path: Path
) -> None:
    # A report's map frame may not be laid out when its script runs (a busy machine): the
    # first view's room for the title must not make Leaflet's zoom NaN then.
    path = proposal_report(tmp_path)
    html = path.read_text(encoding="utf-8")
    squeezed = tmp_path / "squeezed.html"
    style = "<style>iframe.map { width: 0 !important; height: 0 !important; }</style>"
    squeezed.write_text(html.replace("<head>", "<head>" + style, 1), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(squeezed.resolve().as_uri())
        frame = page.frame_locator("iframe.map")
        frame.locator(".leaflet-control-layers").wait_for(state="attached", timeout=5000)
        page.wait_for_timeout(300)
        assert errors == []
    finally:
        page.close()
