"""Helpers of the tests that edit the miniature data directory and run the CLI on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from pyproj import Transformer
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.load import FILES

runner = CliRunner()
TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def invoke(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def assert_input_error(result: Result, *needles: str) -> None:
    """Exit code 2, every needle in the message, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    text = result.output.replace("\n", " ")
    for needle in needles:
        assert needle in text, (needle, result.output)


def map_fails(data: Path, tmp_path: Path, *needles: str) -> None:
    """``map`` on a broken data directory: exit 2 with the needles, and no map written."""
    out = tmp_path / "maps" / "m.html"
    assert_input_error(invoke("map", "--data", data, "--out", out), *needles)
    assert not out.parent.exists()


def edit_json(path: Path, change: Callable[[object], object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = change(data)
    path.write_text(json.dumps(data if result is None else result), encoding="utf-8")


def to_rd_new(coords: list) -> list:
    """Lon/lat coordinates (nested lists) to RD New metres."""
    if coords and isinstance(coords[0], int | float):
        x, y = TO_RD.transform(coords[0], coords[1])
        return [x, y]
    return [to_rd_new(c) for c in coords]


def set_count(data: Path, code: str, column: str, value: str) -> None:
    """Put ``value`` into one pupil-count cell of the first count row of ``code``."""
    path = data / FILES["counts"]
    lines = path.read_bytes().decode("latin-1").splitlines()
    header = lines[0].split(";")
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[0] + cells[1].zfill(2) == code:
            cells[header.index(column)] = value
            lines[i] = ";".join(cells)
            break
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))


def rewrite_latin1(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur) by ``new`` in a latin-1 file (the DUO files)."""
    text = path.read_bytes().decode("latin-1")
    assert old in text
    path.write_bytes(text.replace(old, new).encode("latin-1"))


def write_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` in ``encoding`` to ``path``; return the path."""
    path.write_bytes(text.encode(encoding))
    return path


def add_joinable_schools(data: Path) -> tuple[str, str]:
    """Add a vso school only the geocoded file knows (77VS00, "De Brug [vso]", Oostdorp) and a
    tl-only school in the counts (66TL00, "Mavo Zes") to a miniature data directory.

    Neither takes part under the default ``[participation]`` settings. Returns their codes.
    """

    def add_vso(geo: dict) -> None:
        geo["features"].append(
            {
                "type": "Feature",
                "properties": {
                    "vestigingscode": "77VS00",
                    "naam": "De Brug [vso]",
                    "type": "VSO",
                    "leerlingen": 120,
                    "plaats": "Oostdorp",
                    "postcode": "3511AA",
                },
                "geometry": {"type": "Point", "coordinates": [5.13, 52.06]},
            }
        )

    edit_json(data / FILES["geocoded"], add_vso)
    counts = data / FILES["counts"]
    header, *rows = counts.read_bytes().decode("latin-1").splitlines()
    tl_row = rows[-2].replace("33CC;0", "66TL;0").replace("Derde", "Mavo Zes")
    counts.write_bytes(("\n".join([header, *rows, tl_row]) + "\n").encode("latin-1"))
    return "77VS00", "66TL00"
