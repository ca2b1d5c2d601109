"""The report page: its style, escaped values, tables, the embedded map, written whole."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

CSS = """
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; margin: 24px auto;
  max-width: 1200px; padding: 0 16px; color: #222; line-height: 1.4; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 28px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td.num { text-align: right; white-space: nowrap; }
.ok { color: #1a7f37; } .broken, .dissolved { color: #c00; font-weight: bold; }
.warning, .unknown { color: #9a6700; } .changed { background: #fff3cd; }
.note { background: #f6f8fa; border-left: 4px solid #888; padding: 8px 12px; }
iframe.map { width: 100%; height: 640px; border: 1px solid #ccc; }
"""


def esc(value: object) -> str:
    """HTML-escape any value (``None`` becomes an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def euro(value: float | None) -> str:
    """``€ 1.234.567`` (whole euros, Dutch notation), or an empty string."""
    if value is None:
        return ""
    return "€ " + f"{round(value):,}".replace(",", ".")


def whole(value: int) -> str:
    """A whole number in Dutch notation."""
    return f"{value:,}".replace(",", ".")


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table; header labels are ours, cells must already be escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def value_html(value: object) -> str:
    """Any plain value as HTML: mappings as tables, sequences as lists, numbers formatted."""
    if isinstance(value, Mapping):
        rows = [(esc(k), value_html(v)) for k, v in value.items()]
        return html_table(("", ""), rows, set())
    if isinstance(value, list | tuple):
        if not value:
            return "-"
        return "<ul>" + "".join(f"<li>{value_html(v)}</li>" for v in value) + "</ul>"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return esc(f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}")
    return esc(value)


def map_iframe(map_html: str | None) -> str:
    """The map page embedded whole (sandboxed ``srcdoc``), or a note that there is none."""
    if not map_html:
        return '<p class="note">Geen kaart bij dit rapport.</p>'
    return (
        f'<iframe class="map" title="Kaart" sandbox="allow-scripts" '
        f'srcdoc="{html.escape(map_html, quote=True)}"></iframe>'
    )


def page(title: str, subtitle: str, sections: Iterable[str]) -> str:
    """A complete HTML page with the report's style; ``sections`` are HTML fragments."""
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p>'
        + "".join(sections)
        + "</body></html>\n"
    )


def parameters_section(parameters: Mapping[str, object] | None) -> str:
    """The parameters that made the result."""
    if not parameters:
        return ""
    return f"<h2>Parameters</h2>{value_html(dict(parameters))}"


def write_page(path: Path | str, text: str) -> Path:
    """Write the page whole (a temporary file renamed into place: never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
