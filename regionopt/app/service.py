"""What the web app does, without the web: one loaded workspace, many tabs' plans.

``Workbench`` loads nothing itself: it gets a ``Workspace`` (data, commuting model and school
graph, built once at start-up) and the starting plan, and answers the page's questions on them
in memory. Every change goes through ``regionopt.whatif`` (rules, figures, money) and every
repair through ``whatif(..., do_repair=True)`` (``regionopt.repair``); the current plan is
always judged against the starting plan, so the page shows what all changes together do.
"""

from __future__ import annotations

import csv
import io
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from regionopt import dutch
from regionopt.app import views
from regionopt.app.shapes import RegionShapes, feature_collection
from regionopt.app.state import Candidate, Editor, Proposal, changes_between
from regionopt.budget import budget
from regionopt.check import check
from regionopt.codes import code_problem, code_problem_nl
from regionopt.errors import InputError, Problem
from regionopt.evaluate import OPTED_OUT_NAME, plan_rows, region_table
from regionopt.mapdata import (
    plan_differences,
    plan_layers,
    subtitle,
    whatif_layers,
    whatif_title,
)
from regionopt.model.rules import RegionRules
from regionopt.names import region_names
from regionopt.plan import Plan
from regionopt.render import NO_REGION_COLOUR as NO_COLOUR
from regionopt.render import colour_regions, map_page, prepare_polygons, render_layers
from regionopt.repair import region_adjacency
from regionopt.whatif import (
    RULE_NAMES,
    Change,
    WhatIfResult,
    find_outsiders,
    find_schools,
    whatif,
)
from regionopt.workspace import Workspace

SEARCH_LIMIT = 30
"""Search results sent to the page (the total is sent too)."""
OUTSIDERS_SHOWN = 3
"""Schools that match a search but take no part, listed with why (the rest counted)."""


class Workbench:
    """The loaded data, the starting plan and everything the page asks about a tab's plan.

    Parameters
    ----------
    ws : Workspace
        Config, data, commuting model and school graph (``workspace.open_workspace``).
    start : Plan
        The plan every tab starts from (a proposal, or the documented actual regions).
    shapes : RegionShapes, optional
        Region polygons (built from ``ws`` when absent).
    """

    def __init__(self, ws: Workspace, start: Plan, *, shapes: RegionShapes | None = None) -> None:
        self.ws, self.start = ws, start
        self.instance, self.graph, self.config = ws.instance, ws.graph, ws.config
        self.actual = ws.loaded.actual
        self.names = region_names(self.instance, start)
        self.actual_names = region_names(self.instance, self.actual)
        self.gemeenten = {m.code: m.name for m in self.instance.municipalities}
        index = self.instance.index
        ids = {index[c]: r for c, r in start.assignment.items() if c in index}
        adjacency = region_adjacency(self.graph, ids)
        self.colours = colour_regions({r: set(adjacency[r]) for r in adjacency.nodes})
        self.shapes = shapes or RegionShapes(self.instance, ws.loaded.geography, ws.model)
        self._base = self._base_payload()
        self._report_lock = threading.Lock()

    def warm_up(self) -> None:
        """Run the code paths of a first request once, so the first user waits no longer."""
        self.state(Editor(self.start))
        self.judge(self.start, [])

    # ---- what never changes

    def base(self) -> dict[str, Any]:
        """The starting plan, its regions, every school, and the documented regions' shapes."""
        return self._base

    def _base_payload(self) -> dict[str, Any]:
        start, actual = self.start, self.actual
        rules = RegionRules.from_config(self.config.rules)
        props = {
            r: {"name": self.names.get(r, r), "colour": self.colours.get(r, NO_COLOUR)}
            for r in start.regions
        }
        actual_shapes = feature_collection(
            prepare_polygons(self.shapes.polygons(actual)),
            {r: {"name": self.actual_names.get(r, r)} for r in actual.regions},
        )
        return {
            "plan": {"name": start.name, "n_regions": len(start.regions)},
            "regions": [
                {"id": r, "name": self.names.get(r, r), "colour": self.colours.get(r, NO_COLOUR)}
                for r in sorted(start.regions, key=lambda r: (self.names.get(r) or r).casefold())
            ],
            "schools": [self._school_point(s.code) for s in self.instance.schools],
            "start_shapes": self.shapes.geojson(start, props),
            "actual_shapes": actual_shapes,
            "rules": RULE_NAMES,
            "rule_labels": dutch.rule_labels(rules),
            "status_labels": dict(dutch.STATUS_LABELS),
            "opted_out_name": OPTED_OUT_NAME,
            "limits": {
                "min_vmbo": rules.min_vmbo_schools,
                "min_technical_pupils": rules.min_technical,
            },
        }

    def _school_point(self, code: str) -> dict[str, Any]:
        s = self.instance.school(code)
        return {
            "code": s.code,
            "name": s.name,
            "place": s.place,
            "lon": round(s.lon, 5),
            "lat": round(s.lat, 5),
            "technical": s.technical_pupils,
            "region": self.start.assignment.get(s.code),
            "actual_region": self.actual.assignment.get(s.code),
        }

    # ---- a tab's plan

    def state(self, editor: Editor, result: WhatIfResult | None = None) -> dict[str, Any]:
        """The tab's plan: what changed since the start, judged by ``whatif``; undo/redo.

        ``result`` is ``judge`` of the tab's plan when the caller has it already.
        """
        changes = editor.changes()
        if result is None and changes:
            result = self.judge(editor.plan, changes)
        proposal = editor.proposal
        return {
            "version": editor.version,
            "undo": editor.history[-1].label if editor.can_undo else None,
            "redo": editor.undone[0].label if editor.can_redo else None,
            "undo_nl": editor.history[-1].label_nl if editor.can_undo else None,
            "redo_nl": editor.undone[0].label_nl if editor.can_redo else None,
            "steps": len(editor.history),
            "changed": {c.code: c.region_id for c in changes},
            "whatif": None if not changes or result is None else self._whatif_view(result),
            "actual_differences": sorted(
                plan_differences(
                    editor.plan, self.actual, plan_names=self.names, actual_names=self.actual_names
                )
            ),
            "has_proposal": proposal is not None and proposal.base_version == editor.version,
        }

    def judge(self, plan: Plan, changes: Sequence[Change], **kwargs: Any) -> WhatIfResult:
        """``whatif`` of the changes from the starting plan (that give ``plan``)."""
        result = whatif(self.instance, self.graph, self.start, list(changes), self.config, **kwargs)
        assert result.after.assignment == plan.assignment, "changes do not give the plan"
        return result

    def _mbo(self, result: WhatIfResult) -> dict[str, dict[str, tuple[str, ...]]]:
        """Mbo partners of the shown regions in each stage (``evaluate.region_table``)."""
        shown = {r.region_id for r in result.regions}
        stages = {"before": result.before, "after": result.after}
        if result.repair is not None and result.repair.status == "repaired":
            stages["repaired"] = result.repair.plan
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for stage, plan in stages.items():
            part = Plan.from_mapping({c: r for c, r in plan.assignment.items() if r in shown})
            table = region_table(self.instance, part, rules=self.config.rules)
            out[stage] = {s.region_id: s.mbo_partners for s in table}
        return out

    def _whatif_view(self, result: WhatIfResult) -> dict[str, Any]:
        view = views.whatif_view(result, self._mbo(result))
        for r in view["regions"]:
            r["colour"] = self.colours.get(r["region_id"], NO_COLOUR)
        return view

    def preview(self, editor: Editor, change: Change) -> tuple[Candidate, WhatIfResult]:
        """The change on a copy of the tab's plan, judged; nothing is committed.

        Returns the candidate and ``judge`` of its plan (for ``state`` after the commit).

        Raises
        ------
        InputError
            An unknown school or region, or a change that does not fit the plan.
        """
        candidate = editor.preview([change], self.instance)
        # Judged here, so a change whatif cannot handle fails before the commit, not after.
        return candidate, self.judge(candidate.plan, changes_between(self.start, candidate.plan))

    def repair(self, editor: Editor, *, allow_dissolve: bool) -> dict[str, Any]:
        """Ask for the fewest further moves; the proposal is kept for ``Editor.preview_repair``.

        Every change since the start stays as it is; only other schools may move.
        """
        changes = editor.changes()
        if not changes:
            return {"status": "not_needed", "moves": [], "explanation": [], "regions": []}
        result = self.judge(editor.plan, changes, do_repair=True, allow_dissolve=allow_dissolve)
        rep = result.repair
        if rep is not None and rep.status == "repaired" and rep.moves:
            editor.proposal = Proposal(rep.moves, editor.version, allow_dissolve)
        else:
            editor.proposal = None
        view = views.repair_view(result, self.instance, self.names, self._mbo(result))
        view["version"] = editor.version
        return view

    # ---- looking things up

    def search(self, text: str, editor: Editor) -> dict[str, Any]:
        """Schools whose name, code, address, place, gemeente or region matches ``text``
        (``find_schools``), and the schools in the data that match but do not take part, each
        with why in Dutch (``find_outsiders``)."""
        found = find_schools(self.instance, text, editor.plan)
        outside = find_outsiders(self.instance, text)
        return {
            "total": len(found),
            "schools": [asdict(m) for m in found[:SEARCH_LIMIT]],
            "outsiders_total": len(outside),
            "outsiders": [
                code_problem_nl(self.instance, o.code) for o in outside[:OUTSIDERS_SHOWN]
            ],
        }

    def school(self, code: str, editor: Editor) -> dict[str, Any]:
        """A school's figures, its region and penvoerder now, and the regions near it."""
        if code not in self.instance.index:
            raise InputError(
                [code_problem(self.instance, code, file="school", where=code, audience="app")]
            )
        s = self.instance.school(code)
        region = editor.plan.assignment.get(code)
        stats = self._region_stats(editor.plan, region) if region else None
        return {
            **self._school_point(code),
            "gemeente": self.gemeenten.get(s.gemeente, s.gemeente),
            "kind": s.kind,
            "profiles": views.profiles(s),
            "beroepsgericht_pupils": s.pupils.beroepsgericht,
            "current_region": region,
            "penvoerder": None if stats is None else stats["penvoerder"],
            "is_penvoerder": stats is not None and stats["penvoerder"]["code"] == code,
            "nearby_regions": self._nearby_regions(editor.plan, code),
        }

    def _nearby_regions(self, plan: Plan, code: str) -> list[str]:
        """Regions of the schools linked to this one in the school graph, most links first."""
        counts: dict[str, int] = {}
        node = self.instance.index[code]
        if node not in self.graph:  # a school the graph does not link (yet): no neighbours
            return []
        for j in self.graph.neighbors(node):
            r = plan.assignment.get(self.instance.schools[j].code)
            if r is not None and r != plan.assignment.get(code):
                counts[r] = counts.get(r, 0) + 1
        return sorted(counts, key=lambda r: (-counts[r], r))

    def _region_stats(self, plan: Plan, region: str) -> dict[str, Any]:
        part = Plan.from_mapping({c: region for c in plan.regions.get(region, ())})
        return views.region_stats(region_table(self.instance, part, rules=self.config.rules)[0])

    def region(self, region_id: str, editor: Editor) -> dict[str, Any]:
        """A region of the tab's plan: figures, every rule's status, money, members."""
        plan = editor.plan
        if region_id not in self.start.regions and region_id not in plan.regions:
            raise InputError(
                [Problem("region", region_id, "no such region in this plan", "pick one on the map")]
            )
        members = plan.regions.get(region_id, ())
        violations = check(self.instance, self.graph, plan, self.config.rules, regions=[region_id])
        return {
            "region_id": region_id,
            "name": self.names.get(region_id, region_id),
            "colour": self.colours.get(region_id, NO_COLOUR),
            "dissolved": not members,
            "figures": self._region_stats(plan, region_id) if members else None,
            "rules": views.rule_statuses(violations, RULE_NAMES[1:], region_id, plan),
            "money": views.region_money(budget(self.instance, plan, self.config.budget), region_id),
            "members": sorted(
                (
                    {
                        "code": c,
                        "name": self.instance.school(c).name,
                        "technical": self.instance.school(c).technical_pupils,
                    }
                    for c in members
                    if c in self.instance.index
                ),
                key=lambda m: (-m["technical"], m["code"]),
            ),
        }

    def region_shapes(self, plan: Plan) -> dict[str, Any]:
        """A plan's regions as GeoJSON (name and colour in each feature's properties)."""
        props = {
            r: {"name": self.names.get(r, r), "colour": self.colours.get(r, NO_COLOUR)}
            for r in plan.regions
        }
        return self.shapes.geojson(plan, props)

    # ---- downloads

    def plan_csv(self, editor: Editor) -> bytes:
        """The tab's plan as ``regions.csv`` (``evaluate.plan_rows``), UTF-8 with a BOM."""
        header, rows = plan_rows(self.instance, editor.plan)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")

    def report_html(
        self, plan: Plan, changes: Sequence[Change], *, repaired: frozenset[str] = frozenset()
    ) -> str:
        """The what-if report of the changes from the start that give ``plan``, or the
        proposal report of ``plan`` when there are none; each with its map. ``repaired``
        are the changed schools an accepted repair moved (listed as such)."""
        from regionopt.report import write_proposal_report, write_whatif_report

        parameters: dict[str, object] = {
            "plan": self.start.name,
            "rules": self.config.rules.model_dump(),
        }
        with self._report_lock, tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.html"
            if changes:
                result = self.judge(plan, changes)
                write_whatif_report(
                    path, result, self.instance, map_html=self._whatif_map(result),
                    parameters=parameters, repaired=repaired,
                )  # fmt: skip
            else:
                write_proposal_report(
                    path, instance=self.instance, plan=plan, config=self.config,
                    map_html=self._plan_map(plan), parameters=parameters,
                )  # fmt: skip
            return path.read_text(encoding="utf-8")

    def _whatif_map(self, result: WhatIfResult) -> str:
        """The what-if's map (``mapdata.whatif_layers``), territories from ``self.shapes``."""
        layers = whatif_layers(
            self.ws.loaded, result, config=self.config, make_territories=self.shapes.polygons
        )
        sub = subtitle(self.ws.loaded, None, {"plan": self.start.name})
        return map_page(render_layers(layers, title=whatif_title(result)[:300], subtitle=sub))

    def _plan_map(self, plan: Plan) -> str:
        """The plan's map with the documented regions (``mapdata.plan_layers``)."""
        layers = plan_layers(
            self.instance, plan, self.actual, geography=self.ws.loaded.geography,
            config=self.config, territories=self.shapes.polygons(plan),
            actual_territories=self.shapes.polygons(self.actual),
        )  # fmt: skip
        title = f"STO-regio's: {plan.name}"
        return map_page(render_layers(layers, title=title, subtitle=subtitle(self.ws.loaded, plan)))
