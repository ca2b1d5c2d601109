"""The same data, settings and seed give the same plan, also when budgets stop the phases.

On the deterministic clock every phase stops on the work the solvers report, and parallel
pricing is taken in submission order, so a run whose budgets bind (the gap still open) repeats
itself exactly, with two worker processes.
"""

from __future__ import annotations

import pytest

from regionopt.evaluate import plan_rows
from regionopt.plan import OPTED_OUT
from regionopt.proposal import run_propose

from ..provinces import province_split

PROVINCE = "Noord-Holland"
"""A province with several labour-market regions (the area start has areas to share) whose
gap the short budgets below leave open."""


@pytest.mark.realdata
def test_budget_bound_runs_repeat_themselves(workspace) -> None:
    inside, others = province_split(workspace, PROVINCE)
    pupils = sum(s.technical_pupils for s in inside)
    k = max(2, round(pupils / 400))
    search = workspace.config.search.model_copy(
        update={"area_start_s": 10.0, "area_solve_s": 0.5, "bound_s": 2.0, "improve_s": 1.0}
    )
    assert search.deterministic and search.workers == 2
    runs = [run_propose(workspace, regions=(k, k), exclude=others, search=search) for _ in range(2)]
    first, second = (r.optimised for r in runs)
    # The budgets bound: the gap is still open, so the plan is where the budgets stopped it.
    assert first.status == "FEASIBLE", first.status
    assert first.column_generation is not None and not first.column_generation.converged
    assert runs[0].valid
    # The schools that opted out are the plan's, and regions.csv lists them as such.
    assert runs[0].plan.opted_out == set(others)
    _, rows = plan_rows(workspace.instance, runs[0].plan)
    assert sorted(row[0] for row in rows if row[1] == OPTED_OUT) == sorted(others)
    assert runs[0].plan.rows == runs[1].plan.rows
    assert first.bound == second.bound and first.work_s == second.work_s
