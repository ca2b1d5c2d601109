"""CSV files as spreadsheets save them: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
"Unicode text"), else Windows-1252; ``,``, ``;`` (Dutch Excel) or tab as the separator."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Sequence


def is_utf16(raw: bytes) -> bool:
    """True when the bytes start with a UTF-16 byte-order mark (Excel's "Unicode text")."""
    return raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode_text(raw: bytes) -> str:
    """Text of a CSV as spreadsheets save it: UTF-8 (BOM or not), UTF-16 with BOM, else
    Windows-1252."""
    if is_utf16(raw):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
"""The separators spreadsheets write, by name (for messages)."""


def sniff_header(text: str, required: Sequence[str]) -> tuple[str, list[str]]:
    """The separator and the header fields, from the first non-empty line.

    The separator is the one that yields the ``required`` columns (``;`` for Dutch Excel),
    else the one that splits the header into the most fields.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    best: tuple[int, str, list[str]] | None = None
    for sep in SEPARATOR_NAMES:
        try:
            fields = next(csv.reader([first], delimiter=sep), [])
        except csv.Error:
            continue
        found = {f.strip().lower() for f in fields}
        if all(c in found for c in required):
            return sep, fields
        if best is None or len(fields) > best[0]:
            best = (len(fields), sep, fields)
    return (best[1], best[2]) if best else (",", [])
