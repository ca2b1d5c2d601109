"""A plan's map, compared with the documented actual regions: its layers and the HTML file."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from regionopt import dutch
from regionopt.budget import budget
from regionopt.commute import CommuteModel
from regionopt.config import Config
from regionopt.evaluate import RegionStats, region_table
from regionopt.instance import Instance
from regionopt.load import Geography, LoadedData
from regionopt.mapdata.frames import (
    actual_rows,
    ambiguous_frame,
    mbo_frame,
    region_rows,
    school_rows,
    with_rows,
)
from regionopt.mapdata.territories import TerritoryMaker, gemeente_territories
from regionopt.names import region_names
from regionopt.plan import Plan, partner_regions
from regionopt.render import MapLayers, render_layers, write_map

DATA_SOURCES = (
    "DUO leerlingen 2019, vestigingen 2020/2024, CBS gemeenten 2022, KiesMBO 2025, "
    "STO-regiopagina's"
)


def plan_differences(
    plan: Plan,
    actual: Plan,
    *,
    plan_names: Mapping[str, str] | None = None,
    actual_names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Schools whose proposed region differs from their actual one -> a Dutch explanation.

    Region ids of the two plans need not match: actual and proposed regions are paired one to
    one so that paired regions share as many documented schools as possible (Hungarian
    method, as ``regionopt.compare`` does). A documented school differs when its proposed
    region is not the partner of its actual region (a move, or one side of a merge or split).
    Schools only one plan assigns are not compared.
    """
    pn, an = plan_names or {}, actual_names or {}
    proposed, current = plan.assignment, actual.assignment
    partner = partner_regions(current, proposed)
    out: dict[str, str] = {}
    for code in (c for c in current if c in proposed):
        a, p = current[code], proposed[code]
        if partner.get(a) == p:
            continue
        counterpart = (
            f"; {an.get(a, a)} komt overeen met {pn.get(partner[a], partner[a])}"
            if a in partner
            else ""
        )
        out[code] = f"Verschil: nu in {an.get(a, a)}, voorgesteld in {pn.get(p, p)}{counterpart}."
    return out


def plan_layers(
    instance: Instance,
    plan: Plan | None,
    actual: Plan | None,
    *,
    geography: Geography,
    config: Config | None = None,
    territories: gpd.GeoDataFrame | None = None,
    actual_territories: gpd.GeoDataFrame | None = None,
    stats: Sequence[RegionStats] | None = None,
) -> MapLayers:
    """The layers of a plan's map, compared with the documented actual regions.

    Parameters
    ----------
    instance : Instance
    plan : Plan or None
        The proposed plan (``None``: map the actual regions only).
    actual : Plan or None
        The documented actual regions (partial, with ambiguous members).
    geography : load.Geography
        Province outlines; gemeente polygons for the stand-in territories.
    config : Config, optional
        Rules (mbo reach) and budget parameters (defaults when absent).
    territories, actual_territories : GeoDataFrame, optional
        ``territory.territories`` of the plans (RD New, ``region_id``); ``None``: gemeente
        stand-ins (``gemeente_territories``).
    stats : sequence of RegionStats, optional
        ``evaluate.region_table`` of ``plan`` when already computed.
    """
    cfg = config or Config()
    names = region_names(instance, plan) if plan is not None else {}
    actual_names = region_names(instance, actual) if actual is not None else {}
    regions = None
    if plan is not None:
        terr = territories
        if terr is None:
            terr = gemeente_territories(plan, instance, geography.gemeenten, fill=True)
        table = stats if stats is not None else region_table(instance, plan, rules=cfg.rules)
        regions = with_rows(terr, region_rows(table, names, budget(instance, plan, cfg.budget)))
    reference = None
    if actual is not None:
        terr = actual_territories
        if terr is None:
            terr = gemeente_territories(actual, instance, geography.gemeenten, fill=False)
        reference = with_rows(terr, actual_rows(instance, actual, actual_names))
    differences = None
    if plan is not None and actual is not None:
        differences = plan_differences(plan, actual, plan_names=names, actual_names=actual_names)
    return MapLayers(
        regions=regions,
        actual=reference,
        schools=school_rows(
            instance,
            plan,
            names,
            reference=actual,
            reference_names=actual_names,
            differences=differences,
        ),
        mbo=mbo_frame(instance),
        ambiguous=None if actual is None else ambiguous_frame(instance, actual, actual_names),
        provinces=geography.provincies,
    )


@dataclass(frozen=True)
class MapResult:
    """What ``write_plan_map`` wrote."""

    path: Path
    size_bytes: int
    seconds: float
    n_regions: int
    """Proposed regions drawn (actual regions when there is no plan)."""


def describe_params(params: Mapping[str, object] | None) -> str:
    """The settings for a subtitle, in Dutch: ``label: value`` pairs in the given order.

    Labels come from ``report.labels.PARAMETERS`` (a key without one is shown as it is);
    fractions (``gap``) as percentages, numbers in Dutch notation.
    """
    from regionopt.report.labels import PARAMETERS, PERCENT_PARAMETERS, STATUS_TEXT

    def show(key: str, value: object) -> str:
        if isinstance(value, bool):
            return dutch.yes_no(value)
        if isinstance(value, int | float):
            if key in PERCENT_PARAMETERS:
                return dutch.percent(value, 1)
            return dutch.number(value)
        if key == "status":
            return STATUS_TEXT.get(str(value), str(value))
        return str(value)

    return ", ".join(
        f"{PARAMETERS.get(k, k).lower()}: {show(k, v)}"
        for k, v in (params or {}).items()
        if v is not None
    )


def subtitle(
    loaded: LoadedData, plan: Plan | None, params: Mapping[str, object] | None = None
) -> str:
    """Which data, plan and settings made the map (the data's sources, not its folder on the
    user's disk)."""
    parts = [f"Bronnen: {DATA_SOURCES}", f"{dutch.whole(loaded.instance.n)} vmbo-vestigingen"]
    if plan is not None:
        parts.append(f"plan '{plan.name}', {len(plan.regions)} regio's")
    if params:
        parts.append(describe_params(params))
    return " · ".join(parts)


def write_plan_map(
    loaded: LoadedData,
    plan: Plan | None,
    path: Path | str,
    *,
    title: str | None = None,
    params: Mapping[str, object] | None = None,
    config: Config | None = None,
    actual: Plan | None = None,
    region_table: Sequence[RegionStats] | None = None,
    territories: gpd.GeoDataFrame | None = None,
    model: CommuteModel | None = None,
) -> MapResult:
    """Gather a plan's layers (commuting territories, figures, money) and write its map.

    Parameters
    ----------
    loaded : load.LoadedData
        The instance, geography and documented actual regions.
    plan : Plan or None
        The proposed plan; ``None`` maps the documented actual regions only.
    path : path
        The HTML file (parent folders are created; an existing file is overwritten: the CLI
        guards that).
    title : str, optional
        What the map shows (default says it).
    params : mapping, optional
        Parameters that made the plan, shown in the subtitle.
    config : Config, optional
        Commuting, rules and budget parameters (defaults when absent).
    actual : Plan, optional
        Actual regions to compare with (default: ``loaded.actual``).
    region_table, territories : optional
        Precomputed figures / territories of ``plan``.
    model : CommuteModel, optional
        The commuting model, when the caller has it (built here otherwise).
    """
    started = time.perf_counter()
    cfg = config or Config()
    actual_plan = actual if actual is not None else loaded.actual
    make = TerritoryMaker(loaded.instance, loaded.geography, cfg, model)
    if plan is not None and territories is None:
        territories = make(plan)
    layers = plan_layers(
        loaded.instance,
        plan,
        actual_plan,
        geography=loaded.geography,
        config=cfg,
        territories=territories,
        actual_territories=make(actual_plan),
        stats=region_table,
    )
    fmap = render_layers(
        layers, title=title or _default_title(plan), subtitle=subtitle(loaded, plan, params)
    )
    size = write_map(fmap, path)
    main = layers.regions if layers.regions is not None else layers.actual
    return MapResult(
        path=Path(path),
        size_bytes=size,
        seconds=time.perf_counter() - started,
        n_regions=0 if main is None else len(main),
    )


def _default_title(plan: Plan | None) -> str:
    if plan is None:
        return "Huidige STO-regio's, voor zover gedocumenteerd"
    return f"STO-regio's van plan '{plan.name}' en huidige regio's"
