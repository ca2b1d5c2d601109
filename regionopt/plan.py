"""A plan: which region each vestiging belongs to, with its uncertainty kept.

A plan may be a full proposal, a what-if, or the partial documented actual regions. A plan
file that lists a vestiging twice is refused by ``read_plan`` (every command reads plan files
through it); a plan built in memory keeps its rows as given (a code listed twice stays listed
twice) so the checker can report it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np

from regionopt.csvtext import SEPARATOR_NAMES, decode_text, is_utf16, sniff_header
from regionopt.errors import InputError, Problem

PLAN_COLUMNS = ("vestiging_code", "region_id")
CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9]{2}$")
"""A vestiging code: 4-character BRIN + 2-digit location number (``02QZ00``)."""
MAX_LISTED_PROBLEMS = 50
"""At most this many problems of one file are listed (then a count of the rest)."""


@dataclass(frozen=True)
class AmbiguousMember:
    """A documented member whose location code is uncertain: one of ``candidates``."""

    region_id: str
    candidates: tuple[str, ...]
    label: str = ""


OPTED_OUT = "-"
"""The region_id of a school that takes no part (rule 6: participation is voluntary)."""


@dataclass(frozen=True)
class StrayName:
    """A plan file row whose region_name is not its region's: a spreadsheet edit that
    renamed a row where it meant to move it, or a region_id typed wrong."""

    line: int
    code: str
    region_id: str
    given: str
    """The region_name on the row."""
    region_name: str
    """The name most of the region's rows give."""


class PlanFields(TypedDict, total=False):
    """The fields of a ``Plan`` besides its rows (keyword arguments of its constructors)."""

    name: str
    region_names: Mapping[str, str]
    partial_regions: frozenset[str]
    ambiguous: tuple[AmbiguousMember, ...]
    unmatched: tuple[tuple[str, str], ...]
    complete: bool
    lines: tuple[int, ...]
    opted_out: frozenset[str]
    stray_names: tuple[StrayName, ...]


@dataclass(frozen=True)
class Plan:
    """Vestiging code -> region id, as rows.

    Attributes
    ----------
    rows : tuple of (code, region_id)
        The certain memberships, in file order (``read_plan`` refuses a code listed twice; a
        plan built in memory keeps it, for the checker to report).
    name : str
        What the plan is ("proposed", "actual", a file name).
    region_names : Mapping
        Optional display names per region id.
    partial_regions : frozenset
        Regions documented only in part: their size is a lower bound.
    ambiguous : tuple of AmbiguousMember
        Members known only as one of several candidate codes; never silently resolved.
    unmatched : tuple of (region_id, label)
        Documented members that match no code at all.
    complete : bool
        True when the plan claims to cover every participating school.
    lines : tuple of int
        The file line of each row when read from a file (empty otherwise).
    """

    rows: tuple[tuple[str, str], ...]
    name: str = "plan"
    region_names: Mapping[str, str] = field(default_factory=dict)
    partial_regions: frozenset[str] = frozenset()
    ambiguous: tuple[AmbiguousMember, ...] = ()
    unmatched: tuple[tuple[str, str], ...] = ()
    complete: bool = True
    lines: tuple[int, ...] = field(default=(), compare=False)
    """The file line of each row, when the plan was read from a file (for messages)."""
    opted_out: frozenset[str] = frozenset()
    """Schools that take no part (rule 6): in no region, and rightly so (region_id ``-`` in
    a plan file)."""
    stray_names: tuple[StrayName, ...] = field(default=(), compare=False)
    """Rows of the plan file whose region_name differs from their region's (read, not used:
    the region_id decides)."""

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], **kwargs: Unpack[PlanFields]) -> Plan:
        """A plan from a ``{code: region_id}`` mapping."""
        return cls(rows=tuple((c, str(r)) for c, r in mapping.items()), **kwargs)

    @classmethod
    def from_labels(
        cls, codes: Iterable[str], labels: Iterable[int], **kwargs: Unpack[PlanFields]
    ) -> Plan:
        """A plan from per-school integer labels; label ``-1`` means unassigned."""
        rows = tuple(
            (c, f"R{int(lab) + 1:02d}") for c, lab in zip(codes, labels, strict=True) if lab >= 0
        )
        return cls(rows=rows, **kwargs)

    @cached_property
    def assignment(self) -> dict[str, str]:
        """Code -> region id; a code listed more than once keeps its first region."""
        out: dict[str, str] = {}
        for code, region in self.rows:
            out.setdefault(code, region)
        return out

    @cached_property
    def duplicates(self) -> dict[str, tuple[str, ...]]:
        """Codes listed more than once -> every region they are listed in."""
        seen: dict[str, list[str]] = defaultdict(list)
        for code, region in self.rows:
            seen[code].append(region)
        return {c: tuple(r) for c, r in seen.items() if len(r) > 1}

    @cached_property
    def regions(self) -> dict[str, tuple[str, ...]]:
        """Region id -> member codes (certain members only), in sorted region order."""
        out: dict[str, list[str]] = defaultdict(list)
        for code, region in self.assignment.items():
            out[region].append(code)
        for amb in self.ambiguous:
            out.setdefault(amb.region_id, [])
        return {r: tuple(out[r]) for r in sorted(out)}

    @property
    def listed_regions(self) -> frozenset[str]:
        """Every region the plan names, also one whose members all match no code
        (``unmatched``), which ``regions`` leaves out."""
        return frozenset(self.regions) | {region for region, _ in self.unmatched}

    def region_name(self, region_id: str) -> str:
        """Display name of a region (its id when it has none)."""
        return self.region_names.get(region_id, region_id)

    def labels(self, codes: Iterable[str]) -> tuple[np.ndarray, tuple[str, ...]]:
        """Integer labels for the given school codes and the region ids they index.

        Returns
        -------
        labels : ndarray of int
            Region index per code, ``-1`` for a code not in the plan.
        region_ids : tuple of str
            ``region_ids[label]`` is the region id.
        """
        region_ids = tuple(self.regions)
        pos = {r: i for i, r in enumerate(region_ids)}
        labels = np.array([pos.get(self.assignment.get(c, ""), -1) for c in codes], dtype=int)
        return labels, region_ids

    def with_assignment(self, changes: Mapping[str, str | None], *, name: str = "") -> Plan:
        """A new plan with ``changes`` applied: code -> new region, or ``None`` to leave (the
        school then takes no part: ``opted_out``)."""
        leaving = {c for c, r in changes.items() if r is None}
        joining = {c for c, r in changes.items() if r is not None}
        rows = [(c, changes.get(c, r)) for c, r in self.assignment.items()]
        kept = [(c, r) for c, r in rows if r is not None]
        known = {c for c, _ in kept} | {c for c, r in changes.items() if r is None}
        kept += [(c, r) for c, r in changes.items() if r is not None and c not in known]
        return Plan(
            rows=tuple(kept),
            name=name or self.name,
            region_names=self.region_names,
            partial_regions=self.partial_regions,
            ambiguous=self.ambiguous,
            unmatched=self.unmatched,
            complete=self.complete,
            opted_out=(self.opted_out - joining) | leaving,
        )


def file_label(path: Path) -> str:
    """How output names a plan file: the file with its folder (``prop/regions.csv``), not the
    user's whole path, so that plans that are all called ``regions.csv`` stay apart.

    Parameters
    ----------
    path : Path
        The plan CSV.

    Returns
    -------
    str
    """
    folder = path.parent.name
    return f"{folder}/{path.name}" if folder else path.name


def read_plan(path: Path, *, name: str | None = None) -> Plan:
    """Read a plan CSV with at least the columns ``vestiging_code,region_id``.

    Extra columns (name, penvoerder, ...) are ignored, so ``regions.csv`` written by
    ``propose`` reads back as is. What spreadsheets write is read too: ``,``, ``;`` (Dutch
    Excel) or tab as separator (taken from the header line), UTF-8 with or without BOM, else
    Windows-1252; CRLF line ends, empty lines, quoted values, lower-case codes and headers.
    Every malformed row is reported at once, with its line number.

    Raises
    ------
    InputError
        Missing or unreadable file, missing columns, empty codes or regions, a code that is
        not 4 characters + 2 digits, a row with more values than the header, a vestiging
        listed on more than one row (each such code with its regions and rows).
    """
    path = Path(path)
    text = decode_text(_plan_bytes(path))
    sep, header = sniff_header(text, PLAN_COLUMNS)
    columns = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    missing = [c for c in PLAN_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            [
                Problem(
                    str(path),
                    "header",
                    f"missing column(s) {', '.join(missing)} "
                    f"(found: {', '.join(h.strip() for h in header if h.strip()) or 'none'})",
                    "the first line must name at least vestiging_code,region_id "
                    "(separated by ',' or ';')",
                )
            ]
        )
    rows = _PlanRows(str(path), len(header), columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        next(reader, None)
        for values in reader:
            rows.add(values, reader.line_num, sep)
    except csv.Error as exc:
        rows.problems.append(
            Problem(str(path), f"row {reader.line_num}", f"not readable as CSV: {exc}", "")
        )
    rows.problems += rows.repeated()
    if rows.problems:
        shown = rows.problems[:MAX_LISTED_PROBLEMS]
        if len(rows.problems) > len(shown):
            more = len(rows.problems) - len(shown)
            shown.append(Problem(str(path), "", f"... and {more} more", ""))
        raise InputError(shown, title=f"Invalid plan {path.name}")
    taking_part = [i for i, (_, region) in enumerate(rows.rows) if region != OPTED_OUT]
    return Plan(
        rows=tuple(rows.rows[i] for i in taking_part),
        name=name or file_label(path),
        region_names=rows.region_names(),
        lines=tuple(rows.lines[i] for i in taking_part),
        opted_out=frozenset(c for c, region in rows.rows if region == OPTED_OUT),
        stray_names=rows.stray_names(),
    )


def _plan_bytes(path: Path) -> bytes:
    """The bytes of a plan file; a folder, a missing, unreadable or binary file is refused."""
    if path.is_dir():
        raise InputError(
            [Problem(str(path), "", "is a directory, not a plan CSV", "name the CSV file")]
        )
    if not path.is_file():
        raise InputError([Problem(str(path), "", "plan file not found", "check the path")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Problem(str(path), "", f"cannot read: {exc.strerror or exc}", "check the file")]
        ) from None
    if b"\x00" in raw and not is_utf16(raw):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "not a text file (it holds NUL bytes)",
                    "save the plan as CSV (vestiging_code,region_id)",
                )
            ]
        )
    return raw


@dataclass
class _PlanRows:
    """The rows of a plan file read so far, and what is wrong with the others."""

    source: str
    width: int
    """Values in the header."""
    columns: Mapping[str, int]
    """Lower-case column name -> its position."""
    rows: list[tuple[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    names: dict[str, Counter[str]] = field(default_factory=dict)
    """Per region, how many of its rows give each region_name."""
    given_names: dict[int, str] = field(default_factory=dict)
    """The region_name of each row that gives one, by line."""
    problems: list[Problem] = field(default_factory=list)

    def add(self, values: list[str], lineno: int, sep: str) -> None:
        """One row: a membership, nothing (an empty row) or a problem."""
        if not any(v.strip() for v in values):
            return
        if len(values) > self.width and any(v.strip() for v in values[self.width :]):
            self.problems.append(
                Problem(
                    self.source,
                    f"row {lineno}",
                    f"{len(values)} values but the header has {self.width}: a value "
                    f"holds a {SEPARATOR_NAMES[sep]} without quotes",
                    'put that value in double quotes ("Lyceum, Enschede"), or save the file '
                    "from a spreadsheet as CSV",
                )
            )
            return
        cell = dict(enumerate(v.strip() for v in values))
        code = cell.get(self.columns["vestiging_code"], "").upper()
        region = cell.get(self.columns["region_id"], "")
        if not CODE_RE.fullmatch(code):
            self.problems.append(
                Problem(
                    self.source,
                    f"row {lineno}",
                    f"vestiging code {code!r} is not 4-character BRIN + 2 digits",
                    "use the 6-character DUO code, e.g. 02QZ00",
                )
            )
            return
        if not region:
            self.problems.append(
                Problem(self.source, f"row {lineno}", f"{code} has no region_id", "fill it in")
            )
            return
        self.rows.append((code, region))
        self.lines.append(lineno)
        i_name = self.columns.get("region_name")
        if i_name is not None and cell.get(i_name) and region != OPTED_OUT:
            self.names.setdefault(region, Counter())[cell[i_name]] += 1
            self.given_names[lineno] = cell[i_name]

    def region_names(self) -> dict[str, str]:
        """Per region the name most of its rows give (the first of equals): a row moved to
        another region in a spreadsheet keeps its old region's name, which must not rename
        the region it joined."""
        return {region: counts.most_common(1)[0][0] for region, counts in self.names.items()}

    def stray_names(self) -> tuple[StrayName, ...]:
        """Rows whose region_name is not the one most rows of their region give."""
        names = self.region_names()
        return tuple(
            StrayName(line, code, region, self.given_names[line], names[region])
            for (code, region), line in zip(self.rows, self.lines, strict=True)
            if line in self.given_names and self.given_names[line] != names[region]
        )

    def repeated(self) -> list[Problem]:
        """One problem per code on more than one row: its regions, each with its rows."""
        where: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for (code, region), line in zip(self.rows, self.lines, strict=True):
            where[code][region].append(line)
        problems = []
        for code, regions in where.items():
            n_rows = sum(len(lines) for lines in regions.values())
            if n_rows == 1:
                continue
            listed = ", ".join(
                f"{region} (row{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})"
                for region, lines in regions.items()
            )
            what = (
                f"listed in {len(regions)} regions: {listed}"
                if len(regions) > 1
                else f"listed {n_rows} times: {listed}"
            )
            problems.append(
                Problem(
                    self.source,
                    f"code {code}",
                    what,
                    "keep one row per vestiging (a school belongs to exactly one region)",
                )
            )
        return problems


def write_plan_rows(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    """Write a plan-like CSV: ``,``-separated UTF-8 with a BOM.

    The BOM makes Excel (also Dutch Excel) open names such as "Mariëndael" right; every
    reader of regionopt reads the file with or without it.
    """
    with Path(path).open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def partner_regions(a: Mapping[str, str], b: Mapping[str, str]) -> dict[str, str]:
    """Pair the regions of two assignments one to one, sharing as many schools as possible.

    Parameters
    ----------
    a, b : mapping
        Code -> region id of two plans (only codes in both count).

    Returns
    -------
    dict
        Region of ``a`` -> its partner region of ``b`` (Hungarian method on the table of
        shared schools); regions without a partner sharing a school are left out.
    """
    common = [c for c in a if c in b]
    if not common:
        return {}
    a_ids = sorted({a[c] for c in common})
    b_ids = sorted({b[c] for c in common})
    a_pos = {r: i for i, r in enumerate(a_ids)}
    b_pos = {r: i for i, r in enumerate(b_ids)}
    rows, cols, shared = match_labels(
        np.array([a_pos[a[c]] for c in common]),
        np.array([b_pos[b[c]] for c in common]),
        len(a_ids),
        len(b_ids),
    )
    return {a_ids[i]: b_ids[j] for i, j in zip(rows, cols, strict=True) if shared[i, j] > 0}


def match_labels(
    a: np.ndarray, b: np.ndarray, ka: int, kb: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair region indices of two labellings one to one, sharing as many schools as possible.

    Parameters
    ----------
    a, b : array of int
        Region index (``0..ka-1`` and ``0..kb-1``) per school, for the same schools.
    ka, kb : int
        Number of regions of each labelling.

    Returns
    -------
    (rows, cols, shared)
        Region ``rows[k]`` of ``a`` pairs with ``cols[k]`` of ``b`` (Hungarian method);
        ``shared[i, j]`` counts the schools in region ``i`` of ``a`` and ``j`` of ``b``.
    """
    from scipy.optimize import linear_sum_assignment

    shared = np.zeros((ka, kb), dtype=np.int64)
    np.add.at(shared, (np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)), 1)
    rows, cols = linear_sum_assignment(shared, maximize=True)
    return rows, cols, shared
