"""Build the national proposed-vs-actual map and print its size and render time.

Run from the repository root::

    python bench/map_national.py [--plan out/proposal/regions.csv] [--out maps/national.html]
                                 [--screenshot docs/map-national.png]

The "proposed" plan is ``--plan`` (e.g. ``regionopt propose``'s regions.csv), else the DUO RMC
region of each school (``RMC-REGIO CODE`` of the 2020 location file, see ``tests/national.py``):
a realistic national partition that needs no solver.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from regionopt.load import find_data_dir, load_all
from regionopt.mapdata import write_plan_map
from regionopt.plan import read_plan
from tests.national import rmc_plan
from tests.test_browser import CHROMIUM_ARGS


def screenshot(html: Path, png: Path, *, width: int = 1000, height: int = 1040) -> None:
    """Screenshot the map offline in Debian's Chromium, as a small palette PNG."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(html.resolve().as_uri())
        page.wait_for_selector(".leaflet-control-layers")
        page.wait_for_timeout(500)
        page.screenshot(path=str(png))
        browser.close()
    # 256 colours are plenty for flat region fills and keep the PNG small for the README.
    Image.open(png).convert("RGB").quantize(colors=256).save(png, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("maps/national-rmc.html"))
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--plan", type=Path, default=None, help="plan CSV (default: RMC)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    loaded = load_all(args.data)
    t1 = time.perf_counter()
    if args.plan is not None:
        plan = read_plan(args.plan, name="regionopt propose")
        params = {"plan": str(args.plan)}
    else:
        plan = rmc_plan(loaded.instance, find_data_dir(args.data))
        params = {"plan": "RMC-REGIO CODE per vestiging (DUO 2020)"}
    result = write_plan_map(loaded, plan, args.out, params=params)
    print(f"load_all           {t1 - t0:6.2f} s")
    print(f"write_plan_map     {result.seconds:6.2f} s (territories, figures, render, write)")
    print(f"regions drawn      {result.n_regions} of {len(plan.regions)} in the plan")
    print(f"map size           {result.size_bytes / 1e6:6.2f} MB  {result.path}")
    if args.screenshot:
        screenshot(args.out, args.screenshot)
        size_kb = args.screenshot.stat().st_size / 1e3
        print(f"screenshot         {size_kb:6.0f} kB {args.screenshot}")


if __name__ == "__main__":
    main()
