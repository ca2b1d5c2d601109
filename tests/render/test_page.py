"""The page: Leaflet inlined, nothing external linked."""

from __future__ import annotations

import re
from pathlib import Path

from regionopt.render import (
    external_resources,
)
from tests.render.maps import tiny_map_html


def test_page_links_nothing_external(tmp_path: Path) -> None:
    page, _ = tiny_map_html(tmp_path)
    assert external_resources(page) == []
    assert not re.search(r"<script[^>]*\ssrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page, re.IGNORECASE)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page
    assert "Leaflet 1.9.4" in page  # inlined from the django-js-lib-leaflet package
    assert "images/layers.png" not in page  # CSS images became data: URIs


def test_external_resources_finds_cdn_links() -> None:
    page = '<script src="https://cdn.x/l.js"></script><link rel=stylesheet href=//cdn.x/a.css>'
    assert len(external_resources(page)) == 2
    assert external_resources("<script>var u = 'https://tile.x/{z}.png';</script>") == []
