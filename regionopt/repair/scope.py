"""The scope of a repair: regions near the broken ones, and those tied to them by close pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from regionopt.config import RulesConfig
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules


def region_adjacency(graph: nx.Graph, assignment: Mapping[int, str]) -> nx.Graph:
    """Regions as nodes, linked when a school-graph edge joins two of their members."""
    adj = nx.Graph()
    adj.add_nodes_from(set(assignment.values()))
    for a, b in graph.edges():
        ra, rb = assignment.get(a), assignment.get(b)
        if ra is not None and rb is not None and ra != rb:
            adj.add_edge(ra, rb)
    return adj


def scope_regions(
    adjacency: nx.Graph, targets: Iterable[str], level: int, extra: Iterable[str] = ()
) -> list[str]:
    """Target regions plus all regions within ``level`` steps in the region adjacency graph."""
    found = set(extra)
    for t in targets:
        if t in adjacency:
            found |= set(nx.single_source_shortest_path_length(adjacency, t, cutoff=level))
        else:
            found.add(t)
    return sorted(found)


def together_partner_regions(
    instance: Instance, rules: RulesConfig, assign_ids: Mapping[int, str]
) -> dict[str, set[str]]:
    """Region -> other regions holding a school that must stay with one of its schools."""
    out: dict[str, set[str]] = {}
    region_rules = RegionRules.from_config(rules)
    if not region_rules.together_strict:
        return out
    for a, b in region_rules.close_pairs(instance.xy).tolist():
        ra, rb = assign_ids.get(a), assign_ids.get(b)
        if ra is not None and rb is not None and ra != rb:
            out.setdefault(ra, set()).add(rb)
            out.setdefault(rb, set()).add(ra)
    return out
