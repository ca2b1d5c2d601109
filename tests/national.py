"""A national plan that needs no solver: each school in its DUO RMC region (2020 file).

The 2020 location file gives every vestiging its ``RMC-REGIO CODE`` (39-40 regions built from
whole municipalities): a realistic stand-in for "proposed" regions in map tests and benches.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from regionopt.instance import Instance
from regionopt.load import FILES
from regionopt.plan import Plan


def rmc_plan(instance: Instance, data_dir: Path) -> Plan:
    """Each school in its DUO RMC region; schools absent from the 2020 file stay out."""
    loc = pd.read_csv(data_dir / FILES["locations"], sep=";", encoding="latin-1", dtype=str)
    loc = loc.apply(lambda s: s.str.strip())
    loc = loc.set_index(loc["VESTIGINGSNUMMER"].str.upper())
    rows, names = [], {}
    for s in instance.schools:
        if s.code in loc.index and loc.at[s.code, "RMC-REGIO CODE"]:
            region = f"RMC{int(loc.at[s.code, 'RMC-REGIO CODE']):02d}"
            rows.append((s.code, region))
            names[region] = f"RMC {loc.at[s.code, 'RMC-REGIO NAAM']}"
    return Plan(rows=tuple(rows), name="RMC-regio's 2020 (DUO)", region_names=names)


def standin_plan(workspace) -> Plan:
    """The solver-free national plan of ``bench/national_plan.py`` (repaired RMC regions)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "national_plan.py"
    spec = importlib.util.spec_from_file_location("national_plan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.standin_plan(workspace)


def standin_plan_csv(workspace, folder: Path) -> tuple[Plan, Path]:
    """``standin_plan`` and a ``regions.csv`` of it in ``folder``."""
    plan = standin_plan(workspace)
    path = folder / "regions.csv"
    path.write_text(
        "vestiging_code,region_id\n" + "".join(f"{c},{r}\n" for c, r in plan.rows),
        encoding="utf-8",
    )
    return plan, path
