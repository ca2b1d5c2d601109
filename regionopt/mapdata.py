"""Gather what a map shows: territories, per-region figures and money, names, differences.

The renderer (``regionopt.render``) only draws; this module decides what it draws. Every
figure comes from the modules that own it: region figures from ``regionopt.evaluate``, money
from ``regionopt.budget`` on the *whole* plan (so a map shows exactly what ``regionopt
budget`` and ``whatif`` print), names from ``regionopt.names``, territories from
``regionopt.territory``. ``write_plan_map`` serves ``map`` and ``propose``; ``whatif_layers``
serves ``whatif``.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from regionopt.budget import Budget, budget
from regionopt.commute import CommuteModel, commute_model
from regionopt.config import Config
from regionopt.crs import RD_NEW
from regionopt.evaluate import RegionStats, region_table
from regionopt.instance import PROFILES, Instance
from regionopt.load import Geography, LoadedData
from regionopt.names import region_names
from regionopt.plan import Plan, partner_regions
from regionopt.render import (
    LAYER_BEFORE,
    LAYER_CHANGES,
    MAX_LISTED_PARTNERS,
    MapLayers,
    render_layers,
    write_map,
)
from regionopt.territory import UNKNOWN, origin_cells, territories
from regionopt.whatif import WhatIfResult

DATA_SOURCES = (
    "DUO leerlingen 2019, vestigingen 2020/2024, CBS gemeenten 2022, KiesMBO 2025, "
    "STO-regiopagina's"
)
NO_PENVOERDER = "geen (geen school met technisch profiel)"


class TerritoryMaker:
    """Plan -> commuting territories (RD New); the origin cells are built once and reused."""

    def __init__(
        self,
        instance: Instance,
        geography: Geography,
        config: Config,
        model: CommuteModel | None = None,
    ) -> None:
        self.instance, self.geography = instance, geography
        self.model = model or commute_model(
            instance, geography.origins_xy, geography.origins_pupils, config.commute
        )
        self.cells = origin_cells(geography, self.model)

    def __call__(self, plan: Plan) -> gpd.GeoDataFrame:
        """Territories of ``plan`` (without the ``unknown`` land)."""
        terr = territories(plan, self.instance, self.geography, self.model, cells=self.cells)
        return terr[terr["region_id"] != UNKNOWN].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Rows of the frames


def _money_row(money: Budget, region_id: str) -> dict[str, float | None]:
    r = money.by_region.get(region_id)
    if r is None:
        return {"budget_eur": None, "transition_eur": None, "cofunding_eur": None}
    return {
        "budget_eur": r.structural_eur,
        "transition_eur": r.transition_eur,
        "cofunding_eur": r.cofunding_eur,
    }


def _partners_text(partners: Sequence[str]) -> str:
    shown = list(partners[:MAX_LISTED_PARTNERS])
    if len(partners) > MAX_LISTED_PARTNERS:
        shown.append(f"en {len(partners) - MAX_LISTED_PARTNERS} andere")
    return ", ".join(shown) or "geen binnen bereik"


def region_rows(
    stats: Sequence[RegionStats], names: Mapping[str, str], money: Budget
) -> pd.DataFrame:
    """One row per region: the figures and money ``render.region_tooltip`` shows.

    Parameters
    ----------
    stats : sequence of RegionStats
        ``evaluate.region_table`` of the plan.
    names : mapping
        Region id -> display name (``names.region_names``).
    money : Budget
        ``budget.budget`` of the *whole* plan.
    """
    rows = []
    for s in stats:
        penvoerder = f"{s.penvoerder_name} ({s.penvoerder})" if s.penvoerder else NO_PENVOERDER
        rows.append(
            {
                "region_id": s.region_id,
                "name": names.get(s.region_id, s.region_id),
                "n_schools": s.n_schools,
                "technical": s.technical_total,
                **{p: s.technical_by_profile.get(p, 0) for p in PROFILES},
                "beroepsgericht": s.beroepsgericht,
                "techniekarm": s.techniekarm,
                "penvoerder": penvoerder,
                "mbo_partners": _partners_text(s.mbo_partners),
                **_money_row(money, s.region_id),
            }
        )
    return pd.DataFrame(rows)


def actual_rows(instance: Instance, actual: Plan, names: Mapping[str, str]) -> pd.DataFrame:
    """One row per documented region: how completely it is documented."""
    n_ambiguous = Counter(a.region_id for a in actual.ambiguous)
    rows = []
    for region_id, codes in actual.regions.items():
        members = [instance.school(c) for c in codes if c in instance.index]
        rows.append(
            {
                "region_id": region_id,
                "name": names.get(region_id, region_id),
                "partial": region_id in actual.partial_regions,
                "n_documented": len(members),
                "n_ambiguous": n_ambiguous.get(region_id, 0),
                "technical": sum(s.technical_pupils for s in members),
            }
        )
    return pd.DataFrame(rows)


def _with_rows(terr: gpd.GeoDataFrame, rows: pd.DataFrame) -> gpd.GeoDataFrame:
    """Territories joined to their region rows (regions without land are not drawn)."""
    merged = terr[["region_id", terr.geometry.name]].merge(rows, on="region_id", how="inner")
    return gpd.GeoDataFrame(merged, geometry=terr.geometry.name, crs=terr.crs)


def school_rows(
    instance: Instance,
    plan: Plan | None,
    names: Mapping[str, str],
    *,
    reference: Plan | None = None,
    reference_names: Mapping[str, str] | None = None,
    differences: Mapping[str, str] | None = None,
    changes: Mapping[str, str] | None = None,
    codes: Iterable[str] | None = None,
    reference_title: str = "Huidige regio",
) -> pd.DataFrame:
    """One row per school (or per code of ``codes``): pupils, region, reference region, flags.

    ``reference`` is the documented actual plan (``actual_region_*`` columns); ``differences``
    maps a code to the text explaining why it is flagged; ``changes`` maps a code to its
    what-if change kind (``left``, ``joined``, ``moved``, ``repaired``); ``reference_title``
    is how a tooltip calls the reference region.
    """
    wanted = set(codes) if codes is not None else None
    ref_names = reference_names or {}
    rows = []
    for s in instance.schools:
        if wanted is not None and s.code not in wanted:
            continue
        rec: dict[str, Any] = {
            "code": s.code,
            "name": s.name,
            "place": s.place,
            "lon": s.lon,
            "lat": s.lat,
            **s.pupils.by_profile(),
            "technical": s.technical_pupils,
            "beroepsgericht": s.pupils.beroepsgericht,
            "has_technical": s.has_technical_profile,
        }
        main = plan if plan is not None else reference
        main_names = names if plan is not None else ref_names
        region = main.assignment.get(s.code, "") if main is not None else ""
        rec["region_id"], rec["region_name"] = region, main_names.get(region, region)
        if reference is not None:
            ref = reference.assignment.get(s.code, "")
            rec["actual_region_id"], rec["actual_region_name"] = ref, ref_names.get(ref, ref)
            rec["actual_label"] = reference_title
        if differences is not None:
            rec["differs"] = s.code in differences
            rec["difference"] = differences.get(s.code, "")
        if changes is not None:
            rec["change"] = changes.get(s.code, "")
        rows.append(rec)
    return pd.DataFrame(rows)


def mbo_frame(instance: Instance) -> pd.DataFrame:
    """Every mbo location: code, name, city, lon, lat."""
    return pd.DataFrame(
        [
            {"code": m.code, "name": m.name, "city": m.city, "lon": m.lon, "lat": m.lat}
            for m in instance.mbo
        ],
        columns=["code", "name", "city", "lon", "lat"],
    )


def ambiguous_frame(instance: Instance, actual: Plan, names: Mapping[str, str]) -> pd.DataFrame:
    """Candidate locations of the documented members known only as one of several codes."""
    rows = []
    for amb in actual.ambiguous:
        for code in amb.candidates:
            if code not in instance.index:
                continue
            s = instance.school(code)
            rows.append(
                {
                    "code": s.code,
                    "name": s.name,
                    "place": s.place,
                    "lon": s.lon,
                    "lat": s.lat,
                    "region_id": amb.region_id,
                    "region_name": names.get(amb.region_id, amb.region_id),
                    "label": amb.label,
                    "candidates": ", ".join(amb.candidates),
                }
            )
    columns = ["code", "name", "place", "lon", "lat", "region_id", "region_name", "label"]
    return pd.DataFrame(rows, columns=[*columns, "candidates"])


# --------------------------------------------------------------------------------------------
# Differences


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


def gemeente_territories(
    plan: Plan, instance: Instance, gemeenten: gpd.GeoDataFrame, *, fill: bool
) -> gpd.GeoDataFrame:
    """Simple territories: each gemeente goes to the plurality region of its schools.

    A stand-in for ``regionopt.territory.territories`` (tests, and when no commuting model is
    at hand). With ``fill``, a gemeente without planned schools joins the region of the
    nearest planned school; else it stays ``unknown`` (right for partial plans).

    Returns
    -------
    GeoDataFrame
        ``region_id`` and geometry (RD New), one row per region with land.
    """
    assignment = plan.assignment
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for s in instance.schools:
        if s.code in assignment:
            votes[s.gemeente][assignment[s.code]] += 1
    gm = gemeenten.to_crs(RD_NEW)
    region = [
        min(votes[c].items(), key=lambda kv: (-kv[1], kv[0]))[0] if votes.get(c) else UNKNOWN
        for c in gm["code"]
    ]
    planned = [s for s in instance.schools if s.code in assignment]
    if fill and planned:
        from scipy.spatial import cKDTree

        tree = cKDTree(np.array([(s.x, s.y) for s in planned]))
        reps = gm.geometry.representative_point()
        for i, r in enumerate(region):
            if r == UNKNOWN:
                _, j = tree.query((reps.iloc[i].x, reps.iloc[i].y))
                region[i] = assignment[planned[int(j)].code]
    out = gpd.GeoDataFrame({"region_id": region}, geometry=gm.geometry.values, crs=RD_NEW)
    out = out.dissolve(by="region_id", as_index=False)
    return out[out["region_id"] != UNKNOWN].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# A plan's map


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
        rows = region_rows(table, names, budget(instance, plan, cfg.budget))
        regions = _with_rows(terr, rows)
    reference = None
    if actual is not None:
        terr = actual_territories
        if terr is None:
            terr = gemeente_territories(actual, instance, geography.gemeenten, fill=False)
        reference = _with_rows(terr, actual_rows(instance, actual, actual_names))
    differences = None
    if plan is not None and actual is not None:
        differences = plan_differences(plan, actual, plan_names=names, actual_names=actual_names)
    schools = school_rows(
        instance,
        plan,
        names,
        reference=actual,
        reference_names=actual_names,
        differences=differences,
    )
    return MapLayers(
        regions=regions,
        actual=reference,
        schools=schools,
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
    """``key=value`` pairs for a subtitle, sorted by key."""
    return ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))


def subtitle(
    loaded: LoadedData, plan: Plan | None, params: Mapping[str, object] | None = None
) -> str:
    """Which data, plan and parameters made the map."""
    parts = [
        f"Data: {loaded.report.data_dir} ({DATA_SOURCES})",
        f"{loaded.instance.n} vmbo-vestigingen",
    ]
    if plan is not None:
        parts.append(f"plan: {plan.name}, {len(plan.regions)} regio's")
    if params:
        parts.append(f"parameters: {describe_params(params)}")
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
    if title is None:
        title = (
            f"Voorgestelde STO-regio's ({plan.name}) en huidige regio's"
            if plan is not None
            else "Huidige STO-regio's, voor zover gedocumenteerd"
        )
    fmap = render_layers(layers, title=title, subtitle=subtitle(loaded, plan, params))
    size = write_map(fmap, path)
    main = layers.regions if layers.regions is not None else layers.actual
    return MapResult(
        path=Path(path),
        size_bytes=size,
        seconds=time.perf_counter() - started,
        n_regions=0 if main is None else len(main),
    )


# --------------------------------------------------------------------------------------------
# A what-if's map


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
    stats = [s for s in region_table(instance, final, rules=cfg.rules) if s.region_id in shown]
    after_terr = make(final)
    regions = _with_rows(
        after_terr[after_terr["region_id"].isin(shown)],
        region_rows(stats, names, result.final_budget),
    )
    before_stats = [
        s for s in region_table(instance, before, rules=cfg.rules) if s.region_id in shown
    ]
    before_terr = make(before)
    reference = _with_rows(
        before_terr[before_terr["region_id"].isin(shown)],
        region_rows(before_stats, names, result.budget_before),
    )
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
