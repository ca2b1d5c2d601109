"""One small error hierarchy. A user mistake becomes a message, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        The file the problem is in.
    where : str
        Row number, column or code that locates the problem ("" when it is the whole file).
    message : str
        What is wrong.
    fix : str
        What the user can do about it.
    """

    file: str
    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        loc = ": ".join(part for part in (self.file, self.where) if part)
        text = f"{loc}: {self.message}" if loc else self.message
        return f"{text} -> {self.fix}" if self.fix else text


class RegionoptError(Exception):
    """Base class of every error regionopt raises on purpose."""


class InputError(RegionoptError):
    """Input files or arguments are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem] | str, *, title: str = "Invalid input") -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", where="", message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.title = title
        # "Invalid plan p.csv: row 3: ..." rather than "Invalid plan p.csv: p.csv: row 3: ...".
        shown = [
            replace(p, file="") if p.file and PurePath(p.file).name in title else p
            for p in self.problems
        ]
        if len(shown) == 1:
            super().__init__(f"{title}: {shown[0]}")
            return
        lines = [f"{title} ({len(shown)} problems):"]
        lines += [f"  - {p}" for p in shown]
        super().__init__("\n".join(lines))


class DataNotFoundError(InputError):
    """The data directory or one of its files is missing."""


class InfeasibleError(RegionoptError):
    """The rules cannot all be met; the message says where and which parameters to relax."""

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = tuple(reasons)
        lines = ["No valid plan exists under these rules:"]
        lines += [f"  - {r}" for r in self.reasons]
        super().__init__("\n".join(lines))
