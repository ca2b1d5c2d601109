"""The workspace: data, model and graph loaded once, reused under other parameters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from regionopt.config import ParticipationConfig, RulesConfig
from regionopt.workspace import serving_institution_family

from .conftest import make_instance


@pytest.mark.realdata
def test_with_config_reuses_the_data_and_refuses_what_the_data_depends_on(workspace) -> None:
    rules = RulesConfig(min_technical_pupils=100, max_technical_pupils=None)
    other = workspace.with_config(workspace.config.model_copy(update={"rules": rules}))
    assert other.config.rules == rules and other.graph is workspace.graph
    everyone = ParticipationConfig(include_pro=True)
    with pytest.raises(ValueError, match="participation"):
        workspace.with_config(workspace.config.model_copy(update={"participation": everyone}))


def test_the_serving_institution_has_most_locations_in_reach_then_the_nearest() -> None:
    # Schools on a line (km): 0 and 10 have institution A's two locations and B's one in
    # reach, so A serves both though B is nearest to 0; 45 has C and D once each, D nearer;
    # 200 has nothing within 25 km and takes its nearest location's institution, C.
    base = make_instance([(0, 0), (10, 0), (45, 0), (200, 0)], mbo_km=[(0, 0)] * 5)
    sites = {"AA": [(2, 0), (3, 0)], "BB": [(0, 0)], "CC": [(60, 0)], "DD": [(50, 0)]}
    mbo = [
        replace(base.mbo[0], id=k, code=f"{inst}{k:02d}00"[:6], institution=inst, x=1e5 + x * 1e3)
        for k, (inst, (x, _)) in enumerate((i, p) for i, ps in sites.items() for p in ps)
    ]
    family = serving_institution_family(replace(base, mbo=tuple(mbo)), reach_km=25.0)
    assert family.name == "mbo"
    assert [family.codes[i] for i in family.index] == ["AA", "AA", "DD", "CC"]
