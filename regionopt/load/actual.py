"""The documented actual STO regions, with their uncertainty kept."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from regionopt.errors import InputError, Problem
from regionopt.load.reading import guarded, read_csv
from regionopt.plan import AmbiguousMember, Plan


def read_actual_regions(path: Path) -> Plan:
    """The documented actual STO regions as a partial plan, uncertainty kept.

    ``match == ambiguous`` rows (several candidate codes separated by ``;``) become
    ``AmbiguousMember`` entries, never a guessed member; ``unmatched`` rows are listed as
    such; a region whose ``completeness`` is ``partial`` on any row is a partial region.
    """
    return read_actual(path)[0]


def _read_actual_frame(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    return read_csv(
        path,
        sep=",",
        encoding="utf-8",
        required=("region_id", "region_name", "vestiging_code", "match", "completeness"),
        problems=problems,
    )


def read_actual(path: Path) -> tuple[Plan, dict[str, int]]:
    """``read_actual_regions`` plus the number of rows per match quality.

    ``match == ambiguous`` rows (several candidate codes separated by ``;``) become
    ``AmbiguousMember`` entries, never a guessed member; ``unmatched`` rows are listed as
    such; a region whose ``completeness`` is ``partial`` on any row is a partial region.
    """
    problems: list[Problem] = []
    causes: list[BaseException] = []
    df = guarded(_read_actual_frame, path, problems, causes)
    if df is None:
        raise InputError(problems, title="Cannot read the actual regions") from (
            causes[0] if causes else None
        )
    rows: list[tuple[str, str]] = []
    ambiguous: list[AmbiguousMember] = []
    unmatched: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    partial: set[str] = set()
    for _, r in df.iterrows():
        region = r["region_id"].strip()
        names[region] = r["region_name"].strip()
        label = (r.get("school_name_on_page") or "").strip()
        codes = [c.strip().upper() for c in r["vestiging_code"].split(";") if c.strip()]
        if r["completeness"].strip() != "complete":
            partial.add(region)
        match = r["match"].strip()
        if match == "unmatched" or not codes:
            unmatched.append((region, label))
        elif match == "ambiguous" or len(codes) > 1:
            ambiguous.append(AmbiguousMember(region, tuple(codes), label))
        else:
            rows.append((codes[0], region))
    # A region with ambiguous or unmatched members is only partly known.
    partial |= {a.region_id for a in ambiguous} | {u[0] for u in unmatched}
    plan = Plan(
        rows=tuple(rows),
        name="actual",
        region_names=names,
        partial_regions=frozenset(partial),
        ambiguous=tuple(ambiguous),
        unmatched=tuple(unmatched),
        complete=False,
    )
    return plan, dict(sorted(Counter(df["match"].str.strip()).items()))
