"""Benchmark: load the real data, build the commuting model and school graph, territories.

Run on demand: ``python bench/bench_graph.py [--data DIR]``. Prints the time of each stage
and the graph's figures, and per documented actual region the share of its schools'
shared-catchment weight that stays inside it (a sanity figure, not tuned to).
"""

from __future__ import annotations

import argparse
import time

from regionopt.commute import commute_model
from regionopt.config import Config
from regionopt.graph import build_graph, catchment_retention, graph_stats
from regionopt.load import load_all
from regionopt.territory import origin_cells, territories


def main() -> None:
    """Time every stage once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    cfg = Config()
    t0 = time.perf_counter()
    loaded = load_all(args.data, participation=cfg.participation)
    t1 = time.perf_counter()
    model = commute_model(
        loaded.instance, loaded.geography.origins_xy, loaded.geography.origins_pupils, cfg.commute
    )
    t2 = time.perf_counter()
    graph = build_graph(loaded.instance, model, cfg.commute)
    t3 = time.perf_counter()
    cells = origin_cells(loaded.geography, model)
    t4 = time.perf_counter()
    terr = territories(loaded.actual, loaded.instance, loaded.geography, model, cells=cells)
    t5 = time.perf_counter()
    print("| stage | seconds |\n|---|---|")
    for name, secs in (
        ("load and validate all files", t1 - t0),
        ("commuting model", t2 - t1),
        ("school graph", t3 - t2),
        ("graph total (model + graph)", t3 - t1),
        ("origin cells (once per run)", t4 - t3),
        ("territories of one plan", t5 - t4),
    ):
        print(f"| {name} | {secs:.2f} |")
    print()
    for key, value in graph_stats(graph).items():
        print(f"{key:>18}: {value}")
    print(f"{'territories':>18}: {len(terr)} (actual regions + unknown)")
    inst = loaded.instance
    labels = {inst.index[c]: r for c, r in loaded.actual.assignment.items() if c in inst.index}
    print("\ncatchment retention per documented actual region (lower bound when partial):")
    for region, share in sorted(catchment_retention(graph, labels).items(), key=lambda kv: kv[1]):
        kind = "partial" if region in loaded.actual.partial_regions else "complete"
        print(f"  {region:45s} {share:6.1%}  {kind}")


if __name__ == "__main__":
    main()
