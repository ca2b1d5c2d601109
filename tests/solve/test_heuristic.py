"""The constructive start: Voronoi regions around seeds that move until every rule is met."""

from __future__ import annotations

import numpy as np
import pytest

from regionopt.config import Config, ParticipationConfig
from regionopt.model.candidates import Restriction, candidates
from regionopt.model.problem import Problem
from regionopt.model.rules import RegionRules
from regionopt.proposal import families_of
from regionopt.solve.decompose import areas, region_counts
from regionopt.solve.heuristic import meets_model, voronoi_plan


@pytest.mark.realdata
def test_voronoi_starts_the_largest_area_with_every_participation_option_on(
    real_data,
) -> None:
    # Many schools without technical pupils between the penvoerder candidates: the seed
    # moves once went back and forth here and no start plan was found.
    from regionopt.workspace import open_workspace

    everyone = ParticipationConfig(include_tl_only=True, include_pro=True, include_vso=True)
    config = Config(participation=everyone)
    ws = open_workspace(real_data, config)
    problem = Problem.from_instance(
        ws.instance,
        ws.graph,
        RegionRules.from_config(config.rules),
        families=families_of(ws, ws.instance),
    )
    family = next(f for f in problem.items if f.name == "rpa")
    largest = max(areas(problem, family), key=len)
    count = region_counts(problem, largest)[0]
    area = problem.restrict(largest).with_regions(count)
    search = config.search
    cand = candidates(area, Restriction(search.radius_km, search.min_roots, search.contiguity))
    rng = np.random.default_rng(search.seed)
    plans = [voronoi_plan(area, cand, rng) for _ in range(6)]
    assert any(p is not None and meets_model(area, cand, *p) for p in plans)
