"""Dutch text: numbers, percentages, euros and the rule labels with their thresholds."""

from __future__ import annotations

import pytest

from regionopt.check import RULES
from regionopt.config import RulesConfig
from regionopt.dutch import change_text, euro, number, percent, rule_labels, whole
from regionopt.model.rules import RegionRules


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (57916.217972, 1, "57.916,2"),
        (43563.744, None, "43.563,74"),
        (22.6807, None, "22,68"),
        (0.05, None, "0,05"),
        (15, None, "15"),
        (1_000_000.0, None, "1.000.000"),
        (-3.5, None, "-3,5"),
        (-0.001, 1, "0,0"),
        (float("nan"), None, "onbekend"),
    ],
)
def test_number_is_dutch(value: float, decimals: int | None, text: str) -> None:
    assert number(value, decimals) == text


def test_percent_euro_whole() -> None:
    assert percent(0.02924265637320338) == "2,92%"
    assert percent(0.984, 1) == "98,4%"
    assert euro(1338930.4) == "€ 1.338.930"
    assert whole(22913) == "22.913"


def test_rule_labels_name_both_bounds_of_the_size_rule() -> None:
    labels = rule_labels(RegionRules.from_config(RulesConfig()))
    assert list(labels) == [r.__name__.removeprefix("rule_") for r in RULES]  # every rule
    assert labels["size"] == "Techniekleerlingen: 200 tot 600"
    assert labels["min_vmbo"] == "Minstens 2 vmbo-scholen"
    assert labels["together"] == "Scholen binnen 0,5 km in één regio"
    open_ended = RegionRules.from_config(RulesConfig(max_technical_pupils=None))
    assert rule_labels(open_ended)["size"] == "Techniekleerlingen: minstens 200"


def test_change_text() -> None:
    assert change_text("leave", "16RT01") == "16RT01 stapt uit"
    assert change_text("move", "02QZ00", "R07") == "02QZ00 verhuist naar R07"
