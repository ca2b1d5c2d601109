"""A valid national plan to run what-ifs on, when no ``regionopt propose`` output is given.

Stand-in: the DUO "RMC-REGIO CODE" of each school (2020 location file; 39 RMC regions), schools
missing from that file joined to the region of their nearest school, then every region that
breaks a rule repaired with ``regionopt.repair`` (fewest moves). Prefer a real plan:
``national_plan(ws, path)`` reads ``regions.csv`` from ``regionopt propose`` when given.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from regionopt.check import check, is_valid
from regionopt.load import FILES, find_data_dir
from regionopt.plan import Plan, read_plan
from regionopt.repair import repair
from regionopt.workspace import Workspace


def rmc_plan(ws: Workspace) -> Plan:
    """Schools -> their DUO RMC region (``RMC..``); a school not in the file -> nearest school's."""
    inst = ws.instance
    path = find_data_dir(Path(ws.loaded.report.data_dir)) / FILES["locations"]
    loc = pd.read_csv(path, sep=";", encoding="latin-1", dtype=str)
    rmc = dict(
        zip(loc["VESTIGINGSNUMMER"].str.strip(), loc["RMC-REGIO CODE"].str.strip(), strict=True)
    )
    known = [s.id for s in inst.schools if rmc.get(s.code)]
    mapping: dict[str, str] = {}
    for s in inst.schools:
        if rmc.get(s.code):
            mapping[s.code] = f"RMC{rmc[s.code]}"
            continue
        d = np.hypot(*(inst.xy[known] - inst.xy[s.id]).T)
        mapping[s.code] = f"RMC{rmc[inst.schools[known[int(np.argmin(d))]].code]}"
    return Plan.from_mapping(mapping, name="rmc-standin")


def standin_plan(ws: Workspace, *, time_limit_s: float = 20.0) -> Plan:
    """The RMC plan with every broken region repaired (a rule-valid national plan)."""
    plan = rmc_plan(ws)
    rules = ws.config.rules
    for _ in range(5):
        broken = sorted(
            {
                v.region_id
                for v in check(ws.instance, ws.graph, plan, rules)
                if v.severity == "broken" and v.region_id
            }
        )
        if not broken:
            break
        result = repair(
            ws.instance,
            ws.graph,
            plan,
            rules,
            regions=broken,
            min_level=1,
            max_level=3,
            time_limit_s=time_limit_s,
            workers=2,
        )
        if result.status != "repaired":
            reasons = "; ".join(result.explanation)
            raise RuntimeError(f"could not repair the RMC stand-in: {reasons}")
        plan = Plan(rows=result.plan.rows, name="rmc-standin")
    return plan


def national_plan(ws: Workspace, path: Path | None = None) -> Plan:
    """``path`` (a propose ``regions.csv``) when given, else the repaired RMC stand-in."""
    if path is not None:
        return read_plan(path)
    return standin_plan(ws)


if __name__ == "__main__":
    from regionopt.workspace import open_workspace

    workspace = open_workspace()
    national = standin_plan(workspace)
    violations = check(workspace.instance, workspace.graph, national, workspace.config.rules)
    print(f"{len(national.regions)} regions, valid: {is_valid(violations)}", file=sys.stderr)
    for code, region in national.rows:
        print(f"{code},{region}")
