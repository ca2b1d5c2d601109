"""On a province of the real data, branch-and-price proves the optimum over every connected
region, and that plan is never worse than the optimum of a restricted model (radius 25 km)."""

from __future__ import annotations

import pytest

from regionopt.model.candidates import Restriction
from regionopt.proposal import run_propose

from ..provinces import province_split

PROVINCE = "Friesland"
"""A province whose LP leaves a gap (0.7% at 50 km) that branch-and-price closes in seconds."""


@pytest.mark.realdata
def test_the_unrestricted_optimum_is_no_worse_than_the_radius_optimum(workspace) -> None:
    inside, others = province_split(workspace, PROVINCE)
    mean = sum(s.technical_pupils for s in workspace.instance.schools) / 77
    k = max(1, round(sum(s.technical_pupils for s in inside) / mean))
    base = workspace.config.search.model_copy(
        update={"area_start_s": 0.0, "bound_s": 30.0, "improve_s": 15.0, "branch_s": 120.0}
    )
    gap = base.relative_gap
    found = {}
    for radius in (25.0, None):
        search = base.model_copy(update={"radius_km": radius})
        result = run_propose(workspace, regions=(k, k), exclude=others, search=search)
        done = result.optimised
        assert result.valid and done.partition is not None
        assert done.status == "OPTIMAL", (radius, done.status, done.gap)
        found[radius] = done
    wide, narrow = found[None], found[25.0]
    assert wide.scope == Restriction().scope  # proven over every connected region
    # Both are proven within the gap, and every radius-25 plan is a connected plan.
    assert wide.partition is not None and narrow.partition is not None
    assert wide.partition.objective <= narrow.partition.objective * (1 + gap) + 1e-6
    assert wide.bound <= narrow.partition.objective + 1e-6
