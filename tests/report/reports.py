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
        objective={"objective": 1000.0, "bound": 950.0, "components": {"cut_pupils": 900.0}},
        comparison={"adjusted_rand_index": 0.61, "note": EVIL},
        parameters={"regions": "3", "data": EVIL},
    )
