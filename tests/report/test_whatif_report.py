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


def test_whatif_report_is_dutch(tmp_path: Path) -> None:
    page = whatif_report(tmp_path).read_text(encoding="utf-8")
    body = html.unescape(SRCDOC.sub("", page))
    # The title names the plan (quoted); the changes, rules, statuses and repair are Dutch.
    assert "<h1>Wat-als-analyse op plan 'line'</h1>" in body
    assert "05AA00 stapt uit; gemaakt" in body and "<td>uitstappen</td>" in body
    for english in ("What-if", "leave 05AA00", "min_vmbo", "partition", "further move"):
        assert english not in body, english
    assert "<td>Minstens 2 vmbo-scholen</td>" in body
    assert "<td>Techniekleerlingen: 30 tot 600</td>" in body
    assert '<span class="broken">gebroken</span>' in body
    assert "verdere verplaatsing(en) maken het plan weer geldig" in body
    # The findings behind a broken rule, in Dutch.
    vmbo = "[gebroken] Minstens 2 vmbo-scholen: regio B: 1 vmbo-vestiging(en), minstens 2 nodig"
    assert vmbo in body
    assert "[gebroken] Techniekleerlingen: 30 tot 600: regio B: 5 techniekleerlingen lj 3-4" in body
    # The settings under Dutch labels.
    assert "Opheffen van een regio toegestaan</td><td>nee" in body
