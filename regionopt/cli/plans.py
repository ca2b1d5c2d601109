"""Plan arguments of the commands: a plan CSV, or the word ``actual`` for the documented regions."""

from __future__ import annotations

from pathlib import Path

from regionopt.errors import InputError
from regionopt.load import LoadedData
from regionopt.plan import Plan, plan_code_problems, read_plan

ACTUAL = "actual"


def is_actual(arg: str) -> bool:
    """True when the argument names the documented actual regions."""
    return arg.strip().lower() == ACTUAL


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
    """Unknown codes, or codes in two regions, of a plan file are an input error (exit 2).

    ``plans`` maps each command-line argument to its plan; the documented actual regions are
    the data's own and are not judged here (``check actual`` reports on them).
    """
    problems = [
        problem
        for arg, plan in plans.items()
        if not is_actual(arg)
        for problem in plan_code_problems(plan, loaded.instance.index, source=arg)
    ]
    if problems:
        raise InputError(problems, title="The plan lists codes it cannot use")
