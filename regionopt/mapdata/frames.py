"""The frames a map draws: one row per region, per documented region, per school, per mbo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from regionopt.budget import Budget
from regionopt.evaluate import RegionStats
from regionopt.instance import PROFILES, Instance
from regionopt.plan import Plan
from regionopt.render import MAX_LISTED_PARTNERS

NO_PENVOERDER = "geen (geen school met technisch profiel)"


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


def with_rows(terr: gpd.GeoDataFrame, rows: pd.DataFrame) -> gpd.GeoDataFrame:
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
