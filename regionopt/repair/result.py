"""What a repair found: its status, the moves, the proof and the checker's verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from regionopt import dutch
from regionopt.check import Violation
from regionopt.plan import Plan

RepairStatus = Literal["not_needed", "repaired", "none_found"]


@dataclass(frozen=True)
class Move:
    """One school moved by the repair."""

    code: str
    from_region: str
    to_region: str


@dataclass(frozen=True)
class Note:
    """One line of a repair's explanation, in English (CLI, JSON, report.md) and in Dutch
    (report.html, the web app)."""

    text: str
    text_nl: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class RepairResult:
    """What ``repair`` found.

    Attributes
    ----------
    status : {"not_needed", "repaired", "none_found"}
    plan : Plan
        The repaired plan (the input plan when nothing was needed or found).
    moves : tuple of Move
        The further moves, fewest possible within the scope.
    optimal : bool
        True when CP-SAT proved the number of moves minimal within the scope.
    scope_regions : tuple of str
        The regions whose schools could move.
    level : int
        Neighbourhood level of the scope that gave the answer.
    dissolved : tuple of str
        Regions the repair emptied.
    explanation : tuple of Note
        Why no repair exists (status ``none_found``), or notes.
    violations : tuple of Violation
        The checker's verdict on the scope regions of the returned plan.
    """

    status: RepairStatus
    plan: Plan
    moves: tuple[Move, ...] = ()
    optimal: bool = False
    scope_regions: tuple[str, ...] = ()
    level: int = 0
    dissolved: tuple[str, ...] = ()
    explanation: tuple[Note, ...] = ()
    violations: tuple[Violation, ...] = ()
    wall_time_s: float = 0.0
    solves: int = 0
    cuts: int = 0
    stats: Mapping[str, float] = field(default_factory=dict)

    def headline(self) -> str:
        """One sentence: how many further moves, proved minimal or not, where, how long."""
        proof = "proved minimal" if self.optimal else "not proved minimal"
        return (
            f"{len(self.moves)} further move(s) make the plan valid again ({proof} among "
            f"{len(self.scope_regions)} regions around the change, neighbourhood level "
            f"{self.level}; {self.wall_time_s:.2f} s)"
        )

    def headline_nl(self) -> str:
        """``headline`` in Dutch, for the HTML report and the web app."""
        proof = (
            "bewezen het kleinst mogelijke aantal"
            if self.optimal
            else "mogelijk kan het met minder"
        )
        return (
            f"{len(self.moves)} verdere verplaatsing(en) maken het plan weer geldig ({proof} "
            f"binnen {len(self.scope_regions)} regio's rond de wijziging, buurniveau "
            f"{self.level}; {dutch.number(self.wall_time_s, 2)} s)"
        )
