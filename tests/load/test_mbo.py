"""The mbo locations file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionopt.load import FILES
from tests.helpers import map_fails


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ({"brinvest": "55MB00"}, ("holds a JSON dict, not a list",)),
        ([1, "x"], ("record 0", "is a JSON int, not an object", "record 1")),
        (
            [{"brinvest": "55MB00", "location_data": {"coordinates": ["abc", 52.0]}}],
            ("record 0", "55MB00", "not numbers"),
        ),
        ("not json", ("not valid JSON",)),
    ],
)
def test_bad_mbo_file(tiny_data: Path, tmp_path: Path, content: object, needles: tuple) -> None:
    path = tiny_data / FILES["mbo"]
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    map_fails(tiny_data, tmp_path, "mbo-locaties-2025.json", *needles)
