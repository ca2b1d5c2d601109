"""Requests of the web app's tests: a session, a change."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

LOCAL = "http://127.0.0.1"


def session(client: TestClient) -> dict[str, str]:
    r = client.post("/api/session", json={})
    assert r.status_code == 200
    return {"X-Session": r.json()["session"]}


def move(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/change", json=body, headers=headers)
