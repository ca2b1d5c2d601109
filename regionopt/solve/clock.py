"""The clock every budget of a run is measured on: wall-clock seconds, or deterministic work.

A run whose phases stop on wall-clock limits gives a different plan whenever the machine is
busier or quieter. On a deterministic clock, time is the work the solvers report, counted in
the same units every time: CP-SAT's deterministic time, the master LP's simplex iterations,
the schools the closure pricing visits and the set-partitioning IP's branch-and-bound nodes.
Each is converted to *work seconds* by one constant measured on the reference machine
(2 cores; ``bench/bench_clock.py`` prints the ratios), so a budget of 90 s is about 90 s
there, and the same plan on any machine.

Only the main process's clock counts: work done in a worker process comes back with its
result and is charged on arrival, in an order that does not depend on timing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

LP_ITERATION_S = 2.0e-4
"""Work seconds per simplex iteration of the master LP (GLOP)."""

CLOSURE_MEMBER_S = 4.0e-6
"""Work seconds per candidate member of a root priced by its closure."""

IP_NODE_S = 2.0e-3
"""Work seconds per branch-and-bound node of the set-partitioning IP (HiGHS)."""

IP_CHOICE_S = 2.0e-5
"""Work seconds per choice (column) of the set-partitioning IP: its set-up and presolve."""

CP_SAT_S = 0.8
"""Work seconds per unit of CP-SAT's deterministic time ..."""

CP_SAT_CALL_S = 5.0e-3
"""... plus these per solve (loading the model and its LP, which deterministic time leaves
out: most of a pricing call's time)."""

WALL_GUARD_FACTOR = 20.0
"""A work budget's wall-clock guard is this many times the budget (``wall_guard_s``)."""


@dataclass
class Clock:
    """How long a run has worked, on the wall or in deterministic work.

    Parameters
    ----------
    deterministic : bool
        True: ``now`` is the work charged so far, so phases stop at the same point on every
        run. False: ``now`` is wall-clock seconds since the clock was made.
    """

    deterministic: bool = False
    _started: float = field(default_factory=time.perf_counter)
    _work: float = 0.0
    spent: dict[str, float] = field(default_factory=dict)
    """Work seconds charged per kind (``lp``, ``closure``, ``pricing``, ``cp-sat model``,
    ``ip``, ``area start``)."""

    def now(self) -> float:
        """Seconds since the start: work seconds when deterministic, else wall seconds."""
        if self.deterministic:
            return self._work
        return time.perf_counter() - self._started

    def charge(self, kind: str, work_s: float) -> None:
        """Count ``work_s`` work seconds of solver work of one kind."""
        self._work += work_s
        self.spent[kind] = self.spent.get(kind, 0.0) + work_s


def cp_sat_work(deterministic_time: float) -> float:
    """The work seconds of one CP-SAT solve that reported ``deterministic_time``."""
    return deterministic_time * CP_SAT_S + CP_SAT_CALL_S


def wall_guard_s(work_s: float, *, floor_s: float = 0.0, slack_s: float = 0.0) -> float:
    """The wall-clock limit kept as a guard beside a work budget: twenty times the work (plus
    ``slack_s``), at least ``floor_s`` (for what a solver does outside the work it counts, e.g.
    presolve). It should never bind; it stops a solve whose work counter stalls."""
    return max(WALL_GUARD_FACTOR * work_s + slack_s, floor_s)


def ip_node_limit(seconds: float) -> int:
    """The branch-and-bound nodes of the set-partitioning IP that ``seconds`` buy."""
    return max(int(seconds / IP_NODE_S), 1)


__all__ = [
    "CLOSURE_MEMBER_S",
    "CP_SAT_CALL_S",
    "CP_SAT_S",
    "IP_CHOICE_S",
    "IP_NODE_S",
    "LP_ITERATION_S",
    "Clock",
    "cp_sat_work",
    "ip_node_limit",
    "wall_guard_s",
]
