"""The result files: regions.csv, changes.csv and report.md."""

from __future__ import annotations

import csv
from pathlib import Path

from regionopt.config import Config
from regionopt.whatif import (
    Change,
    whatif,
    write_outputs,
)
from tests.cases import RULES, grid_case


def test_write_outputs(tmp_path: Path) -> None:
    inst, graph, plan = grid_case([12, 10, 9, 20, 15, 12, 8, 9, 30])
    result = whatif(
        inst, graph, plan, [Change("leave", "00AA00")], Config(rules=RULES), do_repair=True
    )
    assert result.repair is not None and result.repair.status == "repaired"
    paths = write_outputs(result, inst, tmp_path)
    names = {p.name for p in paths}
    assert {"regions.csv", "report.md", "changes.csv"} <= names
    for name in ("regions.csv", "changes.csv"):
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    with (tmp_path / "regions.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "vestiging_code",
        "region_id",
        "region_name",
        "name",
        "place",
        "gemeente",
        "gemeente_name",
        "technical_pupils",
        "penvoerder",
    ]
    members = {r["vestiging_code"] for r in rows if r["region_id"] != "-"}
    assert members == set(result.repair.plan.assignment)
    # The school that left is listed as taking no part, so the file reads back as it was.
    assert [r["vestiging_code"] for r in rows if r["region_id"] == "-"] == ["00AA00"]
    text = (tmp_path / "changes.csv").read_text(encoding="utf-8-sig")
    kinds = [line.split(",")[0] for line in text.splitlines()]
    assert kinds[1] == "requested" and "repair" in kinds
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Repair" in report and result.repair.headline() in report
    # report.md is English throughout: no Dutch yes/no beside English headings.
    for line in report.splitlines():
        if line.startswith("| before") or line.startswith("| after"):
            assert "| no |" in line or "| yes |" in line, line
            assert "| nee |" not in line and "| ja |" not in line
