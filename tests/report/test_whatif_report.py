"""The what-if report: every data text escaped, nothing linked."""

from __future__ import annotations

import html
from pathlib import Path

from regionopt.render import external_resources
from tests.render.maps import EVIL
from tests.report.reports import SRCDOC, whatif_report


def test_whatif_report_escapes_data_and_links_nothing(tmp_path: Path) -> None:
    page = whatif_report(tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert html.escape(EVIL) in page  # the repair moves 02AA00: its name shows as text
    assert external_resources(page) == []
    assert "<script" not in SRCDOC.sub("", page)  # the report itself runs no script
    (srcdoc,) = SRCDOC.findall(page)
    embedded = html.unescape(srcdoc)
    assert "Leaflet 1.9.4" in embedded and external_resources(embedded) == []
    assert 'sandbox="allow-scripts"' in page
    # The repair keeps B (no region dissolved) and its penvoerder change is reported.
    assert "Opgeheven" not in page and "--allow-dissolve" in page
    assert "De penvoerder wisselt" in page
