"""Figures about the loaded data (``regionopt data summary``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from regionopt.instance import PROFILES
from regionopt.load import LoadedData


def data_summary(loaded: LoadedData) -> dict[str, Any]:
    """National figures of the participating schools, mbo locations and actual regions.

    Returns
    -------
    dict
        JSON-ready; keys include ``schools_participating``, ``schools_with_technical_pupils``,
        ``pupils_beroepsgericht_lj34``, ``pupils_technical_lj34`` (per profile and ``total``),
        ``mbo_locations`` and ``geocoded_by_postcode``.
    """
    inst, rep = loaded.instance, loaded.report
    technical = {p: sum(getattr(s.pupils, p) for s in inst.schools) for p in PROFILES}
    technical["total"] = int(inst.technical_pupils.sum())
    return {
        "data_dir": rep.data_dir,
        "schools_participating": inst.n,
        "schools_by_kind": dict(sorted(Counter(s.kind for s in inst.schools).items())),
        "schools_with_technical_pupils": int((inst.technical_pupils > 0).sum()),
        "pupils_beroepsgericht_lj34": int(inst.beroepsgericht_pupils.sum()),
        "pupils_technical_lj34": technical,
        "pupils_vakmanschapsroute_lj34": sum(s.pupils.vakmanschapsroute for s in inst.schools),
        "pupils_tl_lj34": sum(s.pupils.tl for s in inst.schools),
        "vakmanschapsroute_is_technical": inst.participation.vakmanschapsroute_is_technical,
        "mbo_locations": rep.mbo_kept,
        "mbo_locations_dropped": rep.mbo_dropped,
        "mbo_locations_dropped_names": list(rep.mbo_dropped_names),
        "geocoded_by_address": rep.geocoded_by.get("address", 0),
        "geocoded_by_postcode": rep.geocoded_by.get("postcode", 0),
        "geocoded_by_place": rep.geocoded_by.get("place", 0),
        "schools_dropped": list(rep.schools_dropped),
        "municipalities": len(inst.municipalities),
        "actual_rows_by_match": dict(sorted(rep.actual_rows_by_match.items())),
        "actual_regions": len(loaded.actual.region_names),
        "warnings": [str(w) for w in rep.warnings],
    }
