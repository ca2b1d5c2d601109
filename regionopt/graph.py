"""The school graph the optimizer partitions (networkx).

Nodes are participating vestigingen (node id = ``School.id``, attribute ``code``). Two schools
are linked when their modelled catchments overlap (``commute.shared_catchment``): the edge
weight is the modelled pupils whose choice is split between them, the price of putting them in
different regions. Each school also links to its ``neighbours`` nearest schools so thinly
modelled land has no holes. Links are
drawn from the Delaunay triangulation of the schools (natural neighbours, where catchments
overlap) and the nearest schools within ``cutoff_km``, which keeps the graph sparse: shared
catchment between schools that are not natural neighbours is left out of the graph. The Wadden
islands link only to their ferry side; a part of the
graph that stays disconnected is reported in ``graph.graph["components"]``, never bridged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from scipy.spatial import Delaunay, QhullError, cKDTree

from regionopt.commute import CommuteModel, shared_catchment
from regionopt.config import CommuteConfig
from regionopt.instance import Instance

if TYPE_CHECKING:
    from regionopt.load import Geography

FERRY_SIDE: dict[str, str] = {
    "GM0448": "GM0400",  # Texel -> Den Helder
    "GM0096": "GM0072",  # Vlieland -> Harlingen
    "GM0093": "GM0072",  # Terschelling -> Harlingen
    "GM0060": "GM1970",  # Ameland -> Holwerd (Noardeast-Fryslân)
    "GM0088": "GM1966",  # Schiermonnikoog -> Lauwersoog (Het Hogeland)
}
"""Island gemeente -> gemeente of its ferry harbour on the mainland (CBS 2022 codes)."""


def _allowed(gm_a: str, gm_b: str) -> bool:
    """An island school links only within its island and to its ferry side."""
    for a, b in ((gm_a, gm_b), (gm_b, gm_a)):
        if a in FERRY_SIDE and b != a and b != FERRY_SIDE[a]:
            return False
    return True


def build_graph(
    instance: Instance, model: CommuteModel, config: CommuteConfig | None = None
) -> nx.Graph:
    """Build the weighted school graph from a commuting model.

    Parameters
    ----------
    instance : Instance
        The participating schools (the nodes).
    model : CommuteModel
        Modelled flows (``commute.commute_model``).
    config : CommuteConfig, optional
        ``min_edge_pupils`` (sparsity) and ``neighbours`` (nearest-school links).

    Returns
    -------
    networkx.Graph
        Edge attributes ``weight`` (shared modelled pupils) and ``distance_km``; graph
        attributes ``components`` (list of code lists, only when there are several) and
        ``mean_distance_km`` of the commuting model.
    """
    config = config or model.config
    n = instance.n
    shared = shared_catchment(model).tocsr()
    xy = instance.xy
    pairs: dict[tuple[int, int], float] = {}
    # Candidate links: the Delaunay triangulation (each school's natural neighbours) kept
    # where the catchments overlap, plus the nearest schools within the cut-off distance.
    if n >= 3:
        try:
            tri = Delaunay(xy)
            for simplex in tri.simplices:
                for a, b in ((0, 1), (1, 2), (0, 2)):
                    i, j = sorted((int(simplex[a]), int(simplex[b])))
                    w = float(shared[i, j])
                    if w >= config.min_edge_pupils:
                        pairs[(i, j)] = w
        except QhullError:  # all schools on one line: nearest neighbours suffice
            pass
    if n > 1:
        k = min(config.neighbours + 1, n)
        dist, nearest = cKDTree(xy).query(xy, k=k)
        for i in range(n):
            for d, j in zip(np.atleast_2d(dist)[i][1:], np.atleast_2d(nearest)[i][1:], strict=True):
                if d <= config.cutoff_km * 1000.0:
                    a, b = sorted((i, int(j)))
                    pairs.setdefault((a, b), float(shared[a, b]))
    gm = [s.gemeente for s in instance.schools]
    # Islands: keep their ferry link even when the model gave no edge to that side.
    for island, harbour in FERRY_SIDE.items():
        on_island = [s.id for s in instance.schools if s.gemeente == island]
        ashore = [s.id for s in instance.schools if s.gemeente == harbour]
        if on_island and ashore:
            d = np.linalg.norm(instance.xy[on_island][:, None] - instance.xy[ashore][None], axis=2)
            i_island, i_ashore = np.unravel_index(np.argmin(d), d.shape)
            a, b = sorted((on_island[int(i_island)], ashore[int(i_ashore)]))
            pairs.setdefault((a, b), float(shared[a, b]))
    edges = [(a, b, w) for (a, b), w in pairs.items() if _allowed(gm[a], gm[b])]
    return graph_from_edges(instance, edges, mean_distance_km=model.mean_distance_km)


def graph_from_edges(
    instance: Instance,
    edges: Iterable[tuple[int, int] | tuple[int, int, float]],
    *,
    mean_distance_km: float | None = None,
) -> nx.Graph:
    """A school graph from explicit edges (ids), e.g. for hand-drawn test fixtures.

    Edges given as pairs get weight 1.0. ``distance_km`` is computed from coordinates.
    """
    g = nx.Graph()
    for s in instance.schools:
        g.add_node(s.id, code=s.code)
    xy = instance.xy
    for e in edges:
        a, b = int(e[0]), int(e[1])
        w = float(e[2]) if len(e) > 2 else 1.0
        g.add_edge(a, b, weight=w, distance_km=float(np.linalg.norm(xy[a] - xy[b]) / 1000.0))
    comps = sorted(nx.connected_components(g), key=len, reverse=True)
    g.graph["components"] = (
        [sorted(instance.schools[i].code for i in c) for c in comps] if len(comps) > 1 else []
    )
    if mean_distance_km is not None:
        g.graph["mean_distance_km"] = mean_distance_km
    return g


def graph_stats(graph: nx.Graph) -> dict[str, float | int]:
    """Nodes, edges, components and degree statistics (for ``regionopt graph``)."""
    degrees = np.array([d for _, d in graph.degree()], dtype=float)
    weights = np.array([w for *_, w in graph.edges(data="weight")], dtype=float)
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "components": nx.number_connected_components(graph) if len(graph) else 0,
        "degree_min": int(degrees.min()) if len(degrees) else 0,
        "degree_mean": round(float(degrees.mean()), 2) if len(degrees) else 0.0,
        "degree_max": int(degrees.max()) if len(degrees) else 0,
        "weight_total": round(float(weights.sum()), 1),
        "mean_distance_km": round(float(graph.graph.get("mean_distance_km", 0.0)), 2),
    }


def region_subgraph_components(graph: nx.Graph, members: Sequence[int]) -> list[list[int]]:
    """Connected parts of the subgraph induced by one region's members."""
    return [sorted(c) for c in nx.connected_components(graph.subgraph(members))]


def commuting_graph(
    instance: Instance, geography: Geography, config: CommuteConfig | None = None
) -> tuple[CommuteModel, nx.Graph]:
    """Commuting model and school graph in one call, from ``load_all()``'s geography.

    Parameters
    ----------
    instance : Instance
    geography : load.Geography
        Supplies ``origins_xy`` and ``origins_pupils`` (primary schools).
    config : CommuteConfig, optional

    Returns
    -------
    (CommuteModel, networkx.Graph)
    """
    from regionopt.commute import commute_model

    config = config or CommuteConfig()
    model = commute_model(
        instance,
        geography.origins_xy,
        geography.origins_pupils,
        config,
    )
    return model, build_graph(instance, model, config)


def catchment_retention(graph: nx.Graph, labels: dict[int, str]) -> dict[str, float]:
    """Per region: the share of its schools' shared-catchment weight that stays inside it.

    Parameters
    ----------
    graph : networkx.Graph
        The school graph with ``weight`` on its edges.
    labels : dict
        School id -> region id for the schools in the plan (others are ignored, so a partial
        plan's figure only counts edges between documented schools and to undocumented ones).

    Returns
    -------
    dict
        Region id -> internal weight / (internal + outgoing) weight, in [0, 1].
    """
    inside: dict[str, float] = {}
    total: dict[str, float] = {}
    for a, b, w in graph.edges(data="weight"):
        ra, rb = labels.get(a), labels.get(b)
        if ra is not None and ra == rb:
            inside[ra] = inside.get(ra, 0.0) + w
            total[ra] = total.get(ra, 0.0) + w
            continue
        for r in (ra, rb):
            if r is not None:
                total[r] = total.get(r, 0.0) + w
    return {r: round(inside.get(r, 0.0) / t, 4) if t else 0.0 for r, t in sorted(total.items())}
