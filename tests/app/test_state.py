"""The web app's per-tab state, without a server: sessions apart, undo/redo, bad changes."""

from __future__ import annotations

import pytest

from regionopt.app.state import (
    Editor,
    Proposal,
    SessionStore,
    StaleError,
    UnknownSessionError,
    changes_between,
)
from regionopt.errors import InputError
from regionopt.plan import Plan
from regionopt.repair import Move
from regionopt.whatif import Change
from tests.conftest import make_instance

START = Plan.from_mapping(
    {"00AA00": "A", "01AA00": "A", "02AA00": "B", "03AA00": "B"}, name="start"
)


@pytest.fixture
def instance():
    # Codes 00AA00..04AA00; 04AA00 is in no region of START (it may join).
    return make_instance([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)])


def test_a_change_is_previewed_on_a_copy_and_committed_only_on_request(instance) -> None:
    ed = Editor(START)
    candidate = ed.preview([Change("move", "01AA00", "B")], instance)
    assert candidate.plan.assignment["01AA00"] == "B"
    assert ed.plan is START and ed.version == 0 and not ed.can_undo
    ed.commit(candidate)
    assert ed.plan.assignment["01AA00"] == "B" and ed.version == 1
    assert ed.plan.name == "start"  # the starting plan's name, not "(what-if)"
    assert ed.changes() == [Change("move", "01AA00", "B")]


def test_a_bad_change_leaves_the_plan_untouched(instance) -> None:
    ed = Editor(START)
    ed.commit(ed.preview([Change("move", "01AA00", "B")], instance))
    before, version = ed.plan, ed.version
    for bad in (
        Change("move", "99ZZ99", "A"),  # not a school
        Change("move", "00AA00", "nowhere"),  # no such region
        Change("join", "00AA00", "B"),  # in a region already: that is a move
        Change("leave", "04AA00"),  # in no region: nothing to leave
        Change("move", "02AA00", "B"),  # already there
    ):
        with pytest.raises(InputError):
            ed.preview([bad], instance)
        assert ed.plan is before and ed.version == version
    assert ed.history[-1].label == "move 01AA00=B"


def test_undo_and_redo_walk_the_history(instance) -> None:
    ed = Editor(START)
    ed.commit(ed.preview([Change("move", "01AA00", "B")], instance))
    ed.commit(ed.preview([Change("leave", "00AA00")], instance))
    ed.commit(ed.preview([Change("join", "04AA00", "B")], instance))
    final = dict(ed.plan.assignment)
    assert final == {"01AA00": "B", "02AA00": "B", "03AA00": "B", "04AA00": "B"}
    assert [s.label for s in ed.history] == ["move 01AA00=B", "leave 00AA00", "join 04AA00=B"]
    for _ in range(3):
        assert ed.undo() is not None
    assert ed.plan.assignment == START.assignment and ed.changes() == []
    assert ed.undo() is None and not ed.can_undo
    assert ed.redo() is not None and ed.plan.assignment["01AA00"] == "B"
    assert ed.redo() is not None and "00AA00" not in ed.plan.assignment
    assert ed.redo() is not None and ed.plan.assignment == final
    assert ed.redo() is None


def test_a_new_change_clears_the_redo_stack(instance) -> None:
    ed = Editor(START)
    ed.commit(ed.preview([Change("move", "01AA00", "B")], instance))
    ed.undo()
    assert ed.can_redo
    ed.commit(ed.preview([Change("move", "02AA00", "A")], instance))
    assert not ed.can_redo and len(ed.history) == 1


def test_a_stale_candidate_or_repair_is_refused(instance) -> None:
    ed = Editor(START)
    old = ed.preview([Change("move", "01AA00", "B")], instance)
    ed.commit(ed.preview([Change("move", "02AA00", "A")], instance))
    with pytest.raises(StaleError):
        ed.commit(old)
    proposal = Proposal((Move("03AA00", "B", "A"),), base_version=0, allow_dissolve=False)
    with pytest.raises(StaleError):
        ed.preview_repair(proposal)
    fresh = Proposal((Move("03AA00", "B", "A"),), base_version=ed.version, allow_dissolve=False)
    ed.commit(ed.preview_repair(fresh))
    assert ed.plan.assignment["03AA00"] == "A" and ed.history[-1].kind == "repair"
    ed.undo()
    assert ed.plan.assignment["03AA00"] == "B"


def test_history_is_bounded(instance) -> None:
    ed = Editor(START, max_steps=3)
    for i in range(10):
        region = "B" if i % 2 == 0 else "A"
        ed.commit(ed.preview([Change("move", "00AA00", region)], instance))
    assert len(ed.history) == 3
    assert ed.plan.assignment["00AA00"] == "A"


def test_changes_between_names_moves_joins_and_leaves() -> None:
    after = START.with_assignment({"00AA00": None, "01AA00": "B", "04AA00": "A"})
    assert changes_between(START, after) == [
        Change("leave", "00AA00"),
        Change("move", "01AA00", "B"),
        Change("join", "04AA00", "A"),
    ]
    assert changes_between(START, START) == []


def test_sessions_are_apart(instance) -> None:
    store = SessionStore(START)
    one, two = store.create(), store.create()
    assert one.id != two.id
    with store.use(one.id) as s:
        s.editor.commit(s.editor.preview([Change("move", "01AA00", "B")], instance))
    assert store.get(one.id).editor.plan.assignment["01AA00"] == "B"
    assert store.get(two.id).editor.plan.assignment["01AA00"] == "A"
    copy = store.create(copy_of=one.id)  # a duplicated tab: same plan, its own from now on
    assert copy.editor.plan.assignment["01AA00"] == "B" and copy.editor.can_undo
    copy.editor.undo()
    assert store.get(one.id).editor.plan.assignment["01AA00"] == "B"


def test_sessions_are_bounded_and_the_least_recently_used_is_dropped() -> None:
    store = SessionStore(START, max_sessions=3)
    first, second, third = store.create(), store.create(), store.create()
    store.get(first.id)  # used: now the second is the oldest
    fourth = store.create()
    assert len(store) == 3
    assert second.id not in store
    assert all(s.id in store for s in (first, third, fourth))
    with pytest.raises(UnknownSessionError):
        store.get(second.id)
    with pytest.raises(UnknownSessionError):
        store.create(copy_of="no-such-session")
