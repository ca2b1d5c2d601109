"""Plan arguments of the commands: a plan CSV, or the word ``actual`` for the documented regions."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from regionopt.errors import InputError, Problem
from regionopt.load import LoadedData
from regionopt.plan import Plan, read_plan

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
    if is_actual(arg):
        return ACTUAL
    path = Path(arg)
    folder = path.parent.name
    return f"{folder}/{path.name}" if folder else path.name


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


def plan_code_problems(plan: Plan, known: Collection[str], *, source: str) -> list[Problem]:
    """Codes a plan lists that are not participating schools, and codes in two regions.

    Parameters
    ----------
    plan : Plan
        A plan read from ``source``.
    known : collection of str
        The participating vestiging codes (``Instance.index``).
    source : str
        The plan's file, for the messages.

    Returns
    -------
    list of Problem
        One per unknown code (with its line when known) and per code listed in several
        regions; empty when the plan's codes are all fine.
    """
    problems: list[Problem] = []
    line_of = dict(zip(plan.rows, plan.lines, strict=False)) if plan.lines else {}
    seen: set[str] = set()
    for code, region in plan.rows:
        if code in known or code in seen:
            continue
        seen.add(code)
        line = line_of.get((code, region))
        problems.append(
            Problem(
                source,
                f"row {line}" if line else f"code {code}",
                f"{code} is not a participating vestiging in the data (an unknown code, or a "
                "school that does not take part under the [participation] settings)",
                "correct the code, remove the row, or set the [participation] option that "
                "includes the school",
            )
        )
    for code, regions in plan.duplicates.items():
        distinct = sorted(set(regions))
        if len(distinct) > 1:
            where = [
                f"{region} (row {line})" if line else region
                for region in distinct
                for line in [line_of.get((code, region))]
            ]
            problems.append(
                Problem(
                    source,
                    f"code {code}",
                    f"listed in {len(distinct)} regions: {', '.join(where)}",
                    "keep one row per vestiging",
                )
            )
    return problems
