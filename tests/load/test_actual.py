"""The documented actual regions, with their uncertainty kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from regionopt.load import FILES, load_all


def test_actual_regions_keep_ambiguity(tiny_data: Path) -> None:
    actual = load_all(tiny_data).actual
    assert actual.assignment == {"11AA00": "sto-west"}
    assert actual.ambiguous[0].candidates == ("22BB00", "33CC00")
    assert "sto-west" in actual.partial_regions and not actual.complete


@pytest.mark.realdata
def test_actual_regions_loaded_with_uncertainty(workspace, real_data: Path) -> None:
    actual = workspace.loaded.actual
    with (real_data / FILES["actual"]).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ambiguous = [r for r in rows if r["match"] == "ambiguous"]
    assert len(actual.ambiguous) == len(ambiguous)
    assert {a.candidates for a in actual.ambiguous} == {
        tuple(r["vestiging_code"].split(";")) for r in ambiguous
    }
    assert len(actual.unmatched) == sum(r["match"] == "unmatched" for r in rows)
    assert not actual.complete
