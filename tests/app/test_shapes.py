"""Region shapes follow the plan and equal the territories."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from regionopt.app.service import Workbench
from regionopt.workspace import Workspace
from tests.app.client import move, session
from tests.app.town import MOVE_BREAKS


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
