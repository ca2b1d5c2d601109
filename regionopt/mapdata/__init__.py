"""Gather what a map shows: territories, per-region figures and money, names, differences.

The renderer (``regionopt.render``) only draws; this module decides what it draws. Every
figure comes from the modules that own it: region figures from ``regionopt.evaluate``, money
from ``regionopt.budget`` on the *whole* plan (so a map shows exactly what ``regionopt
budget`` and ``whatif`` print), names from ``regionopt.names``, territories from
``regionopt.territory``. ``write_plan_map`` serves ``map`` and ``propose``; ``whatif_layers``
serves ``whatif``.

Modules: ``frames`` (the rows of each layer), ``territories`` (of a plan), ``plan_map`` (a
plan's map and its file) and ``whatif_map`` (a what-if's map).
"""

from regionopt.mapdata.frames import (
    NO_PENVOERDER,
    actual_rows,
    ambiguous_frame,
    mbo_frame,
    region_rows,
    school_rows,
)
from regionopt.mapdata.plan_map import (
    DATA_SOURCES,
    MapResult,
    describe_params,
    plan_differences,
    plan_layers,
    subtitle,
    write_plan_map,
)
from regionopt.mapdata.territories import TerritoryMaker, gemeente_territories
from regionopt.mapdata.whatif_map import whatif_changes, whatif_layers, whatif_title

__all__ = [
    "DATA_SOURCES",
    "NO_PENVOERDER",
    "MapResult",
    "TerritoryMaker",
    "actual_rows",
    "ambiguous_frame",
    "describe_params",
    "gemeente_territories",
    "mbo_frame",
    "plan_differences",
    "plan_layers",
    "region_rows",
    "school_rows",
    "subtitle",
    "whatif_changes",
    "whatif_layers",
    "whatif_title",
    "write_plan_map",
]
