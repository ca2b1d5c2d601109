"""Fixtures of the web app's tests: the nine-school town, its workbench and an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from regionopt.app.api import create_app
from regionopt.app.service import Workbench
from regionopt.app.state import SessionStore
from regionopt.plan import read_plan
from regionopt.workspace import Workspace, open_workspace
from tests.app.client import LOCAL
from tests.app.town import EVIL, write_town_data, write_town_plan


@pytest.fixture
def town(tmp_path: Path) -> tuple[Path, Path]:
    """The town's data directory and plan CSV."""
    return write_town_data(tmp_path / "data"), write_town_plan(tmp_path / "plan.csv")


@pytest.fixture(scope="module")
def town_bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Workbench]:
    """The town (one school named like a script) as a workspace and a workbench on its plan."""
    root = tmp_path_factory.mktemp("town")
    ws = open_workspace(write_town_data(root / "data", names={"22BB00": EVIL}))
    return ws, Workbench(ws, read_plan(write_town_plan(root / "plan.csv")))


@pytest.fixture
def client(town_bench: tuple[Workspace, Workbench]) -> Iterator[TestClient]:
    """A test client of the app on the town, with its own sessions."""
    _, bench = town_bench
    with TestClient(create_app(bench, sessions=SessionStore(bench.start)), base_url=LOCAL) as c:
        yield c
