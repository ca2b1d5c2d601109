"""The result files of a what-if: ``regions.csv``, ``changes.csv`` and ``report.md``."""

from __future__ import annotations

import csv
from pathlib import Path

from regionopt.evaluate import plan_rows
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.whatif.markdown import report_markdown
from regionopt.whatif.result import WhatIfResult

CHANGES_CSV_COLUMNS = (
    "source",
    "kind",
    "vestiging_code",
    "name",
    "from_region",
    "to_region",
    "technical_pupils",
    "from_region_name",
    "to_region_name",
)


def write_regions_csv(path: Path, instance: Instance, plan: Plan) -> None:
    """``regions.csv`` with the columns ``propose`` writes (``evaluate.plan_rows``).

    UTF-8 with a byte-order mark, so spreadsheet programs read the school names right.
    """
    header, rows = plan_rows(instance, plan)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def change_rows(result: WhatIfResult, instance: Instance) -> list[list[object]]:
    """Rows of ``changes.csv``: requested changes, then the repair's moves."""
    rows: list[list[object]] = []

    def row(source: str, kind: str, code: str, was: str, to: str) -> list[object]:
        s = instance.school(code)
        names = (result.names.get(was, was) if was else "", result.names.get(to, to) if to else "")
        return [source, kind, code, s.name, was, to, s.technical_pupils, *names]

    for c in result.changes:
        rows.append(
            row(
                "requested",
                c.kind,
                c.code,
                result.before.assignment.get(c.code, ""),
                c.region_id or "",
            )
        )
    if result.repair is not None and result.repair.status == "repaired":
        for m in result.repair.moves:
            rows.append(row("repair", "move", m.code, m.from_region, m.to_region))
    return rows


def write_outputs(result: WhatIfResult, instance: Instance, out: Path) -> list[Path]:
    """Write ``regions.csv``, ``report.md`` and ``changes.csv`` to ``out``; return the paths.

    ``out`` must exist (the CLI creates it with ``prepare_out_dir``). The CSV files are UTF-8
    with a byte-order mark. The map and the HTML report are written by the CLI with
    ``regionopt.mapdata`` and ``regionopt.report``.
    """
    regions_csv = out / "regions.csv"
    write_regions_csv(regions_csv, instance, result.final)
    report = out / "report.md"
    report.write_text(report_markdown(result, instance), encoding="utf-8")
    changes = out / "changes.csv"
    with changes.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(CHANGES_CSV_COLUMNS)
        w.writerows(change_rows(result, instance))
    return [regions_csv, report, changes]
