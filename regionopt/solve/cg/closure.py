"""Closure pricing: an exact maximum of a relaxation of one root's pricing problem.

Drop contiguity and the single-region rules (keep the root, its candidate members,
close-school groups and item charges): what is left maximises a supermodular function
(non-negative edge rewards), a maximum-weight closure problem solved by one minimum cut
(OR-Tools max flow) per possible match. Its value bounds the root's pricing value from above.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from ortools.graph.python import max_flow

from regionopt.model.objective import SIZE_FINE
from regionopt.solve.cg.pricing_problem import FINE, RootData

# Max-flow capacities stay far below int64's limit (sums of them must not overflow).
_CAPACITY_SAFE = 2**52


class ClosureNet:
    """One root's closure network: arcs fixed, capacities follow the duals.

    Built once per root, so each pricing call only sets capacities. Nodes: source 0, sink 1,
    the members, one item per internal edge (requires both ends) and one per charged item
    (required by its members).
    """

    def __init__(self, root: RootData) -> None:
        nm, ne, ni = len(root.members), len(root.edges), len(root.item_cost)
        node = 2 + np.arange(nm)
        edge_item = 2 + nm + np.arange(ne)
        item = 2 + nm + ne + np.arange(ni)
        tie = np.array(
            sorted(
                {(a, b) for a, b in root.tie if a != b} | {(b, a) for a, b in root.tie if a != b}
            ),
            dtype=np.int64,
        ).reshape(-1, 2)
        has = root.memberships
        src = np.r_[
            np.zeros(nm),
            node,
            np.zeros(ne),
            edge_item,
            edge_item,
            item,
            node[has[:, 0]],
            node[tie[:, 0]],
        ].astype(np.int64)
        dst = np.r_[
            node,
            np.ones(nm),
            edge_item,
            node[root.edges[:, 0]] if ne else [],
            node[root.edges[:, 1]] if ne else [],
            np.ones(ni),
            item[has[:, 1]],
            node[tie[:, 1]],
        ].astype(np.int64)
        self.size = 2 + nm + ne + ni
        self.node = node
        self.n_inf_items = 2 * ne
        self.n_inf_rest = len(has) + len(tie)
        self.flow = max_flow.SimpleMaxFlow()
        self.arcs = self.flow.add_arcs_with_capacity(src, dst, np.zeros(len(src), dtype=np.int64))

    def min_cut(self, cap: np.ndarray) -> tuple[int, np.ndarray] | None:
        """(flow value, source side as a node mask) with capacities ``cap`` in arc order, or
        None when OR-Tools cannot solve it (capacities near overflow)."""
        self.flow.set_arcs_capacity(self.arcs, cap)
        if self.flow.solve(0, 1) != self.flow.OPTIMAL:
            return None
        side = np.zeros(self.size, dtype=bool)
        side[self.flow.get_source_side_min_cut()] = True
        return int(self.flow.optimal_flow()), side


def closure(
    root: RootData,
    pi: np.ndarray,
    move_cost: int = 0,
    size_line: tuple[int, int] | None = None,
) -> tuple[float, np.ndarray]:
    """Upper bound on a root's pricing value and the maximising member set (global ids).

    Members earn their dual (rounded up, so the value stays an upper bound) less their km;
    edge items earn their weight when both ends are in; charged items cost their price when a
    member touches them. With a reference plan, one closure per match (none, or each reference
    region among the members, whose schools then earn back their move and the kept row's
    dual, and whose match dual is added): the best of them. With a size cost, ``size_line``
    (a, b) is one of its lines, ``(a + b * T) / SIZE_FINE``, which lies below it: each member
    then pays ``b`` per technical pupil (rounded in its favour) and the value ``a``.
    """
    duals = root.rounded_duals(pi)
    nm, nr = len(root.members), len(root.refs)
    base = duals[:nm] - FINE * root.km
    offset = 0.0
    if size_line is not None:
        a, b = size_line
        base = base - (FINE * b * root.size) // SIZE_FINE
        offset = a / SIZE_FINE
    # A kept member earns back its move, plus the kept row's dual (when there is one).
    bonus = np.full(nm, FINE * move_cost, dtype=np.int64)
    if len(duals) > nm + nr:
        bonus[root.ref_local >= 0] += duals[nm + nr :]
    best = (-math.inf, root.members[:0])
    for option in range(-1, nr):
        profit = base.copy()
        if option >= 0:
            keep = root.ref_local == option
            profit[keep] += bonus[keep]
        value, chosen = closure_of(root, profit)
        value += (duals[nm + option] / FINE) if option >= 0 else 0.0
        value -= offset
        if value > best[0]:
            best = (value, chosen)
    return best


def closure_of(root: RootData, profit_nodes: np.ndarray) -> tuple[float, np.ndarray]:
    """The maximum-weight closure with these member profits (pricing units), the root forced
    in: (value in the model's units, member set)."""
    edge_cost = FINE * root.edge_cost
    positive = int(np.clip(profit_nodes, 0, None).sum() + edge_cost.sum())
    if root.net is None:
        root.net = ClosureNet(root)
    net = root.net
    # The root is forced in by a source arc that no cut can afford: more than every other
    # capacity together.
    big = (
        positive + int(np.clip(-profit_nodes, 0, None).sum()) + int(FINE * root.item_cost.sum()) + 1
    )
    profit_nodes = profit_nodes.copy()
    profit_nodes[root.local_root] += big
    inf = 2 * big + 1
    cap = np.r_[
        np.clip(profit_nodes, 0, None),
        np.clip(-profit_nodes, 0, None),
        edge_cost,
        np.full(net.n_inf_items, inf),
        FINE * root.item_cost,
        np.full(net.n_inf_rest, inf),
    ].astype(np.int64)
    cut = net.min_cut(cap) if inf < _CAPACITY_SAFE else None
    if cut is None:
        # Extreme duals: fall back on the trivially valid sum of positive profits.
        profit_nodes[root.local_root] -= big
        return positive / FINE, root.members[profit_nodes > 0]
    flow_value, side = cut
    chosen = root.members[side[net.node]]
    total_positive = int(np.clip(profit_nodes, 0, None).sum()) + int(edge_cost.sum())
    return (total_positive - flow_value - big) / FINE, chosen


def size_closure(
    root: RootData, pi: np.ndarray, move_cost: int, tangent: Callable[[float], tuple[int, int]]
) -> tuple[float, np.ndarray]:
    """The closure bound with the size cost linearised where it binds: every anchor gives a
    valid bound, so a few bisection steps on the anchor keep the lowest one.

    A closure optimum larger than its anchor says a steeper line (a larger anchor) could
    lower the bound, a smaller one a flatter line.
    """
    lo, hi = 0.0, float(root.size.sum())
    anchor = min(max(root.size_anchor, lo), hi)
    best = (math.inf, root.members[:0])
    for _ in range(SIZE_STEPS):
        value, chosen = closure(root, pi, move_cost, tangent(anchor))
        if value < best[0]:
            best = (value, chosen)
            root.size_anchor = anchor
        size = float(root.size[np.searchsorted(root.members, chosen)].sum())
        if abs(size - anchor) <= 0.5:
            break
        lo, hi = (anchor, hi) if size > anchor else (lo, anchor)
        anchor = (lo + hi) / 2.0
    return best


SIZE_STEPS = 5
"""Bisection steps on the anchor of the size cost's line (each one closure)."""


__all__ = ["ClosureNet", "closure", "closure_of", "size_closure"]
