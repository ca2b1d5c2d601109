"""A fast rule-valid plan to start from (the warm start of every other phase).

Two constructions, the best of which is kept: graph-Voronoi regions around spread-out seeds,
repaired by moving the seed of a region that breaks a rule into the largest region, and greedy
merging of neighbouring regions along the heaviest commuting links (``RegionMerger``). Every
plan returned meets every hard rule of the model, its candidate restriction included.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse.csgraph import connected_components, dijkstra

from regionopt.model.candidates import Candidates
from regionopt.model.objective import Objective
from regionopt.model.problem import Problem
from regionopt.model.rules import RegionTotals, is_connected, totals, totals_by_label

Labelled = tuple[np.ndarray, list[int]]
"""A plan as (labels, roots): ``labels[i]`` indexes ``roots``."""


def warm_start(
    objective: Objective, cand: Candidates, *, seed: int = 0, attempts: int = 6
) -> Labelled | None:
    """The cheapest of ``attempts`` Voronoi plans and one merged plan that meet every rule.

    Returns (labels, roots), or ``None`` when no construction reaches a valid plan.
    """
    problem = objective.problem
    rng = np.random.default_rng(seed)
    plans = [voronoi_plan(problem, cand, rng) for _ in range(attempts)]
    plans.append(RegionMerger(problem, cand).plan())
    best: tuple[int, Labelled] | None = None
    for found in plans:
        if found is None or not meets_model(problem, cand, *found):
            continue
        score = objective.scaled_total(*found)
        if best is None or score < best[0]:
            best = (score, found)
    return None if best is None else best[1]


def voronoi_plan(problem: Problem, cand: Candidates, rng: np.random.Generator) -> Labelled | None:
    """Graph-Voronoi regions around k seeds; a failing region's seed moves to the largest."""
    k = problem.regions[0]
    if len(cand.roots) < k:
        return None
    seeds = _spread_seeds(problem, cand, rng, k)
    if seeds is None:
        return None
    rpos = {int(j): r for r, j in enumerate(cand.roots)}
    groups = [g for g in problem.together_groups if len(g) > 1]
    seen: set[tuple[int, ...]] = set()
    for _ in range(4 * k):
        dist, _, source = dijkstra(
            problem.graph_lengths,
            directed=False,
            indices=seeds,
            min_only=True,
            return_predecessors=True,
        )
        pos = {s: r for r, s in enumerate(seeds)}
        labels = np.array([pos.get(int(s), -1) for s in source], dtype=np.int64)
        if (labels < 0).any():
            return None
        # Close schools (and locks) follow the member nearest to its seed.
        for g in groups:
            labels[g] = labels[g[int(np.argmin(dist[g]))]]
        sizes = totals_by_label(problem.facts, labels, k)
        bad = ~problem.rules.meets_many(sizes)
        if not bad.any():
            return labels, seeds
        short = bad & ~problem.rules.too_big_many(sizes.technical)
        # A region short of a rule gives up its seed; when only regions that are too big
        # fail, the smallest region does, and its seed goes to split the largest.
        pool = short if short.any() else np.ones(k, dtype=bool)
        victim = int(np.flatnonzero(pool)[np.argmin(sizes.technical[pool])])
        # Seeds met before: the moves cycle, so a random failing region gives up its seed.
        key = tuple(sorted(seeds))
        cycling = key in seen
        seen.add(key)
        if cycling:
            victim = int(rng.choice(np.flatnonzero(pool)))
        moved = _move_seed(problem, cand, rpos, labels, seeds, sizes.technical, rng, cycling)
        if moved is None:
            return None
        seeds[victim] = moved
    return None


def _spread_seeds(
    problem: Problem, cand: Candidates, rng: np.random.Generator, k: int
) -> list[int] | None:
    """k roots drawn far apart (k-means++ style, weighted by technical pupils)."""
    roots = cand.roots
    weight = problem.technical[roots].astype(float) + 1.0
    xy = problem.xy[roots]
    first = int(rng.choice(len(roots), p=weight / weight.sum()))
    chosen = [first]
    d2 = ((xy - xy[first]) ** 2).sum(axis=1)
    for _ in range(k - 1):
        p = d2 * weight
        if p.sum() <= 0:
            return None
        nxt = int(rng.choice(len(roots), p=p / p.sum()))
        chosen.append(nxt)
        d2 = np.minimum(d2, ((xy - xy[nxt]) ** 2).sum(axis=1))
    return [int(roots[c]) for c in chosen]


def _move_seed(
    problem: Problem,
    cand: Candidates,
    rpos: dict[int, int],
    labels: np.ndarray,
    seeds: list[int],
    technical: np.ndarray,
    rng: np.random.Generator,
    at_random: bool = False,
) -> int | None:
    """A spare root in one of the three largest regions, far from that region's seed (any
    spare root of theirs ``at_random``)."""
    taken = set(seeds)
    for big in np.argsort(-technical)[:3]:
        spare = [
            int(m)
            for m in np.flatnonzero((labels == big) & problem.can_lead)
            if int(m) in rpos and int(m) not in taken
        ]
        if spare and at_random:
            return spare[int(rng.integers(len(spare)))]
        if spare:
            far = cand.full_km[rpos[seeds[int(big)]], spare] + rng.random(len(spare))
            return spare[int(np.argmax(far))]
    return None


def meets_model(problem: Problem, cand: Candidates, labels: np.ndarray, roots: list[int]) -> bool:
    """True when a plan meets every hard rule of the model (so it can be hinted as is)."""
    rpos = {int(j): r for r, j in enumerate(cand.roots)}
    if any(int(j) not in rpos for j in roots) or len(set(roots)) != len(roots):
        return False
    for r, j in enumerate(roots):
        members = np.flatnonzero(labels == r)
        if labels[j] != r or not problem.rules.meets(totals(problem.facts, members)):
            return False
        if not fits_root(problem, cand, labels, r, members, int(j)):
            return False
    for g in problem.together_groups:
        if len(set(labels[g].tolist())) > 1:
            return False
    heads = [labels[ids[0]] for _, ids in problem.locks]
    return len(set(heads)) == len(heads)


def fits_root(
    problem: Problem,
    cand: Candidates,
    labels: np.ndarray,
    r: int,
    members: np.ndarray,
    root: int,
) -> bool:
    """True when the region is one of ``root``'s under the restriction: every member within
    reach and the region connected (under Hess: through a same-region neighbour closer to the
    root)."""
    row = cand.full_km[cand.row(root)]
    if not np.isfinite(row[members]).all():
        return False
    if not problem.rules.connected:
        return True
    adj = problem.adjacency
    if not cand.hess:
        return is_connected(adj, members.tolist())
    return all(
        i == root or any(labels[k] == r and row[k] < row[i] for k in adj[i]) for i in members
    )


class RegionMerger:
    """A valid plan by greedy merging (agglomerative, along the heaviest commuting links).

    Start with every school (close schools and locks already joined) as its own region. First
    merge each region that breaks a rule into the neighbour it shares most commuting pupils
    with, smallest first; then merge the pair of neighbouring regions with the most shared
    pupils per technical pupil until the wanted number of regions is left. Merging neighbours
    keeps regions connected. A merge must leave a member that can root the whole region under
    the candidate restriction.
    """

    def __init__(self, problem: Problem, cand: Candidates) -> None:
        self.problem, self.cand = problem, cand
        groups = problem.together_groups
        self.owner = np.empty(problem.n, dtype=np.int64)
        for g, ids in enumerate(groups):
            self.owner[ids] = g
        self.lock_of = {int(self.owner[ids[0]]): label for label, ids in problem.locks}
        self.members: dict[int, list[int]] = {g: list(ids) for g, ids in enumerate(groups)}
        self.sums: dict[int, RegionTotals] = {
            g: totals(problem.facts, ids) for g, ids in self.members.items()
        }
        self.links = self._links()
        self.cover_of_school: list[set[int]] = [set() for _ in range(problem.n)]
        for j, reach in zip(cand.roots.tolist(), cand.members, strict=True):
            for i in reach.tolist():
                self.cover_of_school[i].add(j)
        self.root_set = set(cand.roots.tolist())
        self.cover = {g: self._cover(ids) for g, ids in self.members.items()}
        self.leaders = {
            g: {i for i in ids if i in self.root_set} for g, ids in self.members.items()
        }

    def _cover(self, ids: list[int]) -> set[int]:
        """Roots whose candidate sets hold every one of ``ids``."""
        return set.intersection(*(self.cover_of_school[i] for i in ids))

    def _links(self) -> dict[int, dict[int, float]]:
        """Commuting weight between every two neighbouring regions (a tiny floor per edge)."""
        region = {i: g for g, ids in self.members.items() for i in ids}
        links: dict[int, dict[int, float]] = {g: {} for g in self.members}
        for (u, v), wt in zip(
            self.problem.edges.tolist(), self.problem.edge_weight.tolist(), strict=True
        ):
            a, b = region[u], region[v]
            if a != b:
                links[a][b] = links[a].get(b, 0.0) + wt + 1e-6
                links[b][a] = links[b].get(a, 0.0) + wt + 1e-6
        return links

    def ok(self, g: int) -> bool:
        """True when region ``g`` meets every single-region rule."""
        return self.problem.rules.meets(self.sums[g])

    def can_merge(self, a: int, b: int, *, strict: bool = True) -> bool:
        """True when regions ``a`` and ``b`` may merge (locks, size; roots when ``strict``)."""
        if a in self.lock_of and b in self.lock_of:
            return False
        if self.problem.rules.too_big(self.sums[a].technical + self.sums[b].technical):
            return False
        if not strict:
            return True
        common = self.cover[a] & self.cover[b]
        leaders = self.leaders[a] | self.leaders[b]
        return bool(common) and (not leaders or bool(common & leaders))

    def merge(self, a: int, b: int) -> None:
        """Merge region ``b`` into ``a``."""
        self.members[a] += self.members.pop(b)
        sa, sb = self.sums[a], self.sums.pop(b)
        self.sums[a] = RegionTotals(
            sa.vmbo + sb.vmbo, sa.technical + sb.technical, sa.mbo + sb.mbo, sa.leaders + sb.leaders
        )
        self.cover[a] &= self.cover.pop(b)
        self.leaders[a] |= self.leaders.pop(b)
        if b in self.lock_of:
            self.lock_of[a] = self.lock_of.pop(b)
        for c, wt in self.links.pop(b).items():
            del self.links[c][b]
            if c != a:
                self.links[a][c] = self.links[a].get(c, 0.0) + wt
                self.links[c][a] = self.links[c].get(a, 0.0) + wt
        self.links[a].pop(a, None)

    def plan(self) -> Labelled | None:
        """The merged plan, or ``None`` when merging cannot reach a valid one."""
        lo, hi = self.problem.regions
        if not self._make_valid() or not self._split_to(lo) or not self._merge_to(hi):
            return None
        if len(self.members) < lo:
            return None
        return self._with_roots()

    def _make_valid(self) -> bool:
        """Merge every region that breaks a rule into a neighbour, smallest first."""
        while True:
            bad = [g for g in self.members if not self.ok(g)]
            if not bad:
                return True
            g = min(bad, key=lambda r: (self.sums[r].technical, len(self.members[r]), r))
            options = [c for c in self.links[g] if self.can_merge(g, c)]
            if not options:
                # Stuck inside the candidate radius: merge beyond it (the plan's pairs are
                # added to the model's candidates, see Candidates.with_plan).
                options = [c for c in self.links[g] if self.can_merge(g, c, strict=False)]
            if not options:
                return False
            # Prefer a neighbour that breaks a rule too, then the most shared pupils per size.
            c = max(
                options,
                key=lambda r: (
                    not self.ok(r),
                    self.links[g][r] / (1.0 + self.sums[r].technical),
                    -r,
                ),
            )
            if len(self.members[c]) >= len(self.members[g]):
                self.merge(c, g)
            else:
                self.merge(g, c)

    def _split_to(self, lo: int) -> bool:
        """Too few regions: split the largest ones in two valid halves."""
        next_id = max(self.members) + 1
        while len(self.members) < lo:
            for big in sorted(self.members, key=lambda r: -self.sums[r].technical):
                halves = split_region(self.problem, self.members[big], self.owner)
                if halves is not None:
                    break
            else:
                return False
            self._apply_split(big, next_id, halves)
            next_id += 1
        return True

    def _apply_split(self, big: int, new: int, halves: tuple[list[int], list[int]]) -> None:
        """Replace region ``big`` by its two halves (ids ``big`` and ``new``)."""
        self.members[big], self.members[new] = list(halves[0]), list(halves[1])
        locked = {int(i): label for label, ids in self.problem.locks for i in ids}
        for g in (big, new):
            self.sums[g] = totals(self.problem.facts, self.members[g])
            self.cover[g] = self._cover(self.members[g])
            self.leaders[g] = {i for i in self.members[g] if i in self.root_set}
            self.lock_of.pop(g, None)
            labels = {locked[i] for i in self.members[g] if i in locked}
            if labels:
                # The smallest label: a set's order of strings changes from run to run.
                self.lock_of[g] = min(labels)
        self.links = self._links()

    def _merge_to(self, hi: int) -> bool:
        """Merge down to ``hi`` regions, the pair with most shared pupils per size first."""
        while len(self.members) > hi:
            best = None
            for a, nb in self.links.items():
                for b, wt in nb.items():
                    if a < b and self.can_merge(a, b):
                        score = wt / (self.sums[a].technical + self.sums[b].technical + 1.0)
                        if best is None or score > best[0]:
                            best = (score, a, b)
            if best is None:
                return False
            self.merge(best[1], best[2])
        return True

    def _with_roots(self) -> Labelled | None:
        """Labels, and per region the leader nearest to the others that roots it validly."""
        problem, cand = self.problem, self.cand
        root_pos = {int(j) for j in cand.roots}
        dist = problem.euclid_km()
        labels = np.empty(problem.n, dtype=np.int64)
        for r, ids in enumerate(self.members.values()):
            labels[ids] = r
        roots: list[int] = []
        for r, ids in enumerate(self.members.values()):
            arr = np.array(ids)
            leaders = [int(j) for j in arr[problem.can_lead[arr]] if int(j) in root_pos]
            leaders.sort(key=lambda j: float(dist[arr, j].sum()))
            chosen = next((j for j in leaders if fits_root(problem, cand, labels, r, arr, j)), None)
            if chosen is None:
                return None
            roots.append(chosen)
        return labels, roots


def split_region(
    problem: Problem, ids: Sequence[int], owner: np.ndarray
) -> tuple[list[int], list[int]] | None:
    """Two valid connected halves of a region (grown from two far-apart leaders), or None."""
    arr = np.array(sorted(ids))
    leaders = arr[problem.can_lead[arr]]
    if len(leaders) < 2:
        return None
    sub = problem.graph_lengths[arr][:, arr]
    local = {int(i): k for k, i in enumerate(arr)}
    d = np.linalg.norm(problem.xy[leaders][:, None] - problem.xy[leaders][None], axis=2)
    pairs = sorted(
        (
            (float(d[a, b]), int(leaders[a]), int(leaders[b]))
            for a in range(len(leaders))
            for b in range(a + 1, len(leaders))
        ),
        reverse=True,
    )
    for _, s1, s2 in pairs[:10]:
        dd = dijkstra(sub, directed=False, indices=[local[s1], local[s2]])
        side = (dd[1] < dd[0]).astype(int)
        # Close schools stay together: a group goes where its first school goes.
        for g in set(owner[arr].tolist()):
            in_g = owner[arr] == g
            side[in_g] = side[np.flatnonzero(in_g)[0]]
        halves = (arr[side == 0].tolist(), arr[side == 1].tolist())
        valid = all(h and problem.rules.meets(totals(problem.facts, h)) for h in halves)
        if valid and all(
            connected_components(sub[side == s][:, side == s], directed=False)[0] == 1
            for s in (0, 1)
        ):
            return halves
    return None


__all__ = [
    "Labelled",
    "RegionMerger",
    "fits_root",
    "meets_model",
    "split_region",
    "warm_start",
]
