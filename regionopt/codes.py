"""Codes the user typed that name no participating school or no region: what they are instead.

One wording everywhere a code is refused (the commands, ``whatif``, the web app): a school in
the data that does not take part under the ``[participation]`` settings is told apart from a
code the data does not know (then the closest codes are suggested), and a region id that does
not exist gets the closest ids (``R5`` -> ``R05`` first). ``audience`` picks the fix's wording:
``"cli"`` may name options and commands, ``"app"`` (the web app) names neither.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Literal

from regionopt.errors import Problem
from regionopt.instance import Instance, Outsider, SchoolKind
from regionopt.plan import CODE_RE

Audience = Literal["cli", "app"]
"""Who reads a fix: a command-line user (options and commands) or the web app (neither)."""

PARTICIPATION_KEYS: dict[SchoolKind, tuple[str, str]] = {
    "tl": ("include_tl_only", "vmbo-tl (mavo) only"),
    "pro": ("include_pro", "praktijkonderwijs (pro)"),
    "vso": ("include_vso", "voortgezet speciaal onderwijs (vso)"),
}
"""Kind of a school that may join -> its ``[participation]`` key and how to call it."""

FIND_HINT = "`regionopt find NAME` looks a school up by name"
APP_FIND_HINT = "search the school by name"


def describe(outsider: Outsider) -> str:
    """``02RM00 (Beukenrode Onderwijs, Doorn)``: the code with its name and place."""
    known = ", ".join(part for part in (outsider.name, outsider.place) if part)
    return f"{outsider.code} ({known})" if known else outsider.code


def outsider_note(outsider: Outsider, *, audience: Audience = "cli") -> tuple[str, str]:
    """Why a school in the data does not take part, and what would let it.

    Parameters
    ----------
    outsider : Outsider
        A vestiging of ``Instance.outsiders``.
    audience : {"cli", "app"}
        The fix names a ``--config`` file and ``regionopt config`` (cli) or neither (app).

    Returns
    -------
    (message, fix)
        E.g. "02RM00 (Beukenrode Onderwijs, Doorn) is a voortgezet speciaal onderwijs (vso)
        school that does not take part under the current participation settings" and
        "it takes part with [participation] include_vso = true in a --config file ...".
    """
    who = describe(outsider)
    if outsider.dropped:
        return (
            f"{who} takes part under the participation settings, but the data places it "
            "nowhere, so it was left out when loading",
            "`regionopt data summary` shows why (its warnings); correct its location in the data"
            if audience == "cli"
            else "correct its location in the data",
        )
    if not outsider.could_join_as:
        kind = f" ({outsider.school_type})" if outsider.school_type else ""
        return (
            f"{who} is a school in the data{kind} that cannot take part: it has no vmbo, "
            "praktijkonderwijs or vso pupils",
            "check the code; " + (FIND_HINT if audience == "cli" else APP_FIND_HINT),
        )
    kinds = " and ".join(PARTICIPATION_KEYS[k][1] for k in outsider.could_join_as)
    keys = " or ".join(
        f"[participation] {PARTICIPATION_KEYS[k][0]} = true" for k in outsider.could_join_as
    )
    message = (
        f"{who} is a {kinds} school that does not take part under the current participation "
        "settings"
    )
    alone = f'[participation] schools = ["{outsider.code}"]'
    if audience == "cli":
        fix = (
            f"`regionopt whatif --join {outsider.code}=REGION` lets it join for one what-if; "
            f"it takes part with {alone} (this school) or {keys} in a --config file "
            "(`regionopt config > my.toml` writes one to edit)"
        )
    else:
        fix = f"it takes part when the server is started with {alone} or {keys} in its config file"
    return message, fix


def closest_codes(instance: Instance, code: str, n: int = 3) -> list[str]:
    """The participating codes most like ``code`` (a typing error), most alike first.

    Only codes about as alike as the best one are given (``13OR01`` for ``13OR1``, not also
    ``13OR00``); codes of the same BRIN (the first 4 characters) come before others equally
    alike.
    """
    found = difflib.get_close_matches(code, list(instance.index), n=max(n * 3, 10), cutoff=0.6)
    ratio = {c: difflib.SequenceMatcher(None, code, c).ratio() for c in found}
    best = max(ratio.values(), default=0.0)
    near = [c for c in found if ratio[c] >= best - 0.1]
    return sorted(near, key=lambda c: (-ratio[c], c[:4] != code[:4], c))[:n]


def _either(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def code_problem(
    instance: Instance, code: str, *, file: str, where: str, audience: Audience = "cli"
) -> Problem:
    """Why ``code``, which names no participating school, is refused, and the fix.

    Parameters
    ----------
    instance : Instance
        The participating schools, and the data's other vestigingen (``outsiders``).
    code : str
        The code as typed (upper case).
    file, where : str
        Where the code was given (the ``Problem``'s file and where: ``--exclude``, a row).
    audience : {"cli", "app"}
        Whether the fix may name options and commands.

    Returns
    -------
    Problem
        A school in the data that does not take part: which kind it is and the
        ``[participation]`` key that lets it join; a code the data does not know: the closest
        existing codes ("did you mean 13OR01?").
    """
    outsider = instance.outsiders.get(code)
    if outsider is not None:
        return Problem(file, where, *outsider_note(outsider, audience=audience))
    close = closest_codes(instance, code)
    guess = f"did you mean {_either(close)}? " if close else "check the code; "
    fix = guess + (FIND_HINT if audience == "cli" else APP_FIND_HINT)
    if not CODE_RE.fullmatch(code):
        message = f"{code!r} is not a vestiging code (4-character BRIN + 2 digits, e.g. 02QZ00)"
    else:
        message = f"no vestiging in the data has code {code}"
    return Problem(file, where, message, fix)


KIND_NL: dict[SchoolKind, str] = {
    "tl": "alleen vmbo-tl (mavo)",
    "pro": "praktijkonderwijs (pro)",
    "vso": "voortgezet speciaal onderwijs (vso)",
}
"""Kind of a school that may join -> its Dutch name (a report's or the web app's wording)."""


def code_problem_nl(instance: Instance, code: str) -> str:
    """Why ``code`` names no participating school, in Dutch (``code_problem``'s reasons).

    Parameters
    ----------
    instance : Instance
        The participating schools and the data's other vestigingen.
    code : str
        The code as given (upper case).

    Returns
    -------
    str
        E.g. "02RM00 (Beukenrode Onderwijs, Doorn) is een school voor voortgezet speciaal
        onderwijs (vso) die met de huidige deelname-instellingen niet meedoet".
    """
    outsider = instance.outsiders.get(code)
    if outsider is not None:
        who = describe(outsider)
        if outsider.dropped:
            return f"{who} doet mee, maar de data geven haar geen ligging: weggelaten"
        if not outsider.could_join_as:
            return f"{who} staat in de data maar heeft geen vmbo-, pro- of vso-leerlingen"
        kinds = " en ".join(KIND_NL[k] for k in outsider.could_join_as)
        return (
            f"{who} is een school voor {kinds} die met de huidige deelname-instellingen niet "
            "meedoet"
        )
    if not CODE_RE.fullmatch(code):
        return f"'{code}' is geen vestigingscode (4 tekens BRIN + 2 cijfers, bv. 02QZ00)"
    close = closest_codes(instance, code)
    guess = f"; bedoelt u {' of '.join(close)}?" if close else ""
    return f"geen vestiging in de data heeft code {code}{guess}"


def _region_key(region_id: str) -> str:
    """``R5``, ``r05`` and ``R005`` alike: lower case, numbers without leading zeros."""
    return re.sub(r"\d+", lambda m: str(int(m.group())), region_id.casefold())


def resolve_region(wanted: str, regions: Iterable[str], names: Mapping[str, str]) -> str | None:
    """The one region ``wanted`` can only mean: its id, the id but for case and leading zeros
    (``r5`` -> ``R05``), or the region's name but for case (``zeeland`` -> the id of
    "Zeeland"); None when none or several match."""
    ids = sorted(regions)
    if wanted in ids:
        return wanted
    key, folded = _region_key(wanted), wanted.casefold().strip()
    for found in (
        [r for r in ids if _region_key(r) == key],
        [r for r in ids if folded and names.get(r, "").casefold() == folded],
    ):
        if len(found) == 1:
            return found[0]
    return None


def closest_regions(
    wanted: str, regions: Iterable[str], n: int = 3, names: Mapping[str, str] | None = None
) -> list[str]:
    """The region ids most like ``wanted``, best first.

    The same id but for case and leading zeros (``R5`` -> ``R05``) first, then ids that
    contain it (``R5`` -> ``R50``), then regions whose name contains it (``Eindhoven`` ->
    the id of "Eindhoven - Veldhoven", when ``names`` maps ids to names), then ids alike by
    ``difflib``.
    """
    ids = sorted(regions)
    key = _region_key(wanted)
    folded = wanted.casefold().strip()
    same = [r for r in ids if _region_key(r) == key]
    contain = [r for r in ids if folded and folded in r.casefold()]
    named = [r for r in ids if folded and folded in (names or {}).get(r, "").casefold()]
    alike = difflib.get_close_matches(wanted, ids, n=n, cutoff=0.6)
    return list(dict.fromkeys([*same, *contain, *named, *alike]))[:n]
