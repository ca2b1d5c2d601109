"""The web app's HTTP API (Starlette TestClient) on the nine-school town."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from regionopt.app.api import create_app
from regionopt.app.guard import MAX_BODY_BYTES, TOKEN_COOKIE
from regionopt.app.service import Workbench
from regionopt.app.state import SessionStore
from regionopt.budget import budget, budget_changes
from regionopt.check import check, is_valid
from regionopt.evaluate import plan_rows
from regionopt.plan import read_plan
from regionopt.whatif import Change, whatif
from regionopt.workspace import Workspace, open_workspace
from tests.test_app_data import EVIL, MOVE_BREAKS, write_town_data, write_town_plan

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def town_bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Workbench]:
    root = tmp_path_factory.mktemp("town")
    ws = open_workspace(write_town_data(root / "data", names={"22BB00": EVIL}))
    return ws, Workbench(ws, read_plan(write_town_plan(root / "plan.csv")))


@pytest.fixture
def client(town_bench: tuple[Workspace, Workbench]) -> Iterator[TestClient]:
    _, bench = town_bench
    with TestClient(create_app(bench, sessions=SessionStore(bench.start)), base_url=LOCAL) as c:
        yield c


def session(client: TestClient) -> dict[str, str]:
    r = client.post("/api/session", json={})
    assert r.status_code == 200
    return {"X-Session": r.json()["session"]}


def move(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/change", json=body, headers=headers)


def test_page_and_leaflet_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/leaflet.js"' in page.text and "http" not in page.text.split("<body>")[0]
    for name in ("core.js", "panels.js", "app.js", "app.css", "leaflet.js", "images/layers.png"):
        assert client.get(f"/static/{name}").status_code == 200, name
    for name in ("../../pyproject.toml", "state.py", "%2e%2e/api.py"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 404 and "error" in r.json()


def test_a_move_that_breaks_a_rule_shows_the_rule_and_whatifs_money(
    client: TestClient, town_bench: tuple[Workspace, Workbench]
) -> None:
    ws, bench = town_bench
    h = session(client)
    code, region = MOVE_BREAKS
    r = move(client, h, kind="move", code=code.lower(), region=region)
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["version"] == 1 and state["changed"] == {code: region}
    view = state["whatif"]
    assert not view["valid"]
    west = next(x for x in view["regions"] if x["region_id"] == "west")
    rules = {x["rule"]: x for x in west["rules"]}
    assert rules["size"]["before"] == "ok" and rules["size"]["after"] == "broken"
    assert rules["size"]["messages"]
    assert west["figures"]["after"]["technical_pupils"] == 82
    assert west["mbo"]["after"] and west["penvoerder"]["after"]["code"]
    # The money is whatif's (budget_changes of the whole plans), not a second computation.
    result = whatif(ws.instance, ws.graph, bench.start, [Change("move", code, region)], ws.config)
    expected = {
        row["region_id"]: row
        for row in budget_changes(
            budget(ws.instance, bench.start, ws.config.budget),
            budget(ws.instance, result.after, ws.config.budget),
            regions=result.affected,
        )
    }
    assert west["money"]["structural_after"] == expected["west"]["structural_after_eur"]
    assert west["money"]["transition_before"] == expected["west"]["transition_before_eur"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"kind": "teleport", "code": "13AA00", "region": "midden"}, "kind"),
        ({"kind": "move", "code": "13AA00; DROP", "region": "midden"}, "code"),
        ({"kind": "move", "code": "13AA00", "region": "midden", "path": "/etc"}, "path"),
        ({"kind": "move", "code": "13AA00", "region": "x" * 101}, "region"),
    ],
)
def test_malformed_requests_get_a_json_message(
    client: TestClient, body: dict[str, Any], where: str
) -> None:
    h = session(client)
    r = move(client, h, **body)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid request"
    assert any(p["where"] == where for p in r.json()["problems"])
    assert client.get("/api/state", headers=h).json()["version"] == 0


def test_unknown_codes_and_regions_are_clear_errors_and_change_nothing(client: TestClient) -> None:
    h = session(client)
    assert move(client, h, kind="move", code="13AA00", region="midden").status_code == 200
    for body, text in (
        ({"kind": "move", "code": "99ZZ99", "region": "midden"}, "not a participating"),
        ({"kind": "move", "code": "12AA00", "region": "atlantis"}, "does not exist"),
        ({"kind": "join", "code": "12AA00", "region": "midden"}, "already in region"),
        ({"kind": "move", "code": "12AA00"}, "needs a region"),
    ):
        r = move(client, h, **body)
        assert r.status_code == 400, body
        payload = r.json()
        message = " ".join([payload["error"], *(p["message"] for p in payload.get("problems", []))])
        assert text in message, payload
    state = client.get("/api/state", headers=h).json()
    assert state["version"] == 1 and state["changed"] == {"13AA00": "midden"}


def test_repair_accept_and_download_a_valid_plan(
    client: TestClient, town_bench: tuple[Workspace, Workbench]
) -> None:
    ws, _ = town_bench
    h = session(client)
    move(client, h, kind="move", code=MOVE_BREAKS[0], region=MOVE_BREAKS[1])
    proposal = client.post("/api/repair", json={"allow_dissolve": False}, headers=h).json()
    assert proposal["status"] == "repaired" and proposal["moves"]
    assert client.post("/api/repair/accept", json={"version": 0}, headers=h).status_code == 409
    state = client.post("/api/repair/accept", json={"version": proposal["version"]}, headers=h)
    assert state.status_code == 200 and state.json()["whatif"]["valid"]
    csv_bytes = client.get("/api/download/regions.csv", headers=h).content
    assert csv_bytes.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    header, _ = plan_rows(ws.instance, read_plan_text(rows))
    assert rows[0] == header
    plan = read_plan_text(rows)
    assert plan.assignment[MOVE_BREAKS[0]] == MOVE_BREAKS[1]
    assert is_valid(check(ws.instance, ws.graph, plan, ws.config.rules))
    report = client.get("/api/download/report.html", headers=h)
    assert report.status_code == 200 and "<h1>What-if" in report.text
    assert "<script>alert" not in report.text  # the hostile school name is escaped


def read_plan_text(rows: list[list[str]]) -> Any:
    from regionopt.plan import Plan

    return Plan(rows=tuple((r[0], r[1]) for r in rows[1:]), name="download")


def test_undo_redo_and_tabs_apart_over_http(client: TestClient) -> None:
    one, two = session(client), session(client)
    move(client, one, kind="leave", code="33CC00")
    assert client.get("/api/state", headers=two).json()["changed"] == {}
    assert client.post("/api/undo", json={}, headers=one).json()["changed"] == {}
    state = client.post("/api/redo", json={}, headers=one).json()
    assert state["changed"] == {"33CC00": None} and state["undo"] == "leave 33CC00"
    school = client.get("/api/school?code=33CC00", headers=one).json()
    assert school["current_region"] is None
    assert move(client, one, kind="join", code="33CC00", region="oost").json()["changed"] == {}


def test_search_school_and_region_answers(client: TestClient) -> None:
    h = session(client)
    found = client.get("/api/search?q=molen", headers=h).json()
    assert [s["code"] for s in found["schools"]] == ["23BB00"]
    school = client.get("/api/school?code=23BB00", headers=h).json()
    assert school["technical"] == 41 and school["current_region"] == "midden"
    assert {p["profile"]: p["pupils"] for p in school["profiles"]}["PIE"] == 41
    region = client.get("/api/region?id=midden", headers=h).json()
    assert {r["rule"]: r["status"] for r in region["rules"]}["size"] == "ok"
    assert region["figures"]["technical_pupils"] == 123 and region["money"]["structural"] > 0
    assert client.get("/api/region?id=nowhere", headers=h).status_code == 400
    assert client.get("/api/school?code=99ZZ99", headers=h).status_code == 400


def test_sessions_are_required_and_expire_cleanly(client: TestClient) -> None:
    r = client.get("/api/state")
    assert r.status_code == 400 and "X-Session" in r.json()["error"]
    r = client.get("/api/state", headers={"X-Session": "gone"})
    assert r.status_code == 404 and r.json()["session"] is True


def test_posts_must_be_json_and_bodies_are_bounded(client: TestClient) -> None:
    h = session(client)
    r = client.post(
        "/api/change", content=b"kind=move", headers={**h, "Content-Type": "text/plain"}
    )
    assert r.status_code == 415 and "JSON" in r.json()["error"]
    big = b'{"kind": "move", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    headers = {**h, "Content-Type": "application/json"}
    r = client.post("/api/change", content=big, headers=headers)
    assert r.status_code == 413 and "error" in r.json()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield big[: MAX_BODY_BYTES // 2]
        yield big[MAX_BODY_BYTES // 2 :]

    r = client.post("/api/change", content=chunks(), headers=headers)
    assert r.status_code == 413
    assert client.get("/api/state", headers=h).json()["version"] == 0


def test_unknown_host_is_refused(client: TestClient) -> None:
    r = client.get("/api/base", headers={"Host": "attacker.example:8765"})
    assert r.status_code == 400 and "Host" in r.json()["error"]


def test_a_token_guards_every_request(town_bench: tuple[Workspace, Workbench]) -> None:
    _, bench = town_bench
    app = create_app(bench, token="s3cret", allowed_hosts=None)
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        for path in ("/", "/static/app.js", "/api/base"):
            r = c.get(path)
            assert r.status_code == 401 and "token" in r.json()["error"], path
        assert c.get("/api/base", headers={"X-Token": "wrong"}).status_code == 401
        assert c.get("/api/base", headers={"X-Token": "s3cret"}).status_code == 200
        opened = c.get("/?token=s3cret")
        assert opened.status_code == 200 and TOKEN_COOKIE in opened.headers["set-cookie"]
        assert "HttpOnly" in opened.headers["set-cookie"]
        assert c.get("/api/base").status_code == 200  # the cookie now presents it
        r = c.post("/api/session", json={})
        assert r.status_code == 200


def test_the_csv_download_reads_back_with_read_plan(
    client: TestClient, tmp_path: Path, town_bench: tuple[Workspace, Workbench]
) -> None:
    ws, bench = town_bench
    h = session(client)
    path = tmp_path / "regions.csv"
    path.write_bytes(client.get("/api/download/regions.csv", headers=h).content)
    plan = read_plan(path)
    assert plan.assignment == bench.start.assignment
    assert is_valid(check(ws.instance, ws.graph, plan, ws.config.rules))


def test_region_shapes_follow_the_plan_and_match_the_territories(
    client: TestClient, town_bench: tuple[Workspace, Workbench]
) -> None:
    import shapely.geometry

    from regionopt.territory import territories

    ws, bench = town_bench
    h = session(client)
    before = client.get("/api/shapes", headers=h).json()
    assert {f["properties"]["region_id"] for f in before["features"]} == {"west", "midden", "oost"}
    assert all(f["properties"]["colour"].startswith("#") for f in before["features"])
    move(client, h, kind="move", code=MOVE_BREAKS[0], region=MOVE_BREAKS[1])
    after = client.get("/api/shapes", headers=h).json()

    def area(geo: dict[str, Any], region: str) -> float:
        feature = next(f for f in geo["features"] if f["properties"]["region_id"] == region)
        return shapely.geometry.shape(feature["geometry"]).area

    assert area(after, "west") < area(before, "west")
    assert area(after, "midden") > area(before, "midden")
    # The cached cell unions give the same land as territory.territories.
    plan = bench.start.with_assignment({MOVE_BREAKS[0]: MOVE_BREAKS[1]})
    fast = bench.shapes.polygons(plan).set_index("region_id").geometry
    slow = territories(plan, ws.instance, ws.loaded.geography, ws.model).set_index("region_id")
    for region in ("west", "midden", "oost"):
        assert fast[region].symmetric_difference(slow.geometry[region]).area < 1.0  # m²


def test_serve_binds_a_free_port_and_says_when_one_is_taken() -> None:
    from regionopt.cli.serve import bind, page_url
    from regionopt.errors import InputError

    first = bind("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        assert port > 0
        with pytest.raises(InputError, match="choose another --port"):
            bind("127.0.0.1", port)
    finally:
        first.close()
    assert page_url("127.0.0.1", 8765, None) == "http://127.0.0.1:8765/"
    assert page_url("::1", 8765, "abc") == "http://[::1]:8765/?token=abc"
