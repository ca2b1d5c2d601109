"""Reading one file: text, encodings, CSV columns; every problem collected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from regionopt.errors import InputError
from regionopt.load import FILES, load_all
from tests.helpers import map_fails, rewrite_latin1


def test_missing_column_is_named(tiny_data: Path) -> None:
    rewrite_latin1(tiny_data / FILES["locations"], "POSTCODE;", "PC;")
    with pytest.raises(InputError) as err:
        load_all(tiny_data)
    assert "missing column(s): POSTCODE" in str(err.value)


def test_binary_file_is_rejected(tiny_data: Path) -> None:
    (tiny_data / FILES["counts"]).write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(InputError, match="not a text file"):
        load_all(tiny_data)


def test_utf8_file_is_read_with_a_warning(tiny_data: Path) -> None:
    loc = tiny_data / FILES["locations"]
    loc.write_bytes(loc.read_bytes().decode("latin-1").encode("utf-8"))
    loaded = load_all(tiny_data)
    assert loaded.instance.school("22BB00").name == "Tweede Schöol"
    assert any("UTF-8" in w.message for w in loaded.report.warnings)


def test_folder_in_place_of_a_file(tiny_data: Path, tmp_path: Path) -> None:
    path = tiny_data / FILES["mbo"]
    path.unlink()
    path.mkdir()
    map_fails(tiny_data, tmp_path, "mbo-locaties-2025.json")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tiny_data: Path, tmp_path: Path) -> None:
    path = tiny_data / FILES["counts"]
    path.chmod(0)
    try:
        map_fails(tiny_data, tmp_path, "leerlingen-vo", "cannot read the file")
    finally:
        path.chmod(0o644)


def test_utf8_bom_files_read(tiny_data: Path) -> None:
    for key in ("pc4", "actual"):
        path = tiny_data / FILES[key]
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    loaded = load_all(tiny_data)
    assert loaded.instance.school("33CC00").geocode == "postcode"
    assert loaded.actual.assignment == {"11AA00": "sto-west"}
