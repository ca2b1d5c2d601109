"""CSV as spreadsheets save it: separators, encodings and a BOM."""

from __future__ import annotations

from pathlib import Path

from regionopt.plan import read_plan
from tests.helpers import write_file


def test_plan_as_saved_by_dutch_excel(tmp_path: Path) -> None:
    text = (
        "Vestiging_code;Region_id;region_name\r\n"
        "\r\n"
        '00ah17;R01;"Regio Mariëndael"\r\n'
        "00AH08 ; R01 ;\r\n"
        ";;\r\n"
    )
    for encoding in ("utf-8-sig", "cp1252"):
        plan = read_plan(write_file(tmp_path / f"p-{encoding}.csv", text, encoding))
        assert plan.rows == (("00AH17", "R01"), ("00AH08", "R01"))
        assert plan.region_names == {"R01": "Regio Mariëndael"}
        assert plan.lines == (3, 4)


def test_plan_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    # "Unicode-tekst": UTF-16 with a byte-order mark, tab-separated.
    text = "vestiging_code\tregion_id\tregion_name\r\n00AH17\tR01\tRegio Mariëndael\r\n"
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"p-{encoding}.txt"
        raw = text.encode(encoding)
        path.write_bytes(raw if encoding == "utf-16" else b"\xfe\xff" + raw)
        plan = read_plan(path)
        assert plan.rows == (("00AH17", "R01"),)
        assert plan.region_names == {"R01": "Regio Mariëndael"}
