"""The maps in a real browser: headless Debian Chromium, every non-file request blocked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from regionopt.render import (
    CLASS_PROPOSED,
    CLASS_SCHOOL,
    LAYER_ACTUAL,
    LAYER_DIFFERENCES,
    LAYER_MBO,
    LAYER_PROPOSED,
    LAYER_SCHOOLS,
    LAYER_TILES,
    render_map,
    write_map,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} missing (CI installs Debian's chromium)"
    ),
]


@dataclass
class Visit:
    """What happened while a page was open."""

    page: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_offline(browser: Any, path: Path) -> Visit:
    """Open a file with every request that is not file:// aborted and recorded."""
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    visit = Visit(page)
    page.on("pageerror", lambda exc: visit.errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: visit.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )

    def dialog(d: Any) -> None:
        visit.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file://") or url.startswith("data:"):
            r.continue_()
        else:
            visit.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(".leaflet-control-layers")
    page.wait_for_timeout(300)
    return visit


# Finds a point where the given element is topmost (not hidden by a marker, the title or the
# legend), so a real mouse hover reaches it.
_TOPMOST_POINT = """(el) => {
    const box = el.getBoundingClientRect();
    for (let fy = 0.5; fy > 0.05; fy -= 0.05) {
        for (const sign of [1, -1]) {
            for (let fx = 0.1; fx < 0.95; fx += 0.05) {
                const x = box.left + box.width * fx;
                const y = box.top + box.height * (0.5 + sign * (0.5 - fy));
                if (document.elementFromPoint(x, y) === el) return [x, y];
            }
        }
    }
    return null;
}"""


def hover_text(visit: Visit, selector: str, index: int) -> str:
    page = visit.page
    element = page.locator(selector).nth(index)
    point = element.evaluate(_TOPMOST_POINT)
    assert point is not None, f"no visible point on {selector} #{index}"
    page.mouse.move(point[0] - 3, point[1] - 3)
    page.mouse.move(point[0], point[1])
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.first.wait_for(state="visible", timeout=3000)
    return tooltip.first.inner_text()


def test_hostile_names_show_as_text(browser: Any, tmp_path: Path) -> None:
    from tests.render.maps import EVIL, grid_regions, school_frame

    regions = grid_regions(2)
    regions["name"] = EVIL
    fmap = render_map(regions=regions, schools=school_frame(regions), title=EVIL, subtitle=EVIL)
    path = tmp_path / "evil.html"
    write_map(fmap, path)
    visit = open_offline(browser, path)
    try:
        assert visit.dialogs == [] and visit.errors == [] and visit.blocked == []
        assert EVIL in visit.page.locator(".regionopt-title h1").inner_text()
        # School 0 is named <script>alert(1)</script>: its tooltip shows that text.
        assert EVIL in hover_text(visit, f"path.{CLASS_SCHOOL}", 0)
        assert EVIL in hover_text(visit, f"path.{CLASS_PROPOSED}", 3)
        assert visit.dialogs == []
    finally:
        visit.page.close()


@pytest.fixture(scope="module")
def national_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Any]:
    from regionopt.load import find_data_dir, load_all
    from regionopt.mapdata import write_plan_map
    from tests.national import rmc_plan

    loaded = load_all()
    plan = rmc_plan(loaded.instance, find_data_dir())
    path = tmp_path_factory.mktemp("maps") / "national.html"
    write_plan_map(loaded, plan, path, params={"plan": "RMC-REGIO CODE (DUO 2020)"})
    return path, plan, loaded


@pytest.mark.realdata
def test_national_map_in_chromium(browser: Any, national_map: tuple) -> None:
    path, plan, loaded = national_map
    visit = open_offline(browser, path)
    page = visit.page
    try:
        assert visit.errors == []
        assert visit.blocked == []  # nothing even tried the network (tiles are off)
        # One SVG path per proposed region.
        assert page.locator(f"path.{CLASS_PROPOSED}").count() == len(plan.regions)
        assert page.locator(f"path.{CLASS_SCHOOL}").count() == loaded.instance.n
        control = page.locator(".leaflet-control-layers-overlays").inner_text()
        for name in (LAYER_PROPOSED, LAYER_ACTUAL, LAYER_SCHOOLS, LAYER_MBO, LAYER_TILES):
            assert name in control
        assert LAYER_DIFFERENCES in control
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map-national.png"))

        # Hover a region with the points and actual outlines switched off: its figures show.
        for name in (LAYER_SCHOOLS, LAYER_MBO, LAYER_ACTUAL, LAYER_DIFFERENCES):
            page.get_by_label(name, exact=False).uncheck()
        assert page.locator(f"path.{CLASS_SCHOOL}").count() == 0
        technical = {
            r: sum(loaded.instance.school(c).technical_pupils for c in codes)
            for r, codes in plan.regions.items()
        }
        names = {plan.region_name(r): r for r in plan.regions}
        for index in (0, len(plan.regions) // 2):
            text = hover_text(visit, f"path.{CLASS_PROPOSED}", index)
            shown = [n for n in names if n in text]
            assert shown, text
            pupils = f"{technical[names[max(shown, key=len)]]:,}".replace(",", ".")
            assert "Techniekleerlingen lj 3-4" in text and pupils in text, text
            assert "Aantal scholen" in text and "Penvoerder" in text
        page.wait_for_timeout(400)  # let the tooltip finish fading in
        page.screenshot(path=str(ARTIFACTS / "map-national-hover.png"))
        assert visit.errors == [] and visit.blocked == []
    finally:
        page.close()


# Every region name shown (not hidden by zoom or overlap) as [left, top, right, bottom], and
# the boxes of the names laid out whether shown or not.
_NAME_BOXES = """() => {
    const box = (s) => { const b = s.getBoundingClientRect(); return [b.left, b.top, b.right,
                                                                       b.bottom]; };
    const all = Array.from(document.querySelectorAll(".regionopt-label span"))
        .filter((s) => s.getBoundingClientRect().width > 0);
    return {
        shown: all.filter((s) => !s.classList.contains("regionopt-label-overlap")).map(box),
        all: all.map(box),
    };
}"""


def _overlapping(boxes: list[list[float]]) -> int:
    return sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    )


def test_region_names_never_overlap_and_the_larger_region_keeps_its_name(
    browser: Any, tmp_path: Path
) -> None:
    import shapely.affinity

    from tests.render.maps import grid_regions, school_frame

    # Nine regions of 10 km with names far wider than 10 km at zoom 9; the middle one larger.
    regions = grid_regions(3)
    regions["name"] = [f"Regio met een lange naam {r}" for r in regions["region_id"]]
    middle = regions["region_id"] == "R5"
    regions.loc[middle, "geometry"] = shapely.affinity.scale(
        regions.loc[middle, "geometry"].iloc[0], 1.3, 1.3
    )
    fmap = render_map(regions=regions, schools=school_frame(regions), title="Namen")
    path = tmp_path / "names.html"
    write_map(fmap, path)
    visit = open_offline(browser, path)
    page = visit.page
    try:
        page.evaluate(
            """() => { const name = Object.keys(window).find((k) => k.startsWith("map_"));
                       const map = window[name];
                       map.setView(map.getCenter(), 9, {animate: false}); }"""
        )
        page.wait_for_timeout(300)
        boxes = page.evaluate(_NAME_BOXES)
        assert len(boxes["all"]) == 9 and _overlapping(boxes["all"]) > 0
        assert 0 < len(boxes["shown"]) < 9 and _overlapping(boxes["shown"]) == 0
        shown = page.evaluate(
            """() => Array.from(document.querySelectorAll(".regionopt-label span"))
                .filter((s) => !s.classList.contains("regionopt-label-overlap"))
                .map((s) => s.textContent)"""
        )
        assert "Regio met een lange naam R5" in shown
        assert visit.errors == []
    finally:
        page.close()


def test_a_name_fading_out_does_not_hide_the_name_drawn_in_its_place(
    browser: Any, tmp_path: Path
) -> None:
    """When regions are redrawn (the web app after a change), Leaflet keeps each old name for
    its fade at opacity 0, where the new one is drawn: the new one must stay shown, and a
    smaller region's name that overlaps it must give way to it."""
    from regionopt.render.layers import DECLUTTER_JS

    names = "".join(
        f'<div class="name" data-rank="{rank}" style="position:absolute;left:{x}px;top:10px;'
        f'{style}">{text}</div>'
        for text, rank, x, style in (
            ("Oud", 2, 10, "opacity:0"),
            ("Nieuw", 1, 10, ""),
            ("Klein", 0.5, 20, ""),
        )
    )
    path = tmp_path / "fade.html"
    path.write_text(
        f"<!DOCTYPE html><html><body>{names}<script>{DECLUTTER_JS.read_text()}"
        '\nregionoptDeclutter(document.body, ".name", "hidden-name");</script></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(path.as_uri())
        hidden = page.evaluate(
            """() => Array.from(document.querySelectorAll(".name.hidden-name"))
                .map((n) => n.textContent)"""
        )
        assert hidden == ["Klein"]
        assert errors == []
    finally:
        page.close()
