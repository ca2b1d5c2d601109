"""What-if: a school joins, leaves or moves; which rules hold, what it does to the money.

``apply_changes`` validates and applies the requested changes (every problem reported at once);
``whatif`` runs the checker on every affected region before and after, compares technical pupils,
techniekarm, penvoerder and budget, and with ``do_repair`` asks ``regionopt.repair`` for the
fewest further moves that make the plan valid again. A repair never dissolves a region (and so
never changes the number of regions) unless ``allow_dissolve``; a region left without schools
is reported as dissolved, never as keeping its rules. ``find_schools`` looks a school up by
name, code, place or gemeente (``find_outsiders``: among the schools that do not take part).
``write_outputs`` writes the result files.

A school that *leaves* opts out (rule 6: participation is voluntary): it is in no region
afterwards, and the checker's "in no region" finding for it is not counted as a broken rule.

Modules: ``changes`` (parse, check and apply), ``judge`` (``whatif``), ``result`` (what it
found), ``find`` (look a school up), ``outputs`` and ``markdown`` (the result files).
"""

from regionopt.whatif.changes import Change, ChangeKind, apply_changes, parse_changes
from regionopt.whatif.find import SchoolMatch, find_outsiders, find_schools
from regionopt.whatif.judge import whatif
from regionopt.whatif.markdown import report_markdown
from regionopt.whatif.outputs import (
    CHANGES_CSV_COLUMNS,
    change_rows,
    write_outputs,
    write_regions_csv,
)
from regionopt.whatif.result import (
    DISSOLVED,
    NO_PENVOERDER,
    RULE_NAMES,
    STAGES,
    Penvoerder,
    RegionReport,
    RuleStatus,
    WhatIfResult,
)

__all__ = [
    "CHANGES_CSV_COLUMNS",
    "DISSOLVED",
    "NO_PENVOERDER",
    "RULE_NAMES",
    "STAGES",
    "Change",
    "ChangeKind",
    "Penvoerder",
    "RegionReport",
    "RuleStatus",
    "SchoolMatch",
    "WhatIfResult",
    "apply_changes",
    "change_rows",
    "find_outsiders",
    "find_schools",
    "parse_changes",
    "report_markdown",
    "whatif",
    "write_outputs",
    "write_regions_csv",
]
