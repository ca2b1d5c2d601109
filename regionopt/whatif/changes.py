"""The requested changes: parsed from the command line, checked, applied to a plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from regionopt.codes import Audience, closest_regions, code_problem, resolve_region
from regionopt.errors import InputError, Problem
from regionopt.instance import Instance
from regionopt.plan import Plan

ChangeKind = Literal["join", "leave", "move"]
_WHERE = "what-if"
"""Where a problem with a change is (the messages' ``file``)."""


@dataclass(frozen=True)
class Change:
    """One requested change: ``join``/``move`` CODE=REGION, or ``leave`` CODE."""

    kind: ChangeKind
    code: str
    region_id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.code}" + (f"={self.region_id}" if self.region_id else "")


def parse_changes(
    join: Sequence[str] = (), leave: Sequence[str] = (), move: Sequence[str] = ()
) -> list[Change]:
    """Parse ``--join CODE=REGION``, ``--leave CODE`` and ``--move CODE=REGION`` arguments.

    Raises
    ------
    InputError
        Listing every malformed argument.
    """
    problems: list[Problem] = []
    changes: list[Change] = []
    with_region: tuple[tuple[ChangeKind, Sequence[str]], ...] = (("join", join), ("move", move))
    for kind, values in with_region:
        for value in values:
            code, sep, region = value.partition("=")
            if not sep or not code.strip() or not region.strip():
                problems.append(
                    Problem(
                        f"--{kind}",
                        value,
                        "expected CODE=REGION",
                        f"e.g. --{kind} 02QZ00=R07",
                    )
                )
                continue
            changes.append(Change(kind, code.strip().upper(), region.strip()))
    for value in leave:
        code = value.strip().upper()
        if not code or "=" in code:
            problems.append(Problem("--leave", value, "expected a vestiging code", "e.g. 02QZ00"))
            continue
        changes.append(Change("leave", code))
    if problems:
        raise InputError(problems, title="Invalid what-if arguments")
    return changes


def resolve_regions(
    changes: Iterable[Change], plan: Plan, names: Mapping[str, str] | None = None
) -> list[Change]:
    """The changes with each region written as the plan writes it, where the user's text can
    only mean one region (``r5``, ``R5`` -> ``R05``; a region's name, ``names`` or the plan's
    own); any other region is left for ``apply_changes`` to refuse with suggestions."""
    known = {**plan.region_names, **(names or {})}
    out = []
    for ch in changes:
        found = None
        if ch.region_id is not None:
            found = resolve_region(ch.region_id, plan.regions, known)
        out.append(replace(ch, region_id=found) if found and found != ch.region_id else ch)
    return out


def apply_changes(
    plan: Plan,
    changes: Iterable[Change],
    instance: Instance | None = None,
    *,
    audience: Audience = "cli",
) -> Plan:
    """Apply changes to a plan after validating all of them.

    Parameters
    ----------
    plan : Plan
    changes : iterable of Change
        ``join CODE=REGION``: the school, now in no region, enters REGION;
        ``leave CODE``: the school opts out; ``move CODE=REGION``: the school, now in another
        region, moves to REGION.
    instance : Instance, optional
        The participating schools; when given, a code must be one of them.
    audience : {"cli", "app"}
        Whether the fixes may name command-line options (``--move``) or not (the web app).

    Returns
    -------
    Plan
        A new plan; ``plan`` is unchanged.

    Raises
    ------
    InputError
        Listing every problem: a code that is not a participating school (a school in the data
        that does not take part, with the ``[participation]`` key that lets it; or the closest
        existing codes), a code changed twice, a region that does not exist in the plan (with
        the closest ids), a school joining or moving to the region it is already in, a school
        joining while it is in another region (that is a move), a school leaving or moving
        that is in no region.
    """
    changes = list(changes)
    problems: list[Problem] = []
    seen: dict[str, Change] = {}
    for ch in changes:
        known = instance is None or ch.code in instance.index
        if instance is not None and not known:
            problems.append(
                code_problem(instance, ch.code, file=_WHERE, where=str(ch), audience=audience)
            )
        if ch.code in seen:
            problems.append(
                Problem(
                    _WHERE,
                    str(ch),
                    f"{ch.code} is changed twice ({seen[ch.code]} and {ch})",
                    "keep one",
                )
            )
        seen.setdefault(ch.code, ch)
        problems += _change_problems(ch, plan, known=known, audience=audience)
    if problems:
        raise InputError(problems, title="Invalid what-if changes")
    mapping: dict[str, str | None] = {
        ch.code: (None if ch.kind == "leave" else ch.region_id) for ch in changes
    }
    return plan.with_assignment(mapping, name=f"{plan.name} (what-if)")


def _change_problems(ch: Change, plan: Plan, *, known: bool, audience: Audience) -> list[Problem]:
    """What is wrong with one change of ``plan``, whatever the other changes are.

    Of a code that names no participating school (``known`` false) only the region is judged:
    where such a school is in the plan says nothing more.
    """
    problems: list[Problem] = []
    label = str(ch)
    current = plan.assignment.get(ch.code)
    cli = audience == "cli"
    if ch.kind in ("join", "move"):
        if ch.region_id not in plan.regions:
            close = [
                f"{r} ({plan.region_names[r]})" if r in plan.region_names else r
                for r in closest_regions(ch.region_id or "", plan.regions, names=plan.region_names)
            ]
            problems.append(
                Problem(
                    _WHERE,
                    label,
                    f"region {ch.region_id!r} does not exist in plan {plan.name}",
                    ("use a region_id from the plan" if cli else "pick a region on the map")
                    + (f" (did you mean {', '.join(close)}?)" if close else ""),
                )
            )
        elif known and current == ch.region_id:
            problems.append(
                Problem(
                    _WHERE,
                    label,
                    f"{ch.code} is already in region {ch.region_id}",
                    "nothing to change; name another region",
                )
            )
    if not known:
        return problems
    if ch.kind == "join" and current is not None and current != ch.region_id:
        problems.append(
            Problem(
                _WHERE,
                label,
                f"{ch.code} is already in region {current}: a school in a region moves",
                f"use --move {ch.code}={ch.region_id} to move it" if cli else "move it instead",
            )
        )
    if ch.kind in ("leave", "move") and current is None:
        problems.append(
            Problem(
                _WHERE,
                label,
                f"{ch.code} is in no region of plan {plan.name}",
                "nothing to leave"
                if ch.kind == "leave"
                else (
                    f"use --join {ch.code}={ch.region_id} to add it"
                    if cli
                    else "let it join a region instead"
                ),
            )
        )
    return problems
