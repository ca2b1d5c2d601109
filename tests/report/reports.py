"""A proposal report and a what-if report with hostile names, for the report tests."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from regionopt.config import Config
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.render import map_page, render_map
from regionopt.report import write_proposal_report, write_whatif_report
from regionopt.whatif import Change, whatif
from tests.cases import RULES, line_case
from tests.render.maps import EVIL, grid_regions, school_frame

SRCDOC = re.compile(r'srcdoc="([^"]*)"')


def hostile_line_case() -> tuple[Instance, Any, Plan]:
    """``tests.cases.line_case`` with a school named like a script (05AA00 leaves)."""
    inst, graph, plan = line_case()
    schools = tuple(replace(s, name=EVIL) if s.code == "02AA00" else s for s in inst.schools)
    return Instance(schools=schools, mbo=inst.mbo), graph, plan


def tiny_map() -> str:
    regions = grid_regions(2)
    regions["name"] = EVIL
    return map_page(render_map(regions=regions, schools=school_frame(regions), title=EVIL))


def whatif_report(tmp_path: Path) -> Path:
    inst, graph, plan = hostile_line_case()
    result = whatif(
        inst, graph, plan, [Change("leave", "05AA00")], Config(rules=RULES), do_repair=True
    )
    return write_whatif_report(
        tmp_path / "whatif.html",
        result,
        inst,
        map_html=tiny_map(),
        parameters={"plan": EVIL, "allow_dissolve": False},
    )


def proposal_report(tmp_path: Path) -> Path:
    inst, _, plan = hostile_line_case()
    return write_proposal_report(
        tmp_path / "proposal.html",
        instance=inst,
        plan=plan,
        config=Config(rules=RULES),
        map_html=tiny_map(),
        objective=OBJECTIVE,
        comparison=COMPARISON | {"note": EVIL},
        parameters=PARAMETERS | {"data": EVIL},
    )


OBJECTIVE: dict[str, Any] = {
    "status": "FEASIBLE",
    "objective": 59660.86,
    "bound": 57916.217972090206,
    "gap": 0.02924265637320338,
    "scope": "regio's binnen 50 km van de penvoerder",
    "components": {
        "cut_pupils": 43563.744,
        "compactness_km": 3941.277,
        "gemeente_splits": 15,
        "splits": {"gemeente": 15, "rpa": 52, "bestuur": 136, "mbo": 90},
        "reference_moves": 0,
        "size_balance": 22.6807,
        "contributions": {
            "cut_pupils": 43563.75,
            "compactness_km": 197.11,
            "gemeente": 300.0,
            "rpa": 15600.0,
            "bestuur": 0.0,
            "mbo": 0.0,
            "size_balance": 0.0,
            "reference_moves": 0.0,
        },
        "total": 59660.86,
    },
}
"""The objective of the national proposal (summary.json), as ``propose`` passes it."""

_SCORE = {"f1": 0.984, "precision": 0.9935, "recall": 0.9747, "tp": 154, "fp": 1, "fn": 4}
COMPARISON: dict[str, Any] = {
    "plan": {
        "name": "proposed",
        **_SCORE,
        "pairs": 1653,
        "unassigned": 0,
        "regions_two_or_more": 14,
        "whole_and_unmixed": 11,
    },
    "baselines": [{"name": "RPA-gebied", **_SCORE, "tp": 156, "fp": 28, "fn": 2}],
    "sizes": {
        "plan": {
            "label": "proposed",
            "regions": 77,
            "schools": {"smallest": 2, "median": 6, "largest": 21},
            "technical_pupils": {"smallest": 200, "median": 250, "largest": 575},
        },
    },
}
"""``proposal.validate_plan`` of the national proposal, shortened."""

PARAMETERS: dict[str, Any] = {
    "regions": [77, 77],
    "locks": {},
    "reference": None,
    "search": {"bound_s": 90.0, "relative_gap": 0.001, "contiguity": "connected"},
    "rules": {"min_vmbo": 2, "min_technical_pupils": 200, "max_technical_pupils": 600},
    "weights": {
        "cut_pupils": 1.0,
        "compactness_km": 0.05,
        "gemeente_split": 20.0,
        "labour_market_split": 300.0,
        "bestuur_split": 0.0,
        "mbo_split": 0.0,
        "reference_move": 50.0,
        "size_balance": 0.0,
    },
}
"""``propose``'s parameters, shortened."""
