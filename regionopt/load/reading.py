"""Reading one input file safely: bytes, text, CSV; every problem is collected, not raised."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import shapely

from regionopt.errors import Problem

MAX_LISTED = 50
"""At most this many problems of one kind are listed per file (then a count of the rest)."""

UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RuntimeError,
    ArithmeticError,
    csv.Error,
    shapely.errors.ShapelyError,
)
"""What a file that passed no check can make pandas, pyogrio, shapely or pyproj raise:
an unreadable file (``OSError``: no permission, a folder), bad JSON or text
(``ValueError``), a GDAL error (``RuntimeError``), an invalid geometry
(``ShapelyError``), or values of the wrong shape. Each becomes a problem naming the file."""


_T = TypeVar("_T")


def guarded(
    reader: Callable[[Path, list[Problem]], _T | None],
    path: Path,
    problems: list[Problem],
    causes: list[BaseException],
) -> _T | None:
    """Run one reader; whatever a bad file makes it raise becomes a problem naming the file."""
    try:
        return reader(path, problems)
    except UNREADABLE as exc:
        causes.append(exc)
        problems.append(
            Problem(
                str(path),
                "",
                f"cannot read the file ({type(exc).__name__}: {exc})"[:300],
                "check that it is the documented download (see the data README); "
                "run with --debug for details",
            )
        )
        return None


def read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes; an unreadable file (no permission, a directory) becomes a problem."""
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem(
                str(path),
                "",
                f"cannot read the file: {exc.strerror or exc}",
                "check that it is a readable file (permissions, not a folder)",
            )
        )
        return None


def read_text(path: Path, encoding: str, problems: list[Problem]) -> str | None:
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    if b"\x00" in raw[:4096]:
        problems.append(Problem(str(path), "", "not a text file", "use the documented download"))
        return None
    if encoding == "latin-1":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
        if any(ord(ch) > 127 for ch in text):
            problems.append(
                Problem(
                    str(path),
                    "",
                    "file is UTF-8, but DUO publishes latin-1; it was read as UTF-8",
                    "nothing to do if the names look right",
                )
            )
        return text
    try:
        return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                str(path),
                f"byte {exc.start}",
                f"not {encoding} text",
                f"save the file as {encoding}",
            )
        )
        return None


def read_csv(
    path: Path, *, sep: str, encoding: str, required: tuple[str, ...], problems: list[Problem]
) -> pd.DataFrame | None:
    """A CSV as a frame of text; its index is the file line of each row minus 2.

    Parsed with the ``csv`` module so that a row with more values than the header is reported
    (pandas would silently shift such a file's columns); empty lines are skipped, a short row
    is padded with empty values.
    """
    text = read_text(path, encoding, problems)
    if text is None:
        return None
    records = _csv_records(path, text, sep, problems)
    if records is None:
        return None
    header = records.header
    if header is None:
        problems.append(Problem(str(path), "", "the file is empty", "use the documented download"))
        return None
    wrong = _column_problem(path, header, required, sep)
    if wrong is not None:
        problems.append(wrong)
        return None
    if records.too_long:
        return None
    index = pd.Index(np.asarray(records.lines, dtype=np.int64) - 2)
    return pd.DataFrame(records.rows, columns=_unique(header), index=index, dtype=str)


def _csv_records(path: Path, text: str, sep: str, problems: list[Problem]) -> _Records | None:
    """The header and rows of a CSV text; a row with more values than the header is a problem.

    ``None`` when the text is not CSV (an unclosed quote, a NUL byte).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out = _Records()
    try:
        for record in reader:
            if not any(v.strip() for v in record):
                continue
            if out.header is None:
                out.header = [h.strip() for h in record]
                continue
            width = len(out.header)
            if any(v.strip() for v in record[width:]):
                out.too_long += 1
                if out.too_long <= MAX_LISTED:
                    problems.append(
                        Problem(
                            str(path),
                            f"row {reader.line_num}",
                            f"{len(record)} values but the header has {width}",
                            f"put quotes around a value that holds '{sep}'",
                        )
                    )
                continue
            out.rows.append(record[:width] + [""] * (width - len(record)))
            out.lines.append(reader.line_num)
    except csv.Error as exc:
        problems.append(
            Problem(
                str(path),
                f"row {reader.line_num}",
                f"cannot parse CSV: {exc}",
                f"check that values are separated by '{sep}' and quotes are closed",
            )
        )
        return None
    if out.too_long > MAX_LISTED:
        problems.append(
            Problem(str(path), "", f"... and {out.too_long - MAX_LISTED} more rows", "")
        )
    return out


def _column_problem(
    path: Path, header: list[str], required: tuple[str, ...], sep: str
) -> Problem | None:
    """A required column that is missing or named twice, as one problem (``None``: fine)."""
    missing = [c for c in required if c not in header]
    doubled = sorted({c for c in required if header.count(c) > 1})
    if not missing and not doubled:
        return None
    what = [f"missing column(s): {', '.join(missing)}"] if missing else []
    what += [f"column(s) named twice: {', '.join(doubled)}"] if doubled else []
    return Problem(
        str(path),
        "header",
        "; ".join(what),
        f"expected a '{sep}'-separated file with these columns",
    )


@dataclass
class _Records:
    """What ``_csv_records`` read: the header, the rows and the file line of each row."""

    header: list[str] | None = None
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    too_long: int = 0
    """Rows with more values than the header (each one a problem)."""


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (a repeated name that no reader needs gets a suffix)."""
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        out.append(name if not seen[name] else f"{name}.{seen[name]}")
        seen[name] += 1
    return out
