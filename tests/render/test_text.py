"""Every text from data is escaped before it reaches the page."""

from __future__ import annotations

from pathlib import Path

from tests.render.maps import EVIL, tiny_map_html


def test_every_data_text_is_escaped(tmp_path: Path) -> None:
    page, _ = tiny_map_html(tmp_path, title=f"Titel {EVIL}")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    # The escaped text is there (as HTML entities, possibly JSON-escaped in a script).
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("\\u0026", "&")
    assert "<title>Titel &lt;script&gt;" in page
