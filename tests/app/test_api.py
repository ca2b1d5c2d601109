"""The web app's HTTP API (Starlette TestClient) on the nine-school town."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from regionopt.app.service import Workbench
from regionopt.budget import budget, budget_changes
from regionopt.check import check, is_valid
from regionopt.config import RulesConfig
from regionopt.dutch import rule_labels
from regionopt.evaluate import plan_rows
from regionopt.model.rules import RegionRules
from regionopt.plan import read_plan
from regionopt.whatif import Change, whatif
from regionopt.workspace import Workspace
from tests.app.client import move, session
from tests.app.town import MOVE_BREAKS, OUTSIDER


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


def test_rule_labels_come_from_the_server_with_both_bounds(client: TestClient) -> None:
    base = client.get("/api/base", headers=session(client)).json()
    assert base["rule_labels"] == rule_labels(RegionRules.from_config(RulesConfig()))
    assert base["rule_labels"]["size"] == "Techniekleerlingen: 200 tot 600"
    assert base["status_labels"]["broken"] == "gebroken"


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
    assert rules["size"]["messages"] == [
        "[gebroken] Techniekleerlingen: 200 tot 600: regio west: 162 techniekleerlingen lj 3-4, "
        "minstens 200 nodig"
    ]
    assert west["figures"]["after"]["technical_pupils"] == 162
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
        ({"kind": "move", "code": "99ZZ99", "region": "midden"}, "no vestiging in the data has"),
        ({"kind": "move", "code": "90P000", "region": "midden"}, "(basisschool) that cannot"),
        ({"kind": "move", "code": "12AA00", "region": "atlantis"}, "does not exist"),
        ({"kind": "join", "code": "12AA00", "region": "midden"}, "already in region"),
        ({"kind": "move", "code": "12AA00"}, "needs a region"),
    ):
        r = move(client, h, **body)
        assert r.status_code == 400, body
        payload = r.json()
        message = " ".join([payload["error"], *(p["message"] for p in payload.get("problems", []))])
        assert text in message, payload
        # The page speaks to someone in a browser: no command-line options or commands.
        fixes = " ".join(p["fix"] for p in payload.get("problems", []))
        assert "--" not in fixes and "regionopt" not in fixes, payload
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
    assert report.status_code == 200 and "<h1>Wat-als-analyse op plan" in report.text
    # The accepted repair's moves are marked as such, the user's own move is not.
    marked = report.text.count("(aanvaarde reparatie)")
    assert marked == len(proposal["moves"]) and "gevraagd en een aanvaarde reparatie" in report.text
    assert proposal["headline"].endswith("s)") and "verplaatsing(en)" in proposal["headline"]
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
    assert state["undo_nl"] == "33CC00 stapt uit"  # the page's tooltip
    school = client.get("/api/school?code=33CC00", headers=one).json()
    assert school["current_region"] is None
    assert move(client, one, kind="join", code="33CC00", region="oost").json()["changed"] == {}


def test_search_school_and_region_answers(client: TestClient) -> None:
    h = session(client)
    found = client.get("/api/search?q=molen", headers=h).json()
    assert [s["code"] for s in found["schools"]] == ["23BB00"]
    school = client.get("/api/school?code=23BB00", headers=h).json()
    assert school["technical"] == 81 and school["current_region"] == "midden"
    assert {p["profile"]: p["pupils"] for p in school["profiles"]}["PIE"] == 81
    region = client.get("/api/region?id=midden", headers=h).json()
    assert {r["rule"]: r["status"] for r in region["rules"]}["size"] == "ok"
    assert region["figures"]["technical_pupils"] == 243 and region["money"]["structural"] > 0
    assert client.get("/api/region?id=nowhere", headers=h).status_code == 400
    unknown = client.get("/api/school?code=13AA01", headers=h)
    assert unknown.status_code == 400
    (problem,) = unknown.json()["problems"]
    assert problem["fix"] == "did you mean 13AA00? search the school by name"
    # A school that takes no part is not offered, but the search says why it is missing.
    code, name = OUTSIDER
    missing = client.get("/api/search?q=horizon", headers=h).json()
    assert missing["schools"] == [] and missing["outsiders_total"] == 1
    (why,) = missing["outsiders"]
    assert why.startswith(f"{code} ({name}") and "niet meedoet" in why


def test_sessions_are_required_and_expire_cleanly(client: TestClient) -> None:
    r = client.get("/api/state")
    assert r.status_code == 400 and "X-Session" in r.json()["error"]
    r = client.get("/api/state", headers={"X-Session": "gone"})
    assert r.status_code == 404 and r.json()["session"] is True


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
