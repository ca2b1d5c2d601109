"""Time `regionopt serve` on a national plan: moves, repairs, and the page opening in Chromium.

Usage::

    python bench/bench_serve.py [--plan regions.csv] [--moves 50] [--repairs 10] [--seed 0]
                                [--no-browser]

``--plan`` is a ``regions.csv`` from ``regionopt propose``; without it the RMC stand-in of
``bench/national_plan.py`` is used. Server side, every request goes through the whole app
(Starlette routing, validation, ``whatif`` of the tab's plan against the start, the JSON the
page gets) with Starlette's TestClient: a move of a random border school to a neighbouring
region (undone after each, so every move is judged alone), the region shapes the page then
fetches, and a repair after a change that breaks a rule (the school with most technical
pupils leaves one of the smallest regions). Targets: a move with its check <= 100 ms, a repair
<= 1 s. In the browser (Debian's Chromium, headless, every request elsewhere blocked): the
time from opening the page until the map, the regions and every school point are drawn;
target <= 3 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national_plan import national_plan
from starlette.testclient import TestClient

from regionopt.app.api import create_app
from regionopt.app.service import Workbench
from regionopt.app.state import Editor
from regionopt.cli.serve import bind
from regionopt.plan import Plan
from regionopt.whatif import Change
from regionopt.workspace import Workspace, open_workspace

CHROMIUM = "/usr/bin/chromium"
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


def ms(seconds: list[float]) -> str:
    """``median X ms, max Y ms`` of a list of durations."""
    return f"median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"


def border_moves(ws: Workspace, plan: Plan, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` random (school, neighbouring region) pairs along region borders."""
    inst, graph = ws.instance, ws.graph
    assign = {inst.index[c]: r for c, r in plan.assignment.items() if c in inst.index}
    border = []
    for i, r in sorted(assign.items()):
        nbrs = sorted({assign[j] for j in graph.neighbors(i) if assign.get(j) not in (None, r)})
        if nbrs:
            border.append((inst.schools[i].code, nbrs))
    rng = random.Random(seed)
    return [(code, rng.choice(nbrs)) for code, nbrs in rng.sample(border, min(n, len(border)))]


def time_moves(client: TestClient, moves: list[tuple[str, str]]) -> None:
    """Each move, then the shapes the page fetches, then undo."""
    h = {"X-Session": client.post("/api/session", json={}).json()["session"]}
    t_move, t_shapes, t_undo, broke = [], [], [], 0
    for code, region in moves:
        t0 = time.perf_counter()
        r = client.post(
            "/api/change", json={"kind": "move", "code": code, "region": region}, headers=h
        )
        t_move.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text
        broke += not r.json()["whatif"]["valid"]
        t0 = time.perf_counter()
        client.get("/api/shapes", headers=h)
        t_shapes.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        client.post("/api/undo", json={}, headers=h)
        t_undo.append(time.perf_counter() - t0)
    print(
        f"move with its check ({len(t_move)} moves, {broke} break a rule): {ms(t_move)} "
        "(target <= 100 ms)"
    )
    slow = sorted(range(len(t_move)), key=lambda k: -t_move[k])[:3]
    print("slowest moves: " + ", ".join(f"#{k + 1} {t_move[k] * 1000:.0f} ms" for k in slow))
    print(f"region shapes after a move: {ms(t_shapes)}; undo: {ms(t_undo)}")


def time_repairs(client: TestClient, ws: Workspace, plan: Plan, n: int) -> None:
    """The top school leaves each of the ``n`` smallest regions; time the repair."""
    inst = ws.instance
    size = {r: sum(inst.school(c).technical_pupils for c in cs) for r, cs in plan.regions.items()}
    times, moves = [], []
    for region in sorted(size, key=lambda r: (size[r], r))[:n]:
        top = max(plan.regions[region], key=lambda c: inst.school(c).technical_pupils)
        h = {"X-Session": client.post("/api/session", json={}).json()["session"]}
        client.post("/api/change", json={"kind": "leave", "code": top}, headers=h)
        t0 = time.perf_counter()
        proposal = client.post("/api/repair", json={"allow_dissolve": False}, headers=h).json()
        times.append(time.perf_counter() - t0)
        moves.append(f"{top}: {proposal['status']} {len(proposal['moves'])}")
    print(f"repair ({len(times)} cases: {'; '.join(moves)}): {ms(times)} (target <= 1 s)")


def breaking_move(bench: Workbench, moves: list[tuple[str, str]]) -> tuple[str, str, str]:
    """The first move that breaks a rule: (school, target region, a region it breaks)."""
    for code, region in moves:
        _, result = bench.preview(Editor(bench.start), Change("move", code, region))
        broken = [r.region_id for r in result.regions if not r.keeps_every_rule("after")]
        if broken:
            return code, region, broken[0]
    raise RuntimeError("no move breaks a rule")


def screenshot(page: Any, bench: Workbench, moves: list[tuple[str, str]], png: Path) -> None:
    """The page after a move that breaks a rule, with the broken region's panel open
    (made smaller with Pillow's 256 colours when Pillow is installed)."""
    code, region, broken = breaking_move(bench, moves)
    page.fill("#search", code)
    page.locator(f"#search-results li[data-code='{code}']").click()
    page.wait_for_selector("#move")
    page.select_option("#target-region", region)
    page.click("#move")
    page.locator("#change-panel td.broken").first.wait_for()
    page.locator(f"#change-panel [data-region='{broken}'] h3 .link").click()
    page.locator("#region-panel h2").wait_for()
    page.wait_for_timeout(800)  # the new region shapes are drawn
    page.screenshot(path=str(png))
    try:
        from PIL import Image
    except ImportError:  # a bench extra, not a dependency: keep the full-colour PNG
        pass
    else:
        Image.open(png).convert("RGB").quantize(colors=256).save(png, optimize=True)
    print(f"screenshot: move {code} -> {region} breaks {broken}; {png} "
          f"({png.stat().st_size / 1e3:.0f} kB)")  # fmt: skip


def time_page(
    bench: Workbench, runs: int = 3, shot: tuple[list[tuple[str, str]], Path] | None = None
) -> None:
    """Open the page in Chromium ``runs`` times; time until the map and points are drawn.

    With ``shot`` (moves, path), the last page then makes the screenshot (``screenshot``).
    """
    import uvicorn
    from playwright.sync_api import sync_playwright

    sock = bind("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(bench), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    times, blocked = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url)
                       else (blocked.append(r.request.url), r.abort()))  # fmt: skip
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready='1']")
            # One more frame: the canvas with the school points has been painted.
            page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
            times.append(time.perf_counter() - t0)
            n_regions = page.evaluate("window.regionopt.layers.regions.getLayers().length")
            if shot is not None and len(times) == runs:
                screenshot(page, bench, *shot)
            page.close()
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    print(
        f"page usable in Chromium ({runs} opens, {n_regions} regions drawn): {ms(times)} "
        f"(target <= 3 s); requests elsewhere: {len(blocked)}"
    )


def main() -> None:
    """Load once, then time the moves, the repairs and the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=None)
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--repairs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--screenshot", type=Path, default=None, help="e.g. docs/serve.png")
    args = parser.parse_args()

    t0 = time.perf_counter()
    ws = open_workspace()
    t_load = time.perf_counter() - t0
    plan = national_plan(ws, args.plan)
    t0 = time.perf_counter()
    bench = Workbench(ws, plan)
    bench.warm_up()  # as `regionopt serve` does before it prints its address
    t_bench = time.perf_counter() - t0
    print(
        f"load + graph {t_load:.2f} s; workbench (cells, territories, colours) {t_bench:.2f} s; "
        f"plan {plan.name!r}: {len(plan.regions)} regions, {len(plan.assignment)} schools"
    )
    with TestClient(create_app(bench), base_url="http://127.0.0.1") as client:
        t0 = time.perf_counter()
        base = client.get("/api/base")
        print(f"/api/base: {len(base.content) / 1e6:.2f} MB in {time.perf_counter() - t0:.3f} s")
        moves = border_moves(ws, plan, args.moves, args.seed)
        time_moves(client, moves)
        time_repairs(client, ws, plan, args.repairs)
    if not args.no_browser:
        time_page(bench, shot=(moves, args.screenshot) if args.screenshot else None)


if __name__ == "__main__":
    main()
