"""Values as text for the page: HTML-escaped, numbers in Dutch notation, missing as unknown."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from regionopt.instance import PROFILES
from regionopt.render.style import PROFILE_LABELS


def esc(value: object) -> str:
    """HTML-escape any value for the page (``None`` and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def as_number(value: object) -> float | None:
    """A figure as a float; ``None`` for a missing value, NaN or anything not a number."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return None if np.isnan(number) else number


def whole(value: object) -> str:
    """A whole number in Dutch notation (``12.345``), or ``onbekend``."""
    number = as_number(value)
    return "onbekend" if number is None else f"{int(number):,}".replace(",", ".")


def euro(value: object) -> str:
    """Whole euros in Dutch notation (``€ 1.234``), or ``onbekend``."""
    number = as_number(value)
    return "onbekend" if number is None else "€ " + f"{round(number):,}".replace(",", ".")


def yes_no(value: object) -> str:
    """``ja``/``nee``, or ``onbekend`` for a missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "onbekend"
    return "ja" if bool(value) else "nee"


def cell(row: Mapping[str, Any], key: str, default: object = None) -> object:
    """``row[key]``; ``default`` when it is absent or NaN."""
    value = row.get(key, default)
    if isinstance(value, float) and np.isnan(value):
        return default
    return value


def rows_html(rows: Iterable[tuple[str, str]]) -> str:
    """Table rows; labels are ours, values must already be escaped."""
    return "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)


def profile_rows(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """One indented table row per technical profile: its pupils."""
    return [(f"&nbsp;&nbsp;{esc(PROFILE_LABELS[p])}", whole(cell(row, p))) for p in PROFILES]
