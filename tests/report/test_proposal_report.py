"""The proposal report: regions, money, the bound and the comparison."""

from __future__ import annotations

from pathlib import Path

from regionopt.render import external_resources
from tests.report.reports import SRCDOC, proposal_report


def test_proposal_report_has_regions_money_bound_and_comparison(tmp_path: Path) -> None:
    page = proposal_report(tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and external_resources(page) == []
    assert "<script" not in SRCDOC.sub("", page)
    # Every region by its recognisable name (all schools are in Testdorp: made unique).
    for region in ("A", "B", "C"):
        assert f"({region})</td>" in page
    assert "Testdorp west (A)" in page
    assert "hooguit 5.00% boven het best mogelijke" in page  # (1000 - 950) / 1000
    assert "Vergelijking met de gedocumenteerde regio" in page and "0.61" in page
    assert "€ 100.000.000" in page  # the structural total over the whole plan
