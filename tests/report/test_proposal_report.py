"""The proposal report: regions, money, the bound and the comparison, in Dutch."""

from __future__ import annotations

import html
import re
from pathlib import Path

from regionopt.render import external_resources
from tests.report.reports import OBJECTIVE, SRCDOC, proposal_report


def _text(page: str) -> str:
    """The report's visible text without the embedded map."""
    body = re.sub(r"<style>.*?</style>", "", SRCDOC.sub("", page), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_proposal_report_has_regions_money_bound_and_comparison(tmp_path: Path) -> None:
    page = proposal_report(tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and external_resources(page) == []
    assert "<script" not in SRCDOC.sub("", page)
    # Every region by its recognisable name (all schools are in Testdorp: made unique).
    for region in ("A", "B", "C"):
        assert f"({region})</td>" in page
    assert "Testdorp West (A)" in page
    assert "Vergelijking met de gedocumenteerde regio" in page
    assert "€ 100.000.000" in page  # the structural total over the whole plan


def test_bound_is_one_plain_dutch_sentence_with_dutch_numbers(tmp_path: Path) -> None:
    text = _text(proposal_report(tmp_path).read_text(encoding="utf-8"))
    assert (
        "Geen enkele indeling binnen de beperking van de zoektocht (regio's binnen 50 km van de "
        "penvoerder) heeft een doelwaarde onder de ondergrens van 57.916,2 . Dit plan heeft "
        "59.660,9 en ligt dus hooguit 2,92% boven de best mogelijke indeling." in text
    )
    assert "57,916" not in text and "2.92%" not in text and "0.02924" not in text


def test_objective_comparison_and_settings_are_dutch_tables(tmp_path: Path) -> None:
    text = _text(proposal_report(tmp_path).read_text(encoding="utf-8"))
    for label in (
        "Afgesneden pendelleerlingen 43.563,74",
        "Km tot penvoerder 3.941,28 0,05 197,1",
        "Gesplitste gemeenten 15 20 300",
        "Gesplitste arbeidsmarktregio's 52 300 15.600",
        "Afwijking van de gemiddelde regiogrootte 22,68 0 0",
        "Doelwaarde 59.660,9",
        "Status geldig plan, niet bewezen optimaal",
        "Marge tot de ondergrens (hooguit zo ver van het best mogelijke) 2,92%",
        "Dit plan (proposed) 98,4% 99,4% 97,5% 154 1 4 11",
        "RPA-gebied 98,4% 99,4% 97,5% 156 28 2",
        "Paren onterecht samen",
        "Dit plan 77 2 / 6 / 21 200 / 250 / 575",
        "Aantal regio's 77",
        "Referentieplan geen",
        "Stoppen bij een marge van 0,10%",
        "Samenhang van een regio samenhangend in het scholennetwerk",
        "Maximum techniekleerlingen lj 3-4 per regio 600",
        "Per gesplitste arbeidsmarktregio 300",
    ):
        assert label in text, label
    # The raw keys stay in summary.json.
    for raw in ("cut_pupils", "compactness_km", "size_balance", "tp", "fp", "relative_gap"):
        assert not re.search(rf"\b{raw}\b", text), raw
    assert "Voorgestelde STO-regio's" in text and "proposed regions" not in text.lower()


def test_bound_over_all_regions_and_branch_and_price_are_labelled() -> None:
    from regionopt.report import objective_section

    html_text = objective_section(
        OBJECTIVE
        | {"branch_and_price": "3 knopen doorzocht", "all_regions_bound": 57020.04}
        | {"all_regions_gap": 0.0443}
    )
    assert "Ondergrens over alle samenhangende regio&#x27;s</td><td>57.020,0" in html_text
    assert "Marge tot die ondergrens</td><td>4,43%" in html_text
    assert "Branch-and-price</td><td>3 knopen doorzocht" in html_text


def test_contributions_are_the_objectives_own_and_add_up_to_the_total() -> None:
    from regionopt.report.proposal_report import components_table

    components = OBJECTIVE["components"]
    weights = {"cut_pupils": 1.0, "compactness_km": 0.05, "labour_market_split": 300.0}
    assert round(sum(components["contributions"].values()), 2) == components["total"]
    text = _text(components_table(components, weights))
    assert "Km tot penvoerder 3.941,28 0,05 197,1" in text
    # Without the objective's contributions the report computes none of its own.
    bare = {k: v for k, v in components.items() if k != "contributions"}
    assert "Km tot penvoerder 3.941,28 0,05 afstand" in _text(components_table(bare, weights))
