"""The official partitions of the DUO location file as plans (baselines for ``validate``).

DUO's "Alle vestigingen vo" gives every school location the codes of several official regional
divisions. Each division becomes a ``Plan`` (vestiging code -> division code, with names), so a
proposal can be compared with, say, the RPA labour-market regions on the same footing. A school
with no code for a division (or missing from the file) is simply not in that plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regionopt.errors import InputError, Problem
from regionopt.load import read_locations
from regionopt.plan import Plan


@dataclass(frozen=True)
class OfficialPartition:
    """One official regional division in the DUO location file."""

    key: str
    name: str
    """Human-readable Dutch name, used as the plan's name."""
    code_column: str
    name_column: str


OFFICIAL_PARTITIONS: tuple[OfficialPartition, ...] = (
    OfficialPartition("corop", "COROP-gebied", "COROPGEBIED CODE", "COROPGEBIED NAAM"),
    OfficialPartition("rmc", "RMC-regio", "RMC-REGIO CODE", "RMC-REGIO NAAM"),
    OfficialPartition("rpa", "RPA-gebied", "RPA-GEBIED CODE", "RPA-GEBIED NAAM"),
    OfficialPartition("wgr", "WGR-gebied", "WGR-GEBIED CODE", "WGR-GEBIED NAAM"),
    OfficialPartition("nodaal", "Nodaal gebied", "NODAAL GEBIED CODE", "NODAAL GEBIED NAAM"),
    OfficialPartition(
        "onderwijsgebied", "Onderwijsgebied", "ONDERWIJSGEBIED CODE", "ONDERWIJSGEBIED NAAM"
    ),
    OfficialPartition("gemeente", "Gemeente", "GEMEENTENUMMER", "GEMEENTENAAM"),
)
"""Every official division used as a baseline, in display order."""

# load.read_locations reports a UTF-8 file as advice, not as a failure (as load_all does).
_ADVICE = "was read as UTF-8"


def read_official_partitions(
    path: Path, partitions: tuple[OfficialPartition, ...] = OFFICIAL_PARTITIONS
) -> tuple[Plan, ...]:
    """One plan per official division of the DUO location file.

    Parameters
    ----------
    path : Path
        ``duo/alle-vestigingen-vo-2020.csv`` (``;``-separated, latin-1).
    partitions : tuple of OfficialPartition
        Which divisions to read (default: all of ``OFFICIAL_PARTITIONS``).

    Returns
    -------
    tuple of Plan
        In the order of ``partitions``; each plan is named after its division and holds the
        division names as region names. Rows with an empty division code are left out.

    Raises
    ------
    InputError
        The file is missing, unreadable, lacks a division's columns or has bad codes.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            [Problem(str(path), "", "file not found", "point --data at the shared data folder")]
        )
    problems: list[Problem] = []
    df = read_locations(path, problems)
    fatal = [p for p in problems if _ADVICE not in p.message]
    if df is not None:
        columns = [c for part in partitions for c in (part.code_column, part.name_column)]
        missing = [c for c in columns if c not in df.columns]
        if missing:
            fatal.append(
                Problem(
                    str(path),
                    "header",
                    f"missing official division column(s): {', '.join(missing)}",
                    "use DUO's 'Alle vestigingen vo' file, which has these columns",
                )
            )
    if df is None or fatal:
        raise InputError(fatal, title="Cannot read the official divisions")
    plans = []
    for part in partitions:
        rows = [
            (code, region)
            for code, region in zip(df["code"], df[part.code_column], strict=True)
            if region
        ]
        names: dict[str, str] = {}
        for region, name in zip(df[part.code_column], df[part.name_column], strict=True):
            if region:
                names.setdefault(region, name.title() if name.isupper() else name)
        plans.append(Plan(rows=tuple(rows), name=part.name, region_names=names))
    return tuple(plans)
