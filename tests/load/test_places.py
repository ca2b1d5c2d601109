"""PC4 centroids, municipalities and provinces."""

from __future__ import annotations

from pathlib import Path

from regionopt.load import FILES
from tests.helpers import map_fails


def test_pc4_coordinates_must_be_numbers_in_the_netherlands(
    tiny_data: Path, tmp_path: Path
) -> None:
    path = tiny_data / FILES["pc4"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("52.05,5.04", "abc,5.04").replace("5.16", "50.0"),
        encoding="utf-8",
    )
    map_fails(tiny_data, tmp_path, "pc4-centroids-2019.csv", "row 2 (postcode 3500)", "row 3")
