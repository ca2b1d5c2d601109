"""Smallest repair of a plan: the fewest further school moves that make broken regions valid.

Used by ``whatif --repair``. Pure: CP-SAT (OR-Tools) on the instance's numbers and the school
graph; never imports geopandas.

Model
-----
Scope: the regions to repair plus every region within ``level`` steps of them in the region
adjacency graph (two regions are adjacent when an edge of the school graph joins them), plus the
regions of schools that must stay ``together`` with a school in scope. Schools of those regions
are free, schools elsewhere stay where they are, and schools the user changed are fixed.

Variables ``x[i, r]``: school ``i`` ends in scope region ``r``, for the regions that have a
school within ``MOVE_REACH_STEPS`` links of ``i`` in the school graph (a school moves next door,
or follows a neighbour that moves; the minimum is over such moves). Every school in exactly one
region; no region may end empty unless ``allow_dissolve`` (then it is dissolved and reported).
Each non-empty region must meet the rules the checker judges: at least ``min_vmbo`` vmbo
vestigingen, a member with technical pupils (penvoerder), an mbo within reach, technical pupils
within [min, max], close schools together, and contiguity. Contiguity is added lazily (cut
generation): solve, find a region whose members fall apart in the school graph, add the
vertex-separator cut
``x[a, r] + x[b, r] - 1 <= sum(x[k, r] for k on the boundary of a's part)`` and solve again.
Each cut only removes disconnected plans, so the final optimum is the true optimum of the scope.

Objective: minimise the number of moved schools; ties are broken by the distance from each moved
school to its new region (km, capped), so a move to a near region is preferred.

The minimum is over moves inside the scope: when no valid plan exists there, the scope grows by
one level (up to ``max_level``). When none exists at the widest scope, the rules are dropped one
at a time to say which one cannot be met.

Modules: ``scope`` (which regions may change), ``model`` (the CP-SAT model of a scope),
``search`` (``repair``: widen the scope, explain when nothing works) and ``result``.
"""

from regionopt.repair.model import DISTANCE_CAP_KM, MODELLED_RULES, MOVE_REACH_STEPS
from regionopt.repair.result import Move, RepairResult, RepairStatus
from regionopt.repair.scope import region_adjacency, scope_regions
from regionopt.repair.search import repair

__all__ = [
    "DISTANCE_CAP_KM",
    "MODELLED_RULES",
    "MOVE_REACH_STEPS",
    "Move",
    "RepairResult",
    "RepairStatus",
    "region_adjacency",
    "repair",
    "scope_regions",
]
