"""The guard of every request: JSON bodies bounded, the host checked, the token required."""

from __future__ import annotations

from collections.abc import Iterator

from starlette.testclient import TestClient

from regionopt.app.api import create_app
from regionopt.app.guard import MAX_BODY_BYTES, TOKEN_COOKIE
from regionopt.app.service import Workbench
from regionopt.workspace import Workspace
from tests.app.client import session


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
