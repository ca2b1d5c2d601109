"""The files the page loads, served by name from a fixed table of package files.

The page (``static/``) and Leaflet (the ``django-js-lib-leaflet`` package, as the maps use)
come from installed package files; nothing comes from a CDN. A request names an entry of
``ASSETS``; no file path ever comes from a request.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from importlib.resources.abc import Traversable

from starlette.responses import JSONResponse, Response

_LEAFLET = ("js_lib_leaflet", "static/js_lib_leaflet")
_APP = ("regionopt.app", "static")
_RENDER = ("regionopt.render", "")

ASSETS: dict[str, tuple[tuple[str, str], str, str]] = {
    "index.html": (_APP, "index.html", "text/html; charset=utf-8"),
    "core.js": (_APP, "core.js", "text/javascript; charset=utf-8"),
    "panels.js": (_APP, "panels.js", "text/javascript; charset=utf-8"),
    "app.js": (_APP, "app.js", "text/javascript; charset=utf-8"),
    "declutter.js": (_RENDER, "declutter.js", "text/javascript; charset=utf-8"),
    "app.css": (_APP, "app.css", "text/css; charset=utf-8"),
    "leaflet.js": (_LEAFLET, "leaflet.js", "text/javascript; charset=utf-8"),
    "leaflet.css": (_LEAFLET, "leaflet.css", "text/css; charset=utf-8"),
    "images/layers.png": (_LEAFLET, "images/layers.png", "image/png"),
    "images/layers-2x.png": (_LEAFLET, "images/layers-2x.png", "image/png"),
    "images/marker-icon.png": (_LEAFLET, "images/marker-icon.png", "image/png"),
    "images/marker-icon-2x.png": (_LEAFLET, "images/marker-icon-2x.png", "image/png"),
    "images/marker-shadow.png": (_LEAFLET, "images/marker-shadow.png", "image/png"),
}
"""Name in the URL (``/static/<name>``) -> (package, folder), file, media type."""

SECURITY_HEADERS = {
    # The page runs only its own files; no inline script, nothing from elsewhere.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _file(package: str, folder: str, name: str) -> Traversable:
    root = importlib.resources.files(package)
    for part in (*folder.split("/"), *name.split("/")):
        if part:
            root = root / part
    return root


@cache
def _read(name: str) -> bytes:
    (package, folder), file, _ = ASSETS[name]
    return _file(package, folder, file).read_bytes()


def asset(name: str) -> Response:
    """The named asset, or a JSON 404 for a name not in ``ASSETS``."""
    if name not in ASSETS:
        return JSONResponse({"error": f"no such file: {name[:80]}"}, status_code=404)
    return Response(_read(name), media_type=ASSETS[name][2], headers=SECURITY_HEADERS)
