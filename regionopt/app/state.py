"""Per-tab editing state of the web app: the plan being edited, undo and redo, sessions.

Pure Python, no web server: an ``Editor`` holds one tab's plan, the steps that led there from
the starting plan and the steps undone; a ``SessionStore`` keeps one editor per browser tab,
bounded in number (the least recently used is dropped). A change is always worked out on a
copy first (``Editor.preview``) and becomes the plan only when it validated
(``Editor.commit``), so a bad request never leaves a half-changed plan behind. Plans are
immutable; a step stores only the schools it moved, so a long history costs little memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from regionopt import dutch
from regionopt.instance import Instance
from regionopt.plan import Plan
from regionopt.repair import Move
from regionopt.whatif import Change, apply_changes

MAX_STEPS = 200
"""Undo history kept per tab (the oldest step is forgotten beyond it)."""
MAX_SESSIONS = 32
"""Tabs kept at once; opening one more forgets the one used least recently."""

StepKind = Literal["change", "repair"]


@dataclass(frozen=True)
class SchoolMove:
    """One school's region before and after a step (``None``: in no region)."""

    code: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Step:
    """One undoable step: the user's change, or an accepted repair."""

    kind: StepKind
    label: str
    moves: tuple[SchoolMove, ...]
    label_nl: str = ""
    """``label`` in Dutch, for the page (``16RT01 stapt uit``)."""

    def forward(self) -> dict[str, str | None]:
        """Code -> region after the step."""
        return {m.code: m.after for m in self.moves}

    def backward(self) -> dict[str, str | None]:
        """Code -> region before the step."""
        return {m.code: m.before for m in self.moves}


@dataclass(frozen=True)
class Candidate:
    """A step worked out on a copy of the plan, not yet committed."""

    step: Step
    plan: Plan
    base_version: int


@dataclass(frozen=True)
class Proposal:
    """A repair the user may accept or refuse, valid only for the plan it was made on."""

    moves: tuple[Move, ...]
    base_version: int
    allow_dissolve: bool


class StaleError(RuntimeError):
    """The plan changed since the candidate or proposal was made."""


def changes_between(before: Plan, after: Plan) -> list[Change]:
    """The changes that turn plan ``before`` into plan ``after`` (by code), as what-if changes."""
    was_in, now_in = before.assignment, after.assignment
    out: list[Change] = []
    for code in sorted(set(was_in) | set(now_in)):
        was, now = was_in.get(code), now_in.get(code)
        if was == now:
            continue
        if now is None:
            out.append(Change("leave", code))
        elif was is None:
            out.append(Change("join", code, now))
        else:
            out.append(Change("move", code, now))
    return out


def step_label(change: Change) -> str:
    """A short English label of a change (``Step.label_nl`` is the page's Dutch one)."""
    return str(change)


class Editor:
    """One tab's plan: the starting plan, the current plan, undo and redo stacks.

    Parameters
    ----------
    start : Plan
        The plan the tab started from (shared, immutable).
    max_steps : int
        Undo history kept; older steps are forgotten (they stay in the plan).
    """

    def __init__(self, start: Plan, *, max_steps: int = MAX_STEPS) -> None:
        self.start = start
        self.plan = start
        self.version = 0
        self.proposal: Proposal | None = None
        self._undo: deque[Step] = deque(maxlen=max_steps)
        self._redo: deque[Step] = deque(maxlen=max_steps)

    # ---- reading

    @property
    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone step to redo."""
        return bool(self._redo)

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps that can be undone, oldest first."""
        return tuple(self._undo)

    @property
    def undone(self) -> tuple[Step, ...]:
        """The steps that can be redone, next first."""
        return tuple(reversed(self._redo))

    def changes(self) -> list[Change]:
        """The plan's difference from the starting plan, as what-if changes.

        ``whatif(start, editor.changes())`` judges the current plan against the start.
        """
        return changes_between(self.start, self.plan)

    def repaired(self) -> frozenset[str]:
        """The schools among ``changes()`` that an accepted repair moved last (the report
        lists them apart from what the user asked)."""
        last: dict[str, StepKind] = {}
        for step in self._undo:
            for move in step.moves:
                last[move.code] = step.kind
        changed = {c.code for c in self.changes()}
        return frozenset(c for c, kind in last.items() if kind == "repair" and c in changed)

    # ---- changing

    def preview(self, changes: Iterable[Change], instance: Instance | None = None) -> Candidate:
        """Work the changes out on a copy of the plan; the editor is not touched.

        Raises
        ------
        InputError
            When a change is invalid (``whatif.apply_changes``).
        """
        changes = list(changes)
        plan = apply_changes(self.plan, changes, instance, audience="app")
        current = self.plan.assignment
        moves = tuple(
            SchoolMove(c.code, current.get(c.code), plan.assignment.get(c.code)) for c in changes
        )
        label = "; ".join(step_label(c) for c in changes)
        label_nl = "; ".join(dutch.change_text(c.kind, c.code, c.region_id) for c in changes)
        step = Step("change", label, moves, label_nl)
        return Candidate(step, self._named(plan), self.version)

    def preview_repair(self, proposal: Proposal) -> Candidate:
        """The accepted repair as a candidate step.

        Raises
        ------
        StaleError
            When the plan changed since the repair was proposed.
        """
        if proposal.base_version != self.version:
            raise StaleError("the plan changed since this repair was proposed; ask again")
        current = self.plan.assignment
        moves = tuple(SchoolMove(m.code, current.get(m.code), m.to_region) for m in proposal.moves)
        step = Step(
            "repair",
            f"repair: {len(moves)} move(s)",
            moves,
            f"reparatie: {len(moves)} verplaatsing(en)",
        )
        return Candidate(step, self._apply(step.forward()), self.version)

    def commit(self, candidate: Candidate) -> None:
        """Make a previewed candidate the plan; the redo stack is cleared.

        Raises
        ------
        StaleError
            When another step was committed after the candidate was made.
        """
        if candidate.base_version != self.version:
            raise StaleError("the plan changed meanwhile; try again")
        self._undo.append(candidate.step)
        self._redo.clear()
        self._set(candidate.plan)

    def undo(self) -> Step | None:
        """Undo the last step; ``None`` when there is none."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self._redo.append(step)
        self._set(self._apply(step.backward()))
        return step

    def redo(self) -> Step | None:
        """Redo the last undone step; ``None`` when there is none."""
        if not self._redo:
            return None
        step = self._redo.pop()
        self._undo.append(step)
        self._set(self._apply(step.forward()))
        return step

    def copy(self) -> Editor:
        """An independent editor with the same plan and history (a duplicated tab)."""
        other = Editor(self.start, max_steps=self._undo.maxlen or MAX_STEPS)
        other.plan, other.version = self.plan, self.version
        other._undo.extend(self._undo)
        other._redo.extend(self._redo)
        return other

    def _apply(self, mapping: dict[str, str | None]) -> Plan:
        return self._named(self.plan.with_assignment(mapping))

    def _named(self, plan: Plan) -> Plan:
        """Keep the starting plan's name (``apply_changes`` appends "(what-if)")."""
        return plan.with_assignment({}, name=self.start.name)

    def _set(self, plan: Plan) -> None:
        self.plan = plan
        self.version += 1
        self.proposal = None


# --------------------------------------------------------------------------------------------
# Sessions


@dataclass
class Session:
    """One tab: its editor, a lock serialising its requests, and when it was last used."""

    id: str
    editor: Editor
    lock: threading.Lock
    last_used: float


class UnknownSessionError(KeyError):
    """No session with this id (never created, or dropped as the least recently used)."""


class SessionStore:
    """Editors per browser tab, at most ``max_sessions``; the least recently used is dropped.

    Parameters
    ----------
    start : Plan
        The plan every new session starts from.
    max_sessions : int
    max_steps : int
        Undo history per session.
    """

    def __init__(
        self, start: Plan, *, max_sessions: int = MAX_SESSIONS, max_steps: int = MAX_STEPS
    ) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.start = start
        self.max_sessions, self.max_steps = max_sessions, max_steps
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    def create(self, copy_of: str | None = None) -> Session:
        """A new session, starting from the plan or as a copy of session ``copy_of``.

        Raises
        ------
        UnknownSessionError
            When ``copy_of`` names no session.
        """
        if copy_of is not None:
            with self.use(copy_of) as source:
                editor = source.editor.copy()
        else:
            editor = Editor(self.start, max_steps=self.max_steps)
        session = Session(secrets.token_urlsafe(16), editor, threading.Lock(), time.monotonic())
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def get(self, session_id: str) -> Session:
        """The session (marked as just used).

        Raises
        ------
        UnknownSessionError
        """
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                raise UnknownSessionError(session_id)
            self._sessions.move_to_end(session_id)
            session.last_used = time.monotonic()
            return session

    @contextmanager
    def use(self, session_id: str) -> Iterator[Session]:
        """The session with its lock held: one request at a time per tab."""
        session = self.get(session_id)
        with session.lock:
            yield session
