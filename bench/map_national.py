"""Build the national proposed-vs-actual map and print its size and render time.

Run: ``python bench/map_national.py [--out maps/national-rmc.html] [--screenshot PNG]``.
The "proposed" plan is the DUO RMC region of each school (the 2020 location file's
``RMC-REGIO CODE``): a realistic national partition that needs no solver.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from regionopt.instance import Instance
from regionopt.load import FILES, find_data_dir, load_all
from regionopt.plan import Plan
from regionopt.render import write_plan_map


def rmc_plan(instance: Instance, data_dir: Path) -> Plan:
    """Each school in its DUO RMC region (schools absent from the 2020 file stay out)."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("maps/national-rmc.html"))
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    t0 = time.perf_counter()
    loaded = load_all(args.data)
    t1 = time.perf_counter()
    plan = rmc_plan(loaded.instance, find_data_dir(args.data))
    result = write_plan_map(
        loaded, plan, args.out, params={"plan": "RMC-REGIO CODE per vestiging (DUO 2020)"}
    )
    print(f"load_all           {t1 - t0:6.2f} s")
    print(f"write_plan_map     {result.seconds:6.2f} s (territories, figures, render, write)")
    print(f"regions drawn      {result.n_regions} of {len(plan.regions)} in the plan")
    print(f"map size           {result.size_bytes / 1e6:6.2f} MB  {result.path}")


if __name__ == "__main__":
    main()
