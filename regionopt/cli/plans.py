"""Plan arguments of the commands: a plan CSV, or the word ``actual`` for the documented regions."""

from __future__ import annotations

from pathlib import Path

from regionopt.codes import code_problem
from regionopt.errors import InputError, Problem
from regionopt.instance import Instance
from regionopt.load import LoadedData
from regionopt.plan import Plan, file_label, read_plan

ACTUAL = "actual"


def is_actual(arg: str) -> bool:
    """True when the argument names the documented actual regions."""
    return arg.strip().lower() == ACTUAL


def plan_label(arg: str) -> str:
    """How output names a plan argument: ``actual``, or the file with its folder
    (``prop/regions.csv``), never the user's whole path.

    Parameters
    ----------
    arg : str
        A plan CSV path or ``actual``.

    Returns
    -------
    str
    """
    return ACTUAL if is_actual(arg) else file_label(Path(arg))


def read_plan_early(arg: str) -> None:
    """Read a plan file before the data loads, so a bad plan fails fast (``actual`` waits)."""
    if not is_actual(arg):
        read_plan(Path(arg))


def resolve_plan(arg: str, loaded: LoadedData) -> Plan:
    """A plan CSV path, or the word ``actual`` for the documented actual regions."""
    if is_actual(arg):
        return loaded.actual
    return read_plan(Path(arg))


def refuse_unknown_codes(loaded: LoadedData, plans: dict[str, Plan]) -> None:
    """Codes of a plan file that are not participating schools are an input error (exit 2).

    (A code listed twice is refused when the file is read: ``read_plan``.)

    ``plans`` maps each command-line argument to its plan; the documented actual regions are
    the data's own and are not judged here (``check actual`` reports on them).
    """
    problems = [
        problem
        for arg, plan in plans.items()
        if not is_actual(arg)
        for problem in plan_code_problems(plan, loaded.instance, source=arg)
    ]
    if problems:
        raise InputError(problems, title="The plan lists codes it cannot use")


def plan_code_problems(plan: Plan, instance: Instance, *, source: str) -> list[Problem]:
    """Codes a plan lists that are not participating schools.

    Parameters
    ----------
    plan : Plan
        A plan read from ``source``.
    instance : Instance
        The participating schools and the data's other vestigingen.
    source : str
        The plan's file, for the messages.

    Returns
    -------
    list of Problem
        One per such code, with its row when known (``codes.code_problem``: a school that does
        not take part and the key that lets it, or the closest existing codes); empty when the
        plan's codes are all fine.
    """
    line_of = dict(zip(plan.rows, plan.lines, strict=False)) if plan.lines else {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for code, region in plan.rows:
        if code in instance.index or code in seen:
            continue
        seen.add(code)
        line = line_of.get((code, region))
        where = f"row {line}" if line else f"code {code}"
        problems.append(code_problem(instance, code, file=source, where=where))
    return problems
