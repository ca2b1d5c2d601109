"""The report page: its style, escaped values, tables, the embedded map, written whole."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from regionopt import dutch
from regionopt.report.labels import GROUPS, PARAMETERS, PERCENT_PARAMETERS, VALUE_WORDS

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
    return "" if value is None else dutch.euro(value)


def whole(value: int) -> str:
    """A whole number in Dutch notation."""
    return dutch.whole(value)


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table; header labels are ours, cells must already be escaped HTML (no header row
    when every label is empty)."""
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
    thead = f"<thead><tr>{head}</tr></thead>" if any(header) else ""
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def value_text(value: object, key: str = "") -> str:
    """Any plain value as escaped Dutch text: numbers in Dutch notation, ``ja``/``nee``,
    ``geen`` for nothing, lists joined; ``key`` picks percentages and the ``regions`` range."""
    if value is None or (isinstance(value, list | tuple | Mapping) and not value):
        return "geen"
    if isinstance(value, bool):
        return dutch.yes_no(value)
    if isinstance(value, int | float):
        return dutch.percent(value) if key in PERCENT_PARAMETERS else dutch.number(value)
    if key == "regions" and isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = value
        return value_text(lo) if lo == hi else f"{value_text(lo)} tot {value_text(hi)}"
    if isinstance(value, Mapping):
        return esc(", ".join(f"{k} = {v}" for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return esc(VALUE_WORDS.get(str(value), str(value)))


def value_html(value: object) -> str:
    """Any plain value as HTML: mappings as Dutch two-column tables, the rest ``value_text``."""
    if isinstance(value, Mapping) and value:
        rows = [
            (
                esc(PARAMETERS.get(str(k), str(k))),
                value_html(v) if isinstance(v, Mapping) else value_text(v, str(k)),
            )
            for k, v in value.items()
        ]
        return html_table(("Instelling", "Waarde"), rows, set())
    return value_text(value)


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
    """The parameters that made the result, as Dutch tables: the plain settings first, then
    one table per group (rules, weights, ...)."""
    if not parameters:
        return ""
    plain = {k: v for k, v in parameters.items() if not isinstance(v, Mapping) or not v}
    parts = ["<h2>Instellingen</h2>"]
    if plain:
        parts.append(value_html(plain))
    groups = sorted(parameters, key=lambda k: list(GROUPS).index(k) if k in GROUPS else -1)
    for key in groups:
        value = parameters[key]
        if isinstance(value, Mapping) and value:
            parts.append(f"<h3>{esc(GROUPS.get(key, PARAMETERS.get(key, key)))}</h3>")
            parts.append(value_html(value))
    return "".join(parts)


def write_page(path: Path | str, text: str) -> Path:
    """Write the page whole (a temporary file renamed into place: never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
