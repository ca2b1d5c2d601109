"""regionopt's optimizer against the regionalisation tools a user might pick instead.

Usage::

    python bench/bench_propose.py [--time-limit 60] [--seed 0] [--workers 2]
                                  [--recom-steps 200] [--skip maxp,azp,skater,recom]

One run on the national instance (real data, default config, 77 regions). regionopt is timed
to its first rule-valid plan and to its final objective (the last improvement), with the
proven bound and gap, both CP-SAT alone and the whole ``regionopt propose`` pipeline (CP-SAT,
column-generation bound, window improvement, with propose's default times); every peer runs
with the settings a user would give it:

* spopt MaxP (threshold: ``rules.min_technical_pupils`` technical pupils; it picks the
  number of regions itself), AZP and SKATER (77 regions, SKATER with a floor of
  ``rules.min_vmbo`` schools), all on the school graph as spatial weights and the school
  coordinates as attributes;
* GerryChain ReCom with technical pupils as population (bounds: the rule's minimum .. the
  larger of 2 x ideal and the largest start region), started
  from regionopt's constructive plan, keeping the best plan by regionopt's objective.

Every plan is judged by the same checker (``regionopt.check``) and scored with the same
objective (``regionopt.model.objective.Objective``). Prints a markdown table for the README.
Needs the ``bench`` extra: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from regionopt.check import check, is_valid
from regionopt.model.candidates import candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.plan import Plan
from regionopt.solve.heuristic import warm_start
from regionopt.solve.pipeline import Optimised, Progress, optimise, restriction_of
from regionopt.workspace import Workspace, open_workspace


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    method: str
    regions: int
    valid: bool
    broken: int
    broken_rules: str
    objective: float | None
    cut_pupils: float | None
    time_s: float
    note: str = ""


def _judge(
    ws: Workspace,
    objective: Objective,
    name: str,
    labels: np.ndarray,
    seconds: float,
    note: str = "",
) -> Row:
    """Check and score one plan given as labels (-1 = unassigned)."""
    plan = Plan.from_labels(objective.problem.codes, labels, name=name)
    violations = check(ws.instance, ws.graph, plan, ws.config.rules)
    broken = [v for v in violations if v.severity == "broken"]
    rules: dict[str, int] = {}
    for v in broken:
        rules[v.rule] = rules.get(v.rule, 0) + 1
    comps = objective.score(labels) if (labels >= 0).all() else None
    return Row(
        name,
        len(plan.regions),
        is_valid(violations),
        len(broken),
        ", ".join(f"{r} {n}" for r, n in sorted(rules.items())),
        None if comps is None else comps.total,
        None if comps is None else comps.cut_pupils,
        seconds,
        note,
    )


def _final_time(trace: list[tuple[float, float]], default: float) -> float:
    """When the best objective of a (time, objective) trace was first reached."""
    if not trace:
        return default
    final = min(o for _, o in trace)
    return next(t for t, o in trace if o <= final + 1e-9)


def _timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray | None, float, str]:
    started = time.perf_counter()
    try:
        labels = fn()
    except Exception as exc:  # a peer that fails is a result too
        return None, time.perf_counter() - started, f"failed: {type(exc).__name__}: {exc}"[:120]
    return np.asarray(labels, dtype=np.int64), time.perf_counter() - started, ""


def _frame(ws: Workspace):
    import geopandas as gpd

    inst = ws.instance
    return gpd.GeoDataFrame(
        {
            "x_km": inst.xy[:, 0] / 1000.0,
            "y_km": inst.xy[:, 1] / 1000.0,
            "technical": inst.technical_pupils.astype(float),
        },
        geometry=gpd.points_from_xy(inst.xy[:, 0], inst.xy[:, 1]),
        crs="EPSG:28992",
    )


def _weights(ws: Workspace):
    from libpysal.weights import W

    neighbours = {i: sorted(int(j) for j in ws.graph.neighbors(i)) for i in ws.graph.nodes}
    return W(neighbours, silence_warnings=True)


def run_maxp(ws: Workspace, seed: int) -> np.ndarray:
    from spopt.region import MaxPHeuristic

    np.random.seed(seed)
    model = MaxPHeuristic(
        _frame(ws),
        _weights(ws),
        ["x_km", "y_km"],
        "technical",
        ws.config.rules.min_technical_pupils,
        top_n=2,
    )
    model.solve()
    return np.asarray(model.labels_) - np.min(model.labels_)


def run_azp(ws: Workspace, seed: int, k: int) -> np.ndarray:
    from spopt.region import AZP

    model = AZP(_frame(ws), _weights(ws), ["x_km", "y_km"], n_clusters=k, random_state=seed)
    model.solve()
    return _relabel(np.asarray(model.labels_))


def run_skater(ws: Workspace, k: int) -> np.ndarray:
    from spopt.region import Skater

    model = Skater(
        _frame(ws),
        _weights(ws),
        ["x_km", "y_km"],
        n_clusters=k,
        floor=ws.config.rules.min_vmbo,
        trace=False,
    )
    model.solve()
    return _relabel(np.asarray(model.labels_))


def run_recom(
    ws: Workspace, objective: Objective, start: np.ndarray, steps: int, seed: int
) -> tuple[np.ndarray, int]:
    """ReCom chain from ``start``; returns the best valid plan by our objective."""
    from gerrychain import Graph, MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.constraints import Bounds, contiguous
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally, cut_edges

    inp = objective.problem
    nx_graph = ws.graph.copy()
    for i in nx_graph.nodes:
        nx_graph.nodes[i]["tech"] = int(inp.technical[i])
    graph = Graph.from_networkx(nx_graph)
    assignment = {i: int(start[i]) for i in range(inp.n)}
    initial = Partition(
        graph, assignment, updaters={"tech": Tally("tech", alias="tech"), "cut_edges": cut_edges}
    )
    ideal = float(inp.technical.sum()) / len(set(start.tolist()))
    # Technical pupils per region between the rule's minimum and twice the ideal.
    epsilon = 1.0 - ws.config.rules.min_technical_pupils / ideal
    proposal = _recom_proposal(recom, ideal, epsilon, seed)
    upper = max(max(initial["tech"].values()), 2 * ideal)
    chain = MarkovChain(
        proposal,
        constraints=[contiguous, Bounds(_sizes, (ws.config.rules.min_technical_pupils, upper))],
        acceptance_fn=always_accept,
        initial_partition=initial,
        total_steps=steps,
    )
    best = (objective.score(start).total, start)
    valid_seen = 0
    for part in chain:
        labels = np.array([part.assignment[i] for i in range(inp.n)], dtype=np.int64)
        plan = Plan.from_labels(inp.codes, labels)
        if not is_valid(check(ws.instance, ws.graph, plan, ws.config.rules)):
            continue
        valid_seen += 1
        value = objective.score(labels).total
        if value < best[0]:
            best = (value, labels)
    return _relabel(best[1]), valid_seen


def _sizes(partition) -> list[float]:
    return list(partition["tech"].values())


def _recom_proposal(recom: Callable, ideal: float, epsilon: float, seed: int) -> Callable:
    rng = random.Random(seed)

    def proposal(partition):
        # A pair with no balanced split stays as it is (a rejected step, not a crash).
        try:
            return recom(partition, pop_col="tech", pop_target=ideal, epsilon=epsilon, rng=rng)
        except Exception:
            return partition

    return proposal


def _relabel(labels: np.ndarray) -> np.ndarray:
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.astype(np.int64)


def main() -> None:
    """Run every method once and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--regions", type=int, default=77)
    parser.add_argument("--recom-steps", type=int, default=200)
    parser.add_argument("--skip", default="", help="comma-separated: maxp,azp,skater,recom")
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    warnings.filterwarnings("ignore")

    started = time.perf_counter()
    ws = open_workspace()
    print(f"load + graph: {time.perf_counter() - started:.1f} s; {ws.instance.n} schools")
    problem = Problem.from_instance(
        ws.instance, ws.graph, ws.config.rules, regions=(args.regions, args.regions)
    )
    objective = Objective.build(problem, ws.config.weights)
    search = ws.config.search.model_copy(update={"seed": args.seed, "workers": args.workers})
    rows: list[Row] = []

    # regionopt: constructive plan alone, CP-SAT alone, then the whole pipeline.
    t0 = time.perf_counter()
    hint = warm_start(objective, candidates(problem, restriction_of(search)), seed=args.seed)
    t_hint = time.perf_counter() - t0
    if hint is not None:
        rows.append(_judge(ws, objective, "regionopt warm start (constructive)", hint[0], t_hint))
    trace: list[tuple[float, float]] = []

    def progress(p: Progress) -> None:
        if p.objective is not None:
            trace.append((p.elapsed_s, p.objective))

    alone = search.model_copy(update={"cp_sat_s": args.time_limit, "bound_s": 0, "improve_s": 0})
    rows.append(
        _pipeline_row(
            ws,
            objective,
            optimise(problem, ws.config.weights, alone, progress=progress),
            trace,
            f"regionopt CP-SAT alone ({args.workers} workers, {args.time_limit:g} s)",
        )
    )
    trace.clear()
    done = optimise(problem, ws.config.weights, search, progress=progress)
    rows.append(_pipeline_row(ws, objective, done, trace, "regionopt propose (defaults)"))
    sys.stdout.flush()

    if "maxp" not in skip:
        labels, secs, note = _timed(lambda: run_maxp(ws, args.seed))
        rows.append(
            _row_or_fail(ws, objective, "spopt MaxP (threshold 100 tech.)", labels, secs, note)
        )
    if "azp" not in skip:
        labels, secs, note = _timed(lambda: run_azp(ws, args.seed, args.regions))
        rows.append(
            _row_or_fail(ws, objective, f"spopt AZP (k={args.regions})", labels, secs, note)
        )
    if "skater" not in skip:
        labels, secs, note = _timed(lambda: run_skater(ws, args.regions))
        rows.append(
            _row_or_fail(ws, objective, f"spopt SKATER (k={args.regions})", labels, secs, note)
        )
    if "recom" not in skip and hint is not None:
        t0 = time.perf_counter()
        try:
            labels, valid_seen = run_recom(ws, objective, hint[0], args.recom_steps, args.seed)
            note = f"{args.recom_steps} steps from the warm start; {valid_seen} valid states"
        except Exception as exc:
            labels, note = None, f"failed: {type(exc).__name__}: {exc}"[:120]
        secs = time.perf_counter() - t0
        rows.append(
            _row_or_fail(ws, objective, "GerryChain ReCom (best of chain)", labels, secs, note)
        )

    print()
    print("| method | regions | valid? | violations (broken) | objective | cut pupils | time (s) |")
    print("|---|---:|---|---|---:|---:|---:|")
    for r in rows:
        obj = "-" if r.objective is None else f"{r.objective:,.0f}"
        cut = "-" if r.cut_pupils is None else f"{r.cut_pupils:,.0f}"
        viol = f"{r.broken}" + (f" ({r.broken_rules})" if r.broken_rules else "")
        print(
            f"| {r.method} | {r.regions} | {'yes' if r.valid else 'no'} | {viol} | {obj} | "
            f"{cut} | {r.time_s:.1f} |"
        )
    notes = [f"- {r.method}: {r.note}" for r in rows if r.note]
    if notes:
        print()
        print("\n".join(notes))


def _pipeline_row(
    ws: Workspace,
    objective: Objective,
    done: Optimised,
    trace: list[tuple[float, float]],
    name: str,
) -> Row:
    """The row of a pipeline run, with its status, bound and timings as a note."""
    assert done.partition is not None, "no plan"
    t_final = _final_time(trace, done.wall_time_s)
    note = (
        f"status {done.status}; first valid {done.time_to_first_valid_s or 0:.1f} s; final "
        f"objective at {t_final:.1f} s; bound {done.bound:,.1f} ({done.bound_method}); "
        f"gap {done.gap or 0:.2%}"
    )
    print(f"{name}: objective {done.partition.objective:,.1f}, {note}", flush=True)
    return _judge(ws, objective, name, done.partition.labels, done.wall_time_s, note)


def _row_or_fail(
    ws: Workspace,
    objective: Objective,
    name: str,
    labels: np.ndarray | None,
    secs: float,
    note: str,
) -> Row:
    if labels is None:
        return Row(name, 0, False, 0, "", None, None, secs, note)
    return _judge(ws, objective, name, labels, secs, note)


if __name__ == "__main__":
    main()
