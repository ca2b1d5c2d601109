"""A what-if's map: the regions it touched, after and before, and the schools it changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import geopandas as gpd

from regionopt import dutch
from regionopt.budget import Budget
from regionopt.config import Config
from regionopt.evaluate import region_table
from regionopt.instance import Instance
from regionopt.load import LoadedData
from regionopt.mapdata.frames import mbo_frame, region_rows, school_rows, with_rows
from regionopt.mapdata.territories import TerritoryMaker
from regionopt.plan import Plan
from regionopt.render import LAYER_BEFORE, LAYER_CHANGES, MapLayers
from regionopt.whatif import WhatIfResult


def whatif_title(result: WhatIfResult) -> str:
    """The map's title: ``Wat als: 16RT01 stapt uit``."""
    asked = ", ".join(dutch.change_text(c.kind, c.code, c.region_id) for c in result.changes)
    return f"Wat als: {asked}"


def whatif_changes(result: WhatIfResult, names: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Code -> (change kind, Dutch explanation) of every school the what-if changed."""
    out: dict[str, tuple[str, str]] = {}
    for c in result.changes:
        was = result.before.assignment.get(c.code)
        was_name = names.get(was, was) if was else ""
        to_name = names.get(c.region_id, c.region_id) if c.region_id else ""
        if c.kind == "leave":
            out[c.code] = ("left", f"Stapt uit: was in {was_name}.")
        elif c.kind == "join":
            out[c.code] = ("joined", f"Sluit aan bij {to_name}.")
        else:
            out[c.code] = ("moved", f"Verhuist van {was_name} naar {to_name} (gevraagd).")
    if result.repair is not None and result.repair.status == "repaired":
        for m in result.repair.moves:
            text = (
                f"Verhuist van {names.get(m.from_region, m.from_region)} naar "
                f"{names.get(m.to_region, m.to_region)} (reparatie)."
            )
            out[m.code] = ("repaired", text)
    return out


def whatif_layers(
    loaded: LoadedData,
    result: WhatIfResult,
    *,
    config: Config | None = None,
    make_territories: Callable[[Plan], gpd.GeoDataFrame] | None = None,
) -> MapLayers:
    """The layers of a what-if's map: the regions it touched, after and before.

    The main layer is the final plan (repaired when a repair was found) of the regions the
    what-if reports on, with figures and money of the *whole* final plan (the numbers
    ``whatif`` and ``regionopt budget`` print); the reference layer outlines the same regions
    in the plan before the change; the schools layer shows their schools, and the changes
    layer rings every school that left, joined, moved or was moved by the repair.
    """
    cfg = config or Config()
    instance = loaded.instance
    make = make_territories or TerritoryMaker(instance, loaded.geography, cfg)
    shown = {r.region_id for r in result.regions}
    names = dict(result.names)
    final, before = result.final, result.before
    regions = _shown_regions(make, instance, final, shown, names, result.final_budget, cfg)
    reference = _shown_regions(make, instance, before, shown, names, result.budget_before, cfg)
    changed = whatif_changes(result, names)
    codes = {c for c, r in final.assignment.items() if r in shown}
    codes |= {c for c, r in before.assignment.items() if r in shown} | set(changed)
    schools = school_rows(
        instance,
        final,
        names,
        reference=before,
        reference_names=names,
        differences={c: text for c, (_, text) in changed.items()},
        changes={c: kind for c, (kind, _) in changed.items()},
        codes=codes,
        reference_title="Vóór de wijziging",
    )
    return MapLayers(
        regions=regions,
        actual=reference,
        schools=schools,
        mbo=mbo_frame(instance),
        provinces=loaded.geography.provincies,
        reference_label=LAYER_BEFORE,
        differences_label=LAYER_CHANGES,
    )


def _shown_regions(
    make: Callable[[Plan], gpd.GeoDataFrame],
    instance: Instance,
    plan: Plan,
    shown: set[str],
    names: Mapping[str, str],
    money: Budget,
    config: Config,
) -> gpd.GeoDataFrame:
    """Territories of the ``shown`` regions of ``plan``, with their figures and money."""
    stats = [s for s in region_table(instance, plan, rules=config.rules) if s.region_id in shown]
    terr = make(plan)
    return with_rows(terr[terr["region_id"].isin(shown)], region_rows(stats, names, money))
