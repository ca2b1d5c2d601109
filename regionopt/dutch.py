"""Dutch text for people: numbers, percentages, euros, rule and status labels, changes.

Defined once, for every Dutch output (the HTML reports, the maps, the web app): numbers in
Dutch notation (``57.916,2``; ``2,92%``; ``€ 1.338.930``), and one Dutch label per rule of
``regionopt.check`` with its thresholds (``Techniekleerlingen: 200 tot 600``). The web app
reads the labels from the server, so the page and the reports say the same.

Pure: plain values in, strings out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from regionopt.model.rules import RegionRules


def number(value: float, decimals: int | None = None) -> str:
    """A number in Dutch notation: ``.`` between thousands, ``,`` before the decimals.

    Parameters
    ----------
    value : float
    decimals : int, optional
        Decimals shown; by default a whole number shows none and any other number at most two
        (four below 1), trailing zeros dropped.

    Returns
    -------
    str
        ``57.916,2``; ``-1.234``; ``0,05``. Not a finite number: ``onbekend``.
    """
    if isinstance(value, bool) or not math.isfinite(value):
        return "onbekend"
    if decimals is None:
        places = 2 if abs(value) >= 1 else 4
        decimals = 0 if float(value).is_integer() else places
        text = f"{value:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0" for a value that rounds to zero
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def whole(value: float) -> str:
    """A whole number in Dutch notation (``22.913``), rounded."""
    return number(round(value), 0) if math.isfinite(value) else "onbekend"


def percent(fraction: float, decimals: int = 2) -> str:
    """A fraction as a Dutch percentage: 0.02924 -> ``2,92%``."""
    if not math.isfinite(fraction):
        return "onbekend"
    return number(100 * fraction, decimals) + "%"


def euro(value: float) -> str:
    """Whole euros in Dutch notation: ``€ 1.338.930``."""
    return "€ " + whole(value) if math.isfinite(value) else "onbekend"


def yes_no(value: bool) -> str:
    """``ja`` or ``nee``."""
    return "ja" if value else "nee"


STATUS_LABELS: Mapping[str, str] = {
    "ok": "ok",
    "broken": "gebroken",
    "unknown": "onbekend",
    "warning": "let op",
    "dissolved": "opgeheven",
}
"""A rule's status in a region (``regionopt.check`` severities, ``ok`` and ``dissolved``)."""


def rule_labels(rules: RegionRules | None = None) -> dict[str, str]:
    """Each rule of ``regionopt.check`` -> its Dutch label, with the thresholds of ``rules``.

    Parameters
    ----------
    rules : RegionRules, optional
        The thresholds (``RegionRules.from_config``); the defaults of ``RulesConfig`` when
        absent.

    Returns
    -------
    dict
        ``{"min_vmbo": "Minstens 2 vmbo-scholen", "size": "Techniekleerlingen: 200 tot 600",
        ...}``, in the checker's order.
    """
    if rules is None:
        from regionopt.config import RulesConfig

        rules = RegionRules.from_config(RulesConfig())
    lo, hi = whole(rules.min_technical), rules.max_technical
    size = (
        f"Techniekleerlingen: {lo} tot {whole(hi)}" if hi else f"Techniekleerlingen: minstens {lo}"
    )
    return {
        "partition": "Elke school in precies één regio",
        "min_vmbo": f"Minstens {rules.min_vmbo_schools} vmbo-scholen",
        "penvoerder": "Penvoerder (school met technisch profiel)",
        "mbo": f"Mbo-partner binnen {number(rules.mbo_within_km)} km",
        "size": size,
        "contiguity": "Aaneengesloten gebied",
        "together": f"Scholen binnen {number(rules.together_within_km)} km in één regio",
    }


CHANGE_VERBS: Mapping[str, str] = {
    "leave": "stapt uit",
    "join": "sluit aan bij",
    "move": "verhuist naar",
}
"""What-if change kind -> the Dutch verb (``16RT01 stapt uit``)."""

CHANGE_NOUNS: Mapping[str, str] = {
    "leave": "uitstappen",
    "join": "aansluiten",
    "move": "verhuizen",
}
"""What-if change kind -> the Dutch noun, for a column of changes."""


def change_text(kind: str, code: str, region: str | None = None) -> str:
    """A requested change in Dutch: ``16RT01 stapt uit``, ``02QZ00 verhuist naar R07``."""
    verb = CHANGE_VERBS.get(kind, kind)
    return f"{code} {verb}" + (f" {region}" if region else "")
