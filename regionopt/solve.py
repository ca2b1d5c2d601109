"""The optimizer: partition the school graph into rule-valid regions with OR-Tools CP-SAT.

A pure numeric core (numpy, scipy, networkx, ortools; never geopandas). The model is a rooted
p-median with contiguity (Hess, Validi-style):

* ``x[i, j]`` = school ``i`` is in the region rooted at school ``j``; only schools with
  technical pupils can be roots, so every region's root is a possible penvoerder (rule 3) and
  the roots are fixed representatives of the regions (no label symmetry);
* candidate pairs are pruned to graph distance ``candidate_radius_km`` from the root;
* contiguity: ``x[i, j]`` requires a graph neighbour of ``i`` that is strictly closer to ``j``
  (shortest-path km) and also in ``j``'s region ("hess"), or, exactly, a parent tree with
  levels ("exact", for small instances and as a check on the restriction);
* every other rule is a linear constraint per root: at least ``min_vmbo`` vmbo schools, an
  mbo within reach, technical pupils in [min, max], close schools together, locks.

The objective adds the modelled commuting pupils cut by region borders, compactness (km from
each school to its root), gemeente splits and moves away from a reference plan; each
component is reported separately. A constructive heuristic (graph-Voronoi regions around
spread-out seeds, then a repair) gives CP-SAT a complete warm start.
"""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import networkx as nx
import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from regionopt.config import RulesConfig, WeightsConfig
from regionopt.errors import InfeasibleError, InputError, Problem
from regionopt.instance import Instance
from regionopt.plan import Plan, match_labels

ContiguityMode = Literal["hess", "exact"]

# Edges of length 0 (schools sharing a building) would tie in the "strictly closer" test of
# the contiguity constraint; a tiny length keeps every shortest-path predecessor closer.
_MIN_EDGE_KM = 1e-3


# --------------------------------------------------------------------------------------------
# Input and parameters


@dataclass(frozen=True)
class SolverInput:
    """Everything the optimizer needs, as arrays indexed by school id ``0..n-1``.

    Build it with ``SolverInput.from_instance``. Arrays are read-only.
    """

    codes: tuple[str, ...]
    labels: tuple[str, ...]
    """Human-readable name per school for messages (``code name (place)``)."""
    xy: np.ndarray
    """RD New metres, shape (n, 2)."""
    technical: np.ndarray
    """Technical-profile pupils leerjaar 3-4, shape (n,)."""
    is_vmbo: np.ndarray
    has_mbo: np.ndarray
    """True when an mbo location lies within ``rules.mbo_reach_km`` of the school."""
    gemeente: np.ndarray
    """Gemeente index per school, shape (n,)."""
    gemeente_codes: tuple[str, ...]
    edges: np.ndarray
    """School graph edges (u, v), u < v, shape (m, 2)."""
    edge_weight: np.ndarray
    """Modelled commuting pupils shared by the edge's two schools (cost of cutting it)."""
    edge_km: np.ndarray
    together: np.ndarray
    """Pairs of schools closer than ``rules.together_km``, shape (k, 2)."""
    locks: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """(label, school ids): each label's schools share a region; labels differ in region."""
    reference: np.ndarray | None = None
    """Reference region index per school (-1 when not in the reference), or None."""
    reference_ids: tuple[str, ...] = ()
    rules: RulesConfig = field(default_factory=RulesConfig)

    @property
    def n(self) -> int:
        """Number of schools."""
        return len(self.codes)

    @property
    def can_lead(self) -> np.ndarray:
        """Schools with technical pupils: possible penvoerders and region roots."""
        return self.technical > 0

    @classmethod
    def from_instance(
        cls,
        instance: Instance,
        graph: nx.Graph,
        rules: RulesConfig,
        *,
        locks: Mapping[str, str] | None = None,
        reference: Plan | None = None,
    ) -> SolverInput:
        """Arrays of an instance and its school graph under the given rules.

        Parameters
        ----------
        instance : Instance
            The participating schools (exclude opt-outs first with ``restrict``).
        graph : networkx.Graph
            School graph with nodes ``0..n-1`` and edge attributes ``weight``, ``distance_km``.
        rules : RulesConfig
            The hard rules.
        locks : mapping of code -> region label, optional
            Schools locked together (same label) or apart (different labels).
        reference : Plan, optional
            A plan to stay close to (moves are penalised or capped).

        Raises
        ------
        InputError
            A locked code that is not a participating school.
        """
        n = instance.n
        edges, weights, kms = [], [], []
        for u, v, data in graph.edges(data=True):
            if u == v:
                continue
            a, b = sorted((int(u), int(v)))
            edges.append((a, b))
            weights.append(float(data.get("weight", 0.0)))
            xy = instance.xy
            kms.append(float(data.get("distance_km", np.linalg.norm(xy[a] - xy[b]) / 1000.0)))
        reach = instance.mbo_within(rules.mbo_reach_km)
        together: list[tuple[int, int]] = []
        if rules.together_km > 0 and n > 1:
            tree = cKDTree(instance.xy)
            together = sorted(
                (int(a), int(b)) for a, b in tree.query_pairs(r=rules.together_km * 1000.0)
            )
        lock_groups: dict[str, list[int]] = defaultdict(list)
        problems = []
        for code, label in (locks or {}).items():
            if code not in instance.index:
                problems.append(
                    Problem(
                        "--lock",
                        code,
                        "not a participating vestiging (or excluded)",
                        "check the code",
                    )
                )
                continue
            lock_groups[str(label)].append(instance.index[code])
        if problems:
            raise InputError(problems, title="Invalid locks")
        ref_labels, ref_ids = None, ()
        if reference is not None:
            lab, ref_ids = reference.labels(s.code for s in instance.schools)
            ref_labels = lab.astype(np.int64)
        return cls(
            codes=tuple(s.code for s in instance.schools),
            labels=tuple(f"{s.code} {s.name} ({s.place})" for s in instance.schools),
            xy=_ro(instance.xy.astype(float)),
            technical=_ro(instance.technical_pupils.astype(np.int64)),
            is_vmbo=_ro(instance.is_vmbo.astype(bool)),
            has_mbo=_ro(np.array([bool(h) for h in reach], dtype=bool)),
            gemeente=_ro(instance.gemeente_index.astype(np.int64)),
            gemeente_codes=instance.gemeente_codes,
            edges=_ro(np.array(edges, dtype=np.int64).reshape(-1, 2)),
            edge_weight=_ro(np.array(weights, dtype=float)),
            edge_km=_ro(np.array(kms, dtype=float)),
            together=_ro(np.array(together, dtype=np.int64).reshape(-1, 2)),
            locks=tuple((lab, tuple(sorted(ids))) for lab, ids in sorted(lock_groups.items())),
            reference=None if ref_labels is None else _ro(ref_labels),
            reference_ids=tuple(ref_ids),
            rules=rules,
        )


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class SolverConfig:
    """Parameters of one optimizer run (the rules live in ``SolverInput.rules``)."""

    n_regions: int = 77
    """Number of regions (77 = the European Netherlands), or the minimum of a range."""
    n_regions_max: int | None = None
    """Maximum of a range of region counts; ``None`` means exactly ``n_regions``."""
    time_limit_s: float = 60.0
    seed: int = 0
    workers: int = 2
    weights: WeightsConfig = field(default_factory=WeightsConfig)
    candidate_radius_km: float = 25.0
    """A school can join a root at most this far along the graph (shortest path km)."""
    min_candidate_roots: int = 3
    """Each school can always join at least this many of its nearest roots."""
    contiguity: ContiguityMode = "hess"
    relative_gap: float = 0.001
    """Stop when the proven gap is at most this (0.001 = 0.1 %)."""
    max_moves: int | None = None
    """Hard cap on schools moved away from the reference plan."""
    objective_scale: int = 100
    """CP-SAT needs integers: weights are multiplied by this and rounded."""
    warm_start: bool = True
    linearization_level: int = 1
    probing_level: int = 0
    log_search: bool = False

    @property
    def region_range(self) -> tuple[int, int]:
        """(min, max) number of regions."""
        hi = self.n_regions if self.n_regions_max is None else self.n_regions_max
        return self.n_regions, hi


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ObjectiveComponents:
    """The objective's parts in their own units, and their weighted sum."""

    cut_pupils: float
    """Modelled commuting pupils shared by schools in different regions."""
    compactness_km: float
    """Sum over schools of the km to their region's centre (root) school."""
    gemeente_splits: int
    """Sum over gemeenten of (regions it is split over - 1)."""
    reference_moves: int
    """Schools not in their reference region (after matching regions), 0 without reference."""
    total: float

    def to_dict(self) -> dict[str, float | int]:
        """JSON-ready form."""
        return {
            "cut_pupils": round(self.cut_pupils, 3),
            "compactness_km": round(self.compactness_km, 3),
            "gemeente_splits": self.gemeente_splits,
            "reference_moves": self.reference_moves,
            "total": round(self.total, 3),
        }


@dataclass(frozen=True)
class Progress:
    """One progress report while solving."""

    elapsed_s: float
    objective: float | None
    bound: float | None
    gap: float | None
    solutions: int


@dataclass(frozen=True)
class Solution:
    """What ``solve`` returns.

    ``labels[i]`` is the region index (0..k-1) of school ``i``; ``roots[r]`` is the root
    school (centre, a possible penvoerder) of region ``r``; ``region_ids[r]`` its id.
    """

    labels: np.ndarray
    roots: tuple[int, ...]
    region_ids: tuple[str, ...]
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    wall_time_s: float
    time_to_first_valid_s: float | None
    components: ObjectiveComponents | None
    heuristic_valid: bool
    model_size: dict[str, int]
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """True when a plan was found."""
        return self.components is not None

    def plan(self, codes: Sequence[str], *, name: str = "proposed") -> Plan:
        """The solution as a ``Plan``."""
        rows = tuple(
            (c, self.region_ids[int(lab)])
            for c, lab in zip(codes, self.labels, strict=True)
            if lab >= 0
        )
        return Plan(rows=rows, name=name)


# --------------------------------------------------------------------------------------------
# Helpers shared by the model, the heuristic and the scorer


def restrict(
    instance: Instance, graph: nx.Graph, exclude: Iterable[str]
) -> tuple[Instance, nx.Graph]:
    """The instance and graph without the excluded (opted-out) schools, ids renumbered.

    Raises
    ------
    InputError
        An excluded code that is not a participating school.
    """
    exclude = set(exclude)
    unknown = sorted(c for c in exclude if c not in instance.index)
    if unknown:
        raise InputError(
            [
                Problem("--exclude", c, "not a participating vestiging", "check the code")
                for c in unknown
            ]
        )
    if not exclude:
        return instance, graph
    kept = [s for s in instance.schools if s.code not in exclude]
    new_id = {s.id: k for k, s in enumerate(kept)}
    schools = tuple(replace(s, id=new_id[s.id]) for s in kept)
    sub = Instance(
        schools=schools,
        mbo=instance.mbo,
        municipalities=instance.municipalities,
        participation=instance.participation,
    )
    g = nx.Graph()
    g.graph.update(graph.graph)
    for s in schools:
        g.add_node(s.id, code=s.code)
    for u, v, data in graph.edges(data=True):
        if u in new_id and v in new_id:
            g.add_edge(new_id[u], new_id[v], **data)
    return sub, g


def _adjacency(inp: SolverInput) -> list[list[int]]:
    adj: list[list[int]] = [[] for _ in range(inp.n)]
    for a, b in inp.edges:
        adj[int(a)].append(int(b))
        adj[int(b)].append(int(a))
    return adj


def _csgraph(inp: SolverInput) -> csr_matrix:
    n = inp.n
    if len(inp.edges) == 0:
        return csr_matrix((n, n))
    lengths = np.maximum(inp.edge_km, _MIN_EDGE_KM)
    rows = np.concatenate([inp.edges[:, 0], inp.edges[:, 1]])
    cols = np.concatenate([inp.edges[:, 1], inp.edges[:, 0]])
    return csr_matrix((np.concatenate([lengths, lengths]), (rows, cols)), shape=(n, n))


def _euclid_km(inp: SolverInput) -> np.ndarray:
    d = inp.xy[:, None, :] - inp.xy[None, :, :]
    return np.sqrt((d**2).sum(axis=2)) / 1000.0


def _together_groups(inp: SolverInput) -> list[list[int]]:
    """Groups of schools that must share a region (close pairs if hard, and locks)."""
    parent = list(range(inp.n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    pairs: list[tuple[int, int]] = []
    if inp.rules.together_hard:
        pairs += [(int(a), int(b)) for a, b in inp.together]
    for _, ids in inp.locks:
        pairs += [(ids[0], i) for i in ids[1:]]
    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(inp.n):
        groups[find(i)].append(i)
    return list(groups.values())


def score_labels(
    inp: SolverInput,
    labels: np.ndarray,
    weights: WeightsConfig,
    *,
    roots: Sequence[int] | None = None,
) -> ObjectiveComponents:
    """The objective of any plan given as labels (the same yardstick for every method).

    Compactness uses each region's ``roots`` when given, else its best centre: the member
    with technical pupils (a possible penvoerder) that minimises the km to the other members
    (any member when none has technical pupils). Reference moves match regions to reference
    regions one-to-one so as to keep the most schools in place.
    """
    labels = np.asarray(labels)
    a, b = inp.edges[:, 0], inp.edges[:, 1]
    cut = float(inp.edge_weight[labels[a] != labels[b]].sum()) if len(inp.edges) else 0.0
    dist = _euclid_km(inp)
    region_ids = sorted(int(r) for r in set(labels.tolist()) if r >= 0)
    compact = 0.0
    for r in region_ids:
        members = np.flatnonzero(labels == r)
        if roots is not None:
            compact += float(dist[members, roots[r]].sum())
            continue
        leaders = members[inp.can_lead[members]]
        centres = leaders if len(leaders) else members
        compact += float(dist[np.ix_(members, centres)].sum(axis=0).min())
    splits = 0
    for g in set(inp.gemeente.tolist()):
        regions = set(labels[inp.gemeente == g].tolist())
        splits += max(len(regions) - 1, 0)
    moves = 0
    if inp.reference is not None:
        # As in the model, a lock whose label names a reference region matches its region
        # to that one.
        ref_pos = {rid: k for k, rid in enumerate(inp.reference_ids)}
        forced = {
            int(labels[ids[0]]): ref_pos[label]
            for label, ids in inp.locks
            if label in ref_pos and labels[ids[0]] >= 0
        }
        moves = _reference_moves(inp.reference, labels, len(inp.reference_ids), forced)
    total = (
        weights.cut_pupils * cut
        + weights.compactness_km * compact
        + weights.gemeente_split * splits
        + weights.reference_move * moves
    )
    return ObjectiveComponents(cut, compact, splits, moves, total)


def _reference_moves(
    reference: np.ndarray, labels: np.ndarray, n_ref: int, forced: dict[int, int] | None = None
) -> int:
    """Schools in the reference that are not in their matched reference region.

    Regions are matched one to one so as to keep the most schools in place, except the
    ``forced`` pairs (region label -> reference region), which are matched as given.
    """
    in_ref = reference >= 0
    if not in_ref.any() or n_ref == 0:
        return 0
    k = int(labels.max()) + 1
    forced = forced or {}
    overlap = np.zeros((k, n_ref), dtype=np.int64)
    np.add.at(overlap, (labels[in_ref], reference[in_ref]), 1)
    kept = sum(int(overlap[r, c]) for r, c in forced.items())
    rows = np.array([r for r in range(k) if r not in forced], dtype=np.int64)
    cols = np.array([c for c in range(n_ref) if c not in set(forced.values())], dtype=np.int64)
    if len(rows) and len(cols):
        free = overlap[np.ix_(rows, cols)]
        r, c = linear_sum_assignment(free, maximize=True)
        kept += int(free[r, c].sum())
    return int(in_ref.sum()) - kept


# --------------------------------------------------------------------------------------------
# Pre-check: explain infeasibility before a long solve


@dataclass(frozen=True)
class Candidates:
    """Which school may join which root, with the graph distances that order contiguity."""

    roots: np.ndarray
    """Viable root school ids, shape (r,)."""
    graph_km: np.ndarray
    """Shortest-path km from each viable root to every school (inf = too far), (r, n)."""
    members: list[np.ndarray]
    """Per root (aligned with ``roots``): the school ids within the candidate radius."""
    rejected_roots: dict[int, str]
    """Root candidates dropped because their reach cannot make a valid region, and why."""
    full_km: np.ndarray
    """Shortest-path km from each viable root to every school, no radius, (r, n)."""
    pred: np.ndarray
    """Shortest-path predecessors from each viable root, (r, n), -9999 at the root."""

    def with_plan(self, labels: np.ndarray, roots: Sequence[int]) -> Candidates:
        """These candidates plus every (school, root) pair a plan uses, so it can be hinted."""
        graph_km = self.graph_km.copy()
        pos = {int(j): r for r, j in enumerate(self.roots)}
        for lab, j in enumerate(roots):
            r = pos[int(j)]
            for i in np.flatnonzero(labels == lab):
                node = int(i)
                while node >= 0 and not np.isfinite(graph_km[r, node]):
                    graph_km[r, node] = self.full_km[r, node]
                    node = int(self.pred[r, node])
        members = [np.flatnonzero(np.isfinite(row)) for row in graph_km]
        return replace(self, graph_km=graph_km, members=members)


def candidates(inp: SolverInput, config: SolverConfig) -> Candidates:
    """Candidate (school, root) pairs: roots with technical pupils, within the radius.

    A school may join a root within ``candidate_radius_km`` along the graph, and always its
    ``min_candidate_roots`` nearest roots (so remote schools, e.g. on an island, keep a
    choice). Every shortest path from a root to one of its schools stays in the set, so the
    contiguity ordering always has a closer neighbour to offer. A root whose schools cannot
    add up to a valid region (too few technical pupils or vmbo schools, no mbo) is dropped.
    """
    leaders = np.flatnonzero(inp.can_lead)
    if len(leaders) == 0:
        empty = np.zeros((0, inp.n))
        return Candidates(leaders, empty, [], {}, empty, empty.astype(np.int64))
    gd, pred = dijkstra(_csgraph(inp), directed=False, indices=leaders, return_predecessors=True)
    allowed = gd <= config.candidate_radius_km
    k = min(config.min_candidate_roots, len(leaders))
    nearest = np.argsort(gd, axis=0, kind="stable")[:k]  # (k, n) leader rows per school
    for col in range(inp.n):
        for row in nearest[:, col]:
            if np.isfinite(gd[row, col]):
                allowed[row, col] = True
    # Close the sets under shortest-path predecessors.
    for row in range(len(leaders)):
        for col in np.flatnonzero(allowed[row]):
            node = int(pred[row, col])
            while node >= 0 and not allowed[row, node]:
                allowed[row, node] = True
                node = int(pred[row, node])
    rules = inp.rules
    keep, rejected = [], {}
    for r, j in enumerate(leaders):
        ball = np.flatnonzero(allowed[r])
        tech = int(inp.technical[ball].sum())
        why = []
        if tech < rules.min_technical_pupils:
            why.append(f"only {tech} technical pupils within reach")
        if int(inp.is_vmbo[ball].sum()) < rules.min_vmbo:
            why.append("too few vmbo schools within reach")
        if not inp.has_mbo[ball].any():
            why.append("no mbo within reach")
        if rules.max_technical_pupils is not None and inp.technical[j] > rules.max_technical_pupils:
            why.append("the school alone exceeds the maximum size")
        if why:
            rejected[int(j)] = "; ".join(why)
        else:
            keep.append(r)
    keep_arr = np.array(keep, dtype=np.int64)
    graph_km = np.where(allowed, gd, np.inf)[keep_arr] if len(keep) else np.zeros((0, inp.n))
    roots = leaders[keep_arr] if len(keep) else np.zeros(0, dtype=np.int64)
    members = [np.flatnonzero(np.isfinite(row)) for row in graph_km]
    full_km = gd[keep_arr] if len(keep) else np.zeros((0, inp.n))
    pred = pred[keep_arr] if len(keep) else np.zeros((0, inp.n), dtype=np.int64)
    return Candidates(roots, graph_km, members, rejected, full_km, pred)


def precheck(inp: SolverInput, config: SolverConfig, cand: Candidates | None = None) -> list[str]:
    """Quick necessary conditions; each failure names where and which parameter to relax.

    Returns an empty list when nothing obviously prevents a valid plan (the solver may still
    prove infeasibility).
    """
    rules = inp.rules
    lo, hi = config.region_range
    reasons: list[str] = []
    if inp.n == 0:
        return ["no participating schools"]
    if lo > hi or lo < 1:
        return [f"bad region range {lo}-{hi}"]
    ncomp, comp = connected_components(_csgraph(inp), directed=False)
    if not rules.contiguous:
        ncomp, comp = 1, np.zeros(inp.n, dtype=np.int64)
    max_total = 0
    for c in range(ncomp):
        ids = np.flatnonzero(comp == c)
        where = _where(inp, ids)
        tech = int(inp.technical[ids].sum())
        leaders = int(inp.can_lead[ids].sum())
        vmbo = int(inp.is_vmbo[ids].sum())
        cap = [leaders, vmbo // max(rules.min_vmbo, 1)]
        if rules.min_technical_pupils > 0:
            cap.append(tech // rules.min_technical_pupils)
        max_here = min(cap)
        max_total += max_here
        if leaders == 0:
            reasons.append(
                f"{where}: no school with technical pupils, so no penvoerder "
                "(join it to other schools: check the graph or participation settings)"
            )
        if tech < rules.min_technical_pupils:
            reasons.append(
                f"{where}: {tech} technical pupils in total, below "
                f"rules.min_technical_pupils = {rules.min_technical_pupils} (lower it)"
            )
        if vmbo < rules.min_vmbo:
            reasons.append(
                f"{where}: {vmbo} vmbo vestiging(en), below rules.min_vmbo = {rules.min_vmbo}"
            )
        if not inp.has_mbo[ids].any():
            reasons.append(
                f"{where}: no mbo location within rules.mbo_reach_km = {rules.mbo_reach_km:g} km "
                "of any of its schools (raise mbo_reach_km)"
            )
    if ncomp > hi:
        reasons.append(
            f"the school graph has {ncomp} separate parts, so at least {ncomp} regions are "
            f"needed but at most {hi} are asked (raise --regions)"
        )
    if max_total < lo:
        reasons.append(
            f"at most {max_total} regions can each have a penvoerder, {rules.min_vmbo} vmbo "
            f"schools and {rules.min_technical_pupils} technical pupils, but {lo} are asked "
            "(lower --regions or rules.min_technical_pupils / rules.min_vmbo)"
        )
    if rules.max_technical_pupils is not None:
        total = int(inp.technical.sum())
        if total > hi * rules.max_technical_pupils:
            reasons.append(
                f"{total} technical pupils do not fit in {hi} regions of at most "
                f"rules.max_technical_pupils = {rules.max_technical_pupils} (raise it or "
                "--regions)"
            )
        for group in _together_groups(inp):
            size = int(inp.technical[group].sum())
            if len(group) > 1 and size > rules.max_technical_pupils:
                reasons.append(
                    f"{_where(inp, np.array(group))} must stay together (together_km / locks) "
                    f"but has {size} technical pupils > rules.max_technical_pupils"
                )
    n_locks = len(inp.locks)
    if n_locks > hi:
        reasons.append(f"{n_locks} distinct lock labels but at most {hi} regions")
    for label, ids in inp.locks:
        if len(set(comp[list(ids)].tolist())) > 1:
            reasons.append(f"lock {label}: its schools lie in separate parts of the school graph")
    if reasons:
        return reasons
    cand = cand or candidates(inp, config)
    if len(cand.roots) < lo:
        reasons.append(
            f"only {len(cand.roots)} schools can root a valid region within "
            f"{config.candidate_radius_km:g} km along the graph, but {lo} regions are asked "
            "(lower --regions or rules.min_technical_pupils, or raise the candidate radius)"
        )
    covered = np.zeros(inp.n, dtype=bool)
    for m in cand.members:
        covered[m] = True
    orphans = np.flatnonzero(~covered)
    if len(orphans):
        reasons.append(
            f"{_where(inp, orphans)}: no viable penvoerder within "
            f"{config.candidate_radius_km:g} km along the graph (raise the candidate radius, or "
            "lower rules.min_technical_pupils)"
        )
    for group in _together_groups(inp):
        if len(group) < 2:
            continue
        common = [
            r for r, m in enumerate(cand.members) if np.isin(group, m, assume_unique=False).all()
        ]
        if not common:
            reasons.append(
                f"{_where(inp, np.array(group))} must stay together but no viable root reaches "
                "all of them (raise the candidate radius)"
            )
    return reasons


def _where(inp: SolverInput, ids: np.ndarray) -> str:
    ids = np.asarray(ids)
    shown = ", ".join(inp.labels[int(i)] for i in ids[:4])
    more = f" and {len(ids) - 4} more" if len(ids) > 4 else ""
    return f"schools {shown}{more}" if len(ids) > 1 else f"school {shown}"


# --------------------------------------------------------------------------------------------
# Constructive heuristic (warm start)


def heuristic(
    inp: SolverInput, config: SolverConfig, cand: Candidates, *, attempts: int = 6
) -> tuple[np.ndarray, list[int]] | None:
    """A fast rule-valid plan for the warm start, or ``None``.

    Tries graph-Voronoi regions around spread-out seeds, repaired by moving the seed of a
    region that breaks a rule into the largest region (``attempts`` random starts), then
    greedy merging along the heaviest commuting links. Returns the best plan that meets every
    hard rule of the model (including its contiguity ordering) as (labels, roots).
    """
    rng = np.random.default_rng(config.seed)
    adj = _adjacency(inp)
    best: tuple[float, tuple[np.ndarray, list[int]]] | None = None
    plans = [_voronoi_plan(inp, config, cand, rng) for _ in range(attempts)]
    plans.append(_merge_plan(inp, config, cand))
    for plan in plans:
        if plan is None or not _plan_ok(inp, adj, cand, *plan):
            continue
        score = score_labels(inp, plan[0], config.weights, roots=plan[1]).total
        if best is None or score < best[0]:
            best = (score, plan)
    return None if best is None else best[1]


def _voronoi_plan(
    inp: SolverInput, config: SolverConfig, cand: Candidates, rng: np.random.Generator
) -> tuple[np.ndarray, list[int]] | None:
    """Graph-Voronoi regions around k seeds; a failing region's seed moves to the largest."""
    k = config.region_range[0]
    roots = cand.roots
    if len(roots) < k:
        return None
    rules = inp.rules
    cg = _csgraph(inp)
    rpos = {int(j): r for r, j in enumerate(roots)}
    weight = inp.technical[roots].astype(float) + 1.0
    xy = inp.xy[roots]
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
    seeds = [int(roots[c]) for c in chosen]
    groups = [g for g in _together_groups(inp) if len(g) > 1]
    for _ in range(4 * k):
        dist, _, source = dijkstra(
            cg, directed=False, indices=seeds, min_only=True, return_predecessors=True
        )
        pos = {s: r for r, s in enumerate(seeds)}
        labels = np.array([pos.get(int(s), -1) for s in source], dtype=np.int64)
        if (labels < 0).any():
            return None
        # Close schools (and locks) follow the member nearest to its seed.
        for g in groups:
            labels[g] = labels[g[int(np.argmin(dist[g]))]]
        tech = np.bincount(labels, weights=inp.technical, minlength=k)
        vmbo = np.bincount(labels, weights=inp.is_vmbo, minlength=k)
        mbo = np.bincount(labels, weights=inp.has_mbo, minlength=k)
        bad = (tech < rules.min_technical_pupils) | (vmbo < rules.min_vmbo) | (mbo < 1)
        if rules.max_technical_pupils is not None:
            bad |= tech > rules.max_technical_pupils
        if not bad.any():
            return labels, seeds
        victim = int(np.flatnonzero(bad)[np.argmin(tech[bad])])
        taken = set(seeds)
        for big in np.argsort(-tech)[:3]:
            spare = [
                int(m)
                for m in np.flatnonzero((labels == big) & inp.can_lead)
                if int(m) in rpos and int(m) not in taken
            ]
            if spare:
                break
        else:
            return None
        far = cand.full_km[rpos[seeds[int(big)]], spare] + rng.random(len(spare))
        seeds[victim] = spare[int(np.argmax(far))]
    return None


def _plan_ok(
    inp: SolverInput,
    adj: list[list[int]],
    cand: Candidates,
    labels: np.ndarray,
    roots: list[int],
) -> bool:
    """True when a plan meets every hard rule of the model (so it can be hinted as is)."""
    rpos = {int(j): r for r, j in enumerate(cand.roots)}
    if any(int(j) not in rpos for j in roots) or len(set(roots)) != len(roots):
        return False
    for r, j in enumerate(roots):
        members = np.flatnonzero(labels == r)
        if labels[j] != r or not _region_ok(inp, members):
            return False
        if not _hess_region_ok(inp, adj, cand, labels, r, members, int(j)):
            return False
    for g in _together_groups(inp):
        if len(set(labels[g].tolist())) > 1:
            return False
    heads = [labels[ids[0]] for _, ids in inp.locks]
    return len(set(heads)) == len(heads)


def _merge_plan(
    inp: SolverInput, config: SolverConfig, cand: Candidates
) -> tuple[np.ndarray, list[int]] | None:
    """A fast valid plan by greedy merging (agglomerative, along the heaviest commuting links).

    Start with every school (close schools and locks already joined) as its own region.
    First merge each region that breaks a rule (too small, too few vmbo, no mbo or
    penvoerder) into the neighbour it shares most commuting pupils with, smallest first;
    then merge the pair of neighbouring regions with the most shared pupils per technical
    pupil until the wanted number of regions is left. Merging neighbours keeps regions
    connected. Each region's root is its member with technical pupils that satisfies the
    model's contiguity ordering with the least km to the others.

    Returns
    -------
    (labels, roots) or None
        ``None`` when merging cannot reach a valid plan with the wanted number of regions.
    """
    lo, hi = config.region_range
    rules = inp.rules
    groups = _together_groups(inp)
    owner = np.empty(inp.n, dtype=np.int64)
    for g, ids in enumerate(groups):
        owner[ids] = g
    lock_of = {}
    for label, ids in inp.locks:
        lock_of[int(owner[ids[0]])] = label
    members: dict[int, list[int]] = {g: list(ids) for g, ids in enumerate(groups)}
    tech = {g: int(inp.technical[ids].sum()) for g, ids in members.items()}
    vmbo = {g: int(inp.is_vmbo[ids].sum()) for g, ids in members.items()}
    mbo = {g: bool(inp.has_mbo[ids].any()) for g, ids in members.items()}
    lead = {g: bool(inp.can_lead[ids].any()) for g, ids in members.items()}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (u, v), wt in zip(inp.edges.tolist(), inp.edge_weight.tolist(), strict=True):
        a, b = int(owner[u]), int(owner[v])
        if a != b:
            links[a][b] = links[a].get(b, 0.0) + wt + 1e-6
            links[b][a] = links[b].get(a, 0.0) + wt + 1e-6
    max_tech = rules.max_technical_pupils
    # Roots whose candidate sets hold every member, and the members that can be roots: a
    # merge must leave a member that can root the whole region (radius and contiguity).
    cover_of_school: list[set[int]] = [set() for _ in range(inp.n)]
    for j, ids in zip(cand.roots.tolist(), cand.members, strict=True):
        for i in ids.tolist():
            cover_of_school[i].add(j)
    root_set = set(cand.roots.tolist())
    cover = {g: set.intersection(*(cover_of_school[i] for i in ids)) for g, ids in members.items()}
    leaders_of = {g: {i for i in ids if i in root_set} for g, ids in members.items()}

    def ok(g: int) -> bool:
        return (
            tech[g] >= rules.min_technical_pupils
            and vmbo[g] >= rules.min_vmbo
            and mbo[g]
            and lead[g]
        )

    def can_merge(a: int, b: int, strict: bool = True) -> bool:
        if a in lock_of and b in lock_of:
            return False
        if max_tech is not None and tech[a] + tech[b] > max_tech:
            return False
        if not strict:
            return True
        common = cover[a] & cover[b]
        leaders = leaders_of[a] | leaders_of[b]
        return bool(common) and (not leaders or bool(common & leaders))

    def merge(a: int, b: int) -> None:
        """Merge b into a."""
        members[a] += members.pop(b)
        tech[a] += tech.pop(b)
        vmbo[a] += vmbo.pop(b)
        mbo[a] = mbo[a] or mbo.pop(b)
        lead[a] = lead[a] or lead.pop(b)
        cover[a] &= cover.pop(b)
        leaders_of[a] |= leaders_of.pop(b)
        if b in lock_of:
            lock_of[a] = lock_of.pop(b)
        for c, wt in links.pop(b).items():
            del links[c][b]
            if c != a:
                links[a][c] = links[a].get(c, 0.0) + wt
                links[c][a] = links[c].get(a, 0.0) + wt
        links[a].pop(a, None)

    # Phase 1: every region valid.
    while True:
        bad = [g for g in members if not ok(g)]
        if not bad:
            break
        g = min(bad, key=lambda r: (tech[r], len(members[r]), r))
        options = [c for c in links[g] if can_merge(g, c)]
        if not options:
            # Stuck inside the candidate radius: merge beyond it (the plan's pairs are
            # added to the model's candidates, see Candidates.with_plan).
            options = [c for c in links[g] if can_merge(g, c, strict=False)]
        if not options:
            return None
        # Prefer a neighbour that breaks a rule too, then the most shared pupils per size.
        c = max(options, key=lambda r: (not ok(r), links[g][r] / (1.0 + tech[r]), -r))
        merge(c, g) if len(members[c]) >= len(members[g]) else merge(g, c)
    # Phase 1b: too few regions: split the largest ones in two valid halves.
    next_id = max(members) + 1
    while len(members) < lo:
        for big in sorted(members, key=lambda r: -tech[r]):
            halves = _split_region(inp, members[big], owner)
            if halves is not None:
                break
        else:
            return None
        _apply_split(inp, members, tech, vmbo, mbo, lead, links, lock_of, big, next_id, halves)
        for g in (big, next_id):
            cover[g] = set.intersection(*(cover_of_school[i] for i in members[g]))
            leaders_of[g] = {i for i in members[g] if i in root_set}
        next_id += 1
    # Phase 2: merge down to the wanted number, cheapest loss of balance first.
    while len(members) > hi:
        best = None
        for a, nb in links.items():
            for b, wt in nb.items():
                if a < b and can_merge(a, b):
                    score = wt / (tech[a] + tech[b] + 1.0)
                    if best is None or score > best[0]:
                        best = (score, a, b)
        if best is None:
            return None
        merge(best[1], best[2])
    if len(members) < lo:
        return None
    root_pos = {int(j): r for r, j in enumerate(cand.roots)}
    adj = _adjacency(inp)
    dist = _euclid_km(inp)
    labels = np.empty(inp.n, dtype=np.int64)
    roots: list[int] = []
    for r, ids in enumerate(members.values()):
        labels[ids] = r
    for r, ids in enumerate(members.values()):
        arr = np.array(ids)
        leaders = [int(j) for j in arr[inp.can_lead[arr]] if int(j) in root_pos]
        leaders.sort(key=lambda j: float(dist[arr, j].sum()))
        chosen = next(
            (j for j in leaders if _hess_region_ok(inp, adj, cand, labels, r, arr, j)), None
        )
        if chosen is None:
            return None
        roots.append(chosen)
    return labels, roots


def _region_ok(inp: SolverInput, members: np.ndarray) -> bool:
    """True when a region (school ids) meets the size, vmbo, mbo and penvoerder rules."""
    r = inp.rules
    tech = int(inp.technical[members].sum())
    return (
        tech >= r.min_technical_pupils
        and (r.max_technical_pupils is None or tech <= r.max_technical_pupils)
        and int(inp.is_vmbo[members].sum()) >= r.min_vmbo
        and bool(inp.has_mbo[members].any())
        and bool(inp.can_lead[members].any())
    )


def _split_region(
    inp: SolverInput, ids: list[int], owner: np.ndarray
) -> tuple[list[int], list[int]] | None:
    """Two valid connected halves of a region (grown from two far-apart leaders), or None."""
    arr = np.array(sorted(ids))
    leaders = arr[inp.can_lead[arr]]
    if len(leaders) < 2:
        return None
    sub = _csgraph(inp)[arr][:, arr]
    local = {int(i): k for k, i in enumerate(arr)}
    d = np.linalg.norm(inp.xy[leaders][:, None] - inp.xy[leaders][None], axis=2)
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
        if all(h and _region_ok(inp, np.array(h)) for h in halves) and all(
            connected_components(sub[side == s][:, side == s], directed=False)[0] == 1
            for s in (0, 1)
        ):
            return halves
    return None


def _apply_split(
    inp: SolverInput,
    members: dict[int, list[int]],
    tech: dict[int, int],
    vmbo: dict[int, int],
    mbo: dict[int, bool],
    lead: dict[int, bool],
    links: dict[int, dict[int, float]],
    lock_of: dict[int, str],
    big: int,
    new: int,
    halves: tuple[list[int], list[int]],
) -> None:
    """Replace region ``big`` by its two halves (ids ``big`` and ``new``); rebuild links."""
    members[big], members[new] = list(halves[0]), list(halves[1])
    for g in (big, new):
        arr = np.array(members[g])
        tech[g] = int(inp.technical[arr].sum())
        vmbo[g] = int(inp.is_vmbo[arr].sum())
        mbo[g] = bool(inp.has_mbo[arr].any())
        lead[g] = bool(inp.can_lead[arr].any())
    region = {i: g for g, ids in members.items() for i in ids}
    links.clear()
    for (u, v), wt in zip(inp.edges.tolist(), inp.edge_weight.tolist(), strict=True):
        a, b = region[u], region[v]
        if a != b:
            links[a][b] = links[a].get(b, 0.0) + wt + 1e-6
            links[b][a] = links[b].get(a, 0.0) + wt + 1e-6
    locked = {int(i): label for label, ids in inp.locks for i in ids}
    for g in (big, new):
        lock_of.pop(g, None)
        labs = {locked[i] for i in members[g] if i in locked}
        if labs:
            lock_of[g] = next(iter(labs))


def _hess_region_ok(
    inp: SolverInput,
    adj: list[list[int]],
    cand: Candidates,
    labels: np.ndarray,
    r: int,
    members: np.ndarray,
    root: int,
) -> bool:
    """True when every member is a candidate of ``root`` with a same-region closer neighbour."""
    row = cand.full_km[int(np.flatnonzero(cand.roots == root)[0])]
    if not np.isfinite(row[members]).all():
        return False
    if not inp.rules.contiguous:
        return True
    return all(
        i == root or any(labels[k] == r and row[k] < row[i] for k in adj[i]) for i in members
    )


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    roots: np.ndarray
    constant: int
    size: dict[str, int]
    same: list[tuple[cp_model.IntVar, int, int, int]] = field(default_factory=list)
    """(s, u, v, j): edge (u, v) inside root j's region."""
    split: list[tuple[cp_model.IntVar, tuple[int, ...], int]] = field(default_factory=list)
    """(z, gemeente school ids, j): the gemeente has a school in root j's region."""
    match: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    keep: list[tuple[cp_model.IntVar, int, int, int]] = field(default_factory=list)
    """(k, i, j, reference region): school i stays in its matched reference region."""


def build_model(inp: SolverInput, config: SolverConfig, cand: Candidates) -> _Model:
    """The CP-SAT model (see the module docstring for the formulation)."""
    rules = inp.rules
    w = config.weights
    scale = config.objective_scale
    m = cp_model.CpModel()
    roots = cand.roots
    adj = _adjacency(inp)
    dist = _euclid_km(inp)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    of_school: list[list[int]] = [[] for _ in range(inp.n)]
    for r, j in enumerate(roots):
        for i in cand.members[r]:
            x[int(i), int(j)] = m.new_bool_var(f"x_{i}_{j}")
            of_school[int(i)].append(int(j))
    obj_terms: list[tuple[int, cp_model.IntVar]] = []
    constant = 0
    # Each school in exactly one region.
    for i in range(inp.n):
        m.add_exactly_one(x[i, j] for j in of_school[i])
    # Number of regions.
    lo, hi = config.region_range
    y = {int(j): x[int(j), int(j)] for j in roots}
    m.add_linear_constraint(sum(y.values()), lo, hi)
    n_hess = 0
    for r, j in enumerate(roots):
        j = int(j)
        members = [int(i) for i in cand.members[r]]
        xs = [x[i, j] for i in members]
        # Rule 2: vmbo schools; rule 5: size; rule 2: an mbo within reach.
        vm = [x[i, j] for i in members if inp.is_vmbo[i]]
        m.add(sum(vm) >= rules.min_vmbo * y[j])
        tech = [(int(inp.technical[i]), x[i, j]) for i in members if inp.technical[i] > 0]
        m.add(sum(c * v for c, v in tech) >= rules.min_technical_pupils * y[j])
        if rules.max_technical_pupils is not None:
            m.add(sum(c * v for c, v in tech) <= rules.max_technical_pupils * y[j])
        if not inp.has_mbo[j]:
            m.add(sum(x[i, j] for i in members if inp.has_mbo[i]) >= y[j])
        # A member needs its root open (implied by contiguity, but tightens the LP).
        for i in members:
            if i != j:
                m.add_implication(x[i, j], y[j])
        # Compactness: km to the root.
        for i, v in zip(members, xs, strict=True):
            c = round(scale * w.compactness_km * float(dist[i, j]))
            if c:
                obj_terms.append((c, v))
        if rules.contiguous and config.contiguity == "hess":
            row = cand.graph_km[r]
            for i in members:
                if i == j:
                    continue
                closer = [x[k, j] for k in adj[i] if row[k] < row[i] and (k, j) in x]
                if closer:
                    m.add_bool_or(closer).only_enforce_if(x[i, j])
                else:
                    m.add(x[i, j] == 0)
                n_hess += 1
    if rules.contiguous and config.contiguity == "exact":
        _exact_contiguity(m, inp, adj, x, of_school, y)
    # Close schools and locks: same region.
    for group in _together_groups(inp):
        for a, b in itertools.pairwise(group):
            for j in set(of_school[a]) | set(of_school[b]):
                if (a, j) in x and (b, j) in x:
                    m.add(x[a, j] == x[b, j])
                elif (a, j) in x:
                    m.add(x[a, j] == 0)
                else:
                    m.add(x[b, j] == 0)
    # Locks with different labels: different regions.
    if len(inp.locks) > 1:
        for j in roots:
            j = int(j)
            heads = [x[ids[0], j] for _, ids in inp.locks if (ids[0], j) in x]
            if len(heads) > 1:
                m.add_at_most_one(heads)
    same: list[tuple[cp_model.IntVar, int, int, int]] = []
    split: list[tuple[cp_model.IntVar, tuple[int, ...], int]] = []
    match: dict[tuple[int, int], cp_model.IntVar] = {}
    keep: list[tuple[cp_model.IntVar, int, int, int]] = []
    # Cut commuting pupils: same[e] = sum_j s[e, j] with s <= x[u, j], s <= x[v, j].
    n_cut = 0
    for (u, v), wt in zip(inp.edges.tolist(), inp.edge_weight.tolist(), strict=True):
        c = round(scale * w.cut_pupils * wt)
        if c <= 0:
            continue
        common = set(of_school[u]) & set(of_school[v])
        constant += c
        for j in common:
            s = m.new_bool_var(f"s_{u}_{v}_{j}")
            same.append((s, u, v, j))
            m.add_implication(s, x[u, j])
            m.add_implication(s, x[v, j])
            obj_terms.append((-c, s))
            n_cut += 1
    # Gemeente splits: z[g, j] >= x[i, j]; splits = sum_j z[g, j] - 1.
    n_split = 0
    c_split = round(scale * w.gemeente_split)
    if c_split > 0:
        for g in np.unique(inp.gemeente):
            ids = np.flatnonzero(inp.gemeente == g)
            if len(ids) < 2:
                continue
            constant -= c_split
            for j in sorted({j for i in ids for j in of_school[int(i)]}):
                z = m.new_bool_var(f"z_{g}_{j}")
                split.append((z, tuple(int(i) for i in ids), j))
                for i in ids:
                    if (int(i), j) in x:
                        m.add_implication(x[int(i), j], z)
                obj_terms.append((c_split, z))
                n_split += 1
    # Reference moves: regions matched one-to-one to reference regions; kept schools count.
    n_ref = 0
    if inp.reference is not None and len(inp.reference_ids):
        n_ref = _reference_terms(m, inp, config, x, of_school, y, obj_terms, match, keep)
        in_ref = int((inp.reference >= 0).sum())
        constant += round(scale * w.reference_move) * in_ref
    m.minimize(sum(c * v for c, v in obj_terms) + constant)
    size = {
        "schools": inp.n,
        "roots": len(roots),
        "pairs": len(x),
        "hess": n_hess,
        "cut_vars": n_cut,
        "split_vars": n_split,
        "reference_vars": n_ref,
    }
    return _Model(m, x, roots, constant, size, same, split, match, keep)


def _exact_contiguity(
    m: cp_model.CpModel,
    inp: SolverInput,
    adj: list[list[int]],
    x: dict[tuple[int, int], cp_model.IntVar],
    of_school: list[list[int]],
    y: dict[int, cp_model.IntVar],
) -> None:
    """Exact connectivity: every non-root picks a parent in its region at a lower level."""
    n = inp.n
    region = [m.new_int_var(0, n, f"r_{i}") for i in range(n)]
    level = [m.new_int_var(0, n, f"t_{i}") for i in range(n)]
    for i in range(n):
        m.add(region[i] == sum(j * x[i, j] for j in of_school[i]))
        parents = []
        for k in adj[i]:
            if not set(of_school[i]) & set(of_school[k]):
                continue
            p = m.new_bool_var(f"p_{i}_{k}")
            m.add(region[i] == region[k]).only_enforce_if(p)
            m.add(level[i] >= level[k] + 1).only_enforce_if(p)
            parents.append(p)
        is_root = y.get(i)
        if is_root is None:
            m.add(sum(parents) == 1)
        else:
            m.add(sum(parents) + is_root == 1)


def _reference_terms(
    m: cp_model.CpModel,
    inp: SolverInput,
    config: SolverConfig,
    x: dict[tuple[int, int], cp_model.IntVar],
    of_school: list[list[int]],
    y: dict[int, cp_model.IntVar],
    obj_terms: list[tuple[int, cp_model.IntVar]],
    match: dict[tuple[int, int], cp_model.IntVar],
    keep: list[tuple[cp_model.IntVar, int, int, int]],
) -> int:
    ref = inp.reference
    assert ref is not None
    c_move = round(config.objective_scale * config.weights.reference_move)
    for j in y:
        for rr in sorted({int(ref[i]) for i in range(inp.n) if (i, j) in x and ref[i] >= 0}):
            match[j, rr] = m.new_bool_var(f"m_{j}_{rr}")
    by_root: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_ref: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (j, rr), v in match.items():
        by_root[j].append(v)
        by_ref[rr].append(v)
    for j, vs in by_root.items():
        m.add(sum(vs) <= y[j])
    for vs in by_ref.values():
        m.add_at_most_one(vs)
    # A lock label that names a reference region ties the lock's region to it.
    ref_pos = {rid: k for k, rid in enumerate(inp.reference_ids)}
    for label, ids in inp.locks:
        if label in ref_pos:
            rr = ref_pos[label]
            for j in of_school[ids[0]]:
                if (j, rr) in match:
                    m.add_implication(x[ids[0], j], match[j, rr])
                else:
                    m.add(x[ids[0], j] == 0)
    keeps = []
    for i in range(inp.n):
        rr = int(ref[i])
        if rr < 0:
            continue
        for j in of_school[i]:
            if (j, rr) not in match:
                continue
            k = m.new_bool_var(f"k_{i}_{j}")
            keep.append((k, i, j, rr))
            m.add_implication(k, x[i, j])
            m.add_implication(k, match[j, rr])
            keeps.append(k)
            if c_move:
                obj_terms.append((-c_move, k))
    if config.max_moves is not None:
        in_ref = int((ref >= 0).sum())
        m.add(sum(keeps) >= in_ref - config.max_moves)
    return len(match) + len(keeps)


# --------------------------------------------------------------------------------------------
# Solving


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, start: float, scale: int, progress: Callable[[Progress], None] | None
    ) -> None:
        super().__init__()
        self.start = start
        self.scale = scale
        self.progress = progress
        self.first: float | None = None
        self.solutions = 0
        self.best_bound: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        with self.lock:
            self.solutions += 1
            if self.first is None:
                self.first = now
        self._report(now, self.objective_value, self.best_objective_bound)

    def on_bound(self, bound: float) -> None:
        now = time.perf_counter() - self.start
        with self.lock:
            self.best_bound = bound
        self._report(now, None, bound)

    def _report(self, now: float, obj: float | None, bound: float | None) -> None:
        if self.progress is None:
            return
        o = None if obj is None else obj / self.scale
        b = None if bound is None else max(bound / self.scale, 0.0)
        gap = None if o is None or b is None else proven_gap(o, b)
        self.progress(Progress(now, o, b, gap, self.solutions))


def _give_ctrl_c_back_to_python() -> None:
    """... but CP-SAT leaves the operating system's default behind (Ctrl-C then kills the
    process without a word), so re-install Python's handler: a later Ctrl-C raises
    KeyboardInterrupt again. Only the main thread may set signal handlers."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.getsignal(signal.SIGINT))


def proven_gap(obj: float, bound: float) -> float:
    """Relative gap ``(objective - bound) / |objective|`` (0 when the bound meets it)."""
    return max(obj - bound, 0.0) / max(abs(obj), 1e-9)


def solve(
    inp: SolverInput,
    config: SolverConfig,
    progress: Callable[[Progress], None] | None = None,
) -> Solution:
    """Find a rule-valid partition that minimises the objective, with a proven bound.

    Parameters
    ----------
    inp : SolverInput
        The instance as arrays (``SolverInput.from_instance``).
    config : SolverConfig
        Region count, time limit, seed, workers, weights and model options.
    progress : callable, optional
        Called with a ``Progress`` on every new incumbent and bound.

    Returns
    -------
    Solution
        ``status`` is ``OPTIMAL`` (gap within ``relative_gap``), ``FEASIBLE`` (time limit hit
        with a plan), ``HEURISTIC`` (CP-SAT found nothing in time: the warm start's plan,
        which meets every rule but may move more schools than ``max_moves``; ``optimise``
        then looks for one within the cap) or ``UNKNOWN`` (no plan in time).

    Raises
    ------
    InfeasibleError
        When the pre-check shows no valid plan exists (with reasons and parameters to relax),
        or CP-SAT proves it.
    """
    start = time.perf_counter()
    cand = candidates(inp, config)
    reasons = precheck(inp, config, cand)
    if reasons:
        raise InfeasibleError(reasons)
    t_setup = time.perf_counter() - start
    hint = None
    hint_score: ObjectiveComponents | None = None
    if config.warm_start:
        hint = heuristic(inp, config, cand)
        if hint is not None:
            cand = cand.with_plan(*hint)
            hint_score = score_labels(inp, hint[0], config.weights, roots=hint[1])
    t_heur = time.perf_counter() - start
    if hint_score is not None and progress is not None:
        # The warm start already meets every rule: it is the first valid plan.
        progress(Progress(t_heur, hint_score.total, None, None, 0))
    built = build_model(inp, config, cand)
    if hint is not None:
        _add_hint(built, inp, hint)
    t_model = time.perf_counter() - start
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(config.time_limit_s - t_model, 0.1)
    p.num_workers = config.workers
    p.random_seed = config.seed
    p.relative_gap_limit = config.relative_gap
    p.linearization_level = config.linearization_level
    p.log_search_progress = config.log_search
    # Measured on the national instance (bench/bench_propose.py): probing at load time costs
    # ~5 s before the first CP-SAT solution and buys nothing on this model.
    p.cp_model_probing_level = config.probing_level
    watcher = _Watcher(start, config.objective_scale, progress)
    solver.best_bound_callback = watcher.on_bound
    # Ctrl-C during the search ends it like the time limit (CP-SAT's own handler) ...
    status = solver.solve(built.model, watcher)
    _give_ctrl_c_back_to_python()
    wall = time.perf_counter() - start
    name = solver.status_name(status)
    stats: dict[str, float | int | str] = {
        "setup_s": round(t_setup, 3),
        "heuristic_s": round(t_heur - t_setup, 3),
        "model_s": round(t_model - t_heur, 3),
        "cp_sat_s": round(solver.wall_time, 3),
        "branches": int(solver.num_branches),
        "conflicts": int(solver.num_conflicts),
    }
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(
            [
                "CP-SAT proved that no plan meets every rule with these parameters "
                f"({config.region_range[0]}-{config.region_range[1]} regions, "
                f"min_technical_pupils={inp.rules.min_technical_pupils}, "
                f"together_km={inp.rules.together_km:g}, candidate radius "
                f"{config.candidate_radius_km:g} km): lower --regions or "
                "rules.min_technical_pupils, relax locks / --max-moves, or raise the radius"
            ]
        )
    first_valid = watcher.first
    if hint is not None:
        first_valid = t_heur if first_valid is None else min(first_valid, t_heur)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and hint is not None:
        # CP-SAT found nothing in time, but the warm start is a valid plan: return it.
        labels, roots = hint
        comps = score_labels(inp, labels, config.weights, roots=roots)
        bound = max(solver.best_objective_bound / config.objective_scale, 0.0)
        return Solution(
            labels=labels,
            roots=tuple(int(j) for j in roots),
            region_ids=region_ids_for(inp, labels, len(roots)),
            status="HEURISTIC",
            objective=comps.total,
            bound=bound,
            gap=proven_gap(comps.total, bound),
            wall_time_s=wall,
            time_to_first_valid_s=first_valid,
            components=comps,
            heuristic_valid=True,
            model_size=built.size,
            stats=stats,
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(
            labels=np.full(inp.n, -1, dtype=np.int64),
            roots=(),
            region_ids=(),
            status=name,
            objective=None,
            bound=max(solver.best_objective_bound / config.objective_scale, 0.0),
            gap=None,
            wall_time_s=wall,
            time_to_first_valid_s=None,
            components=None,
            heuristic_valid=hint is not None,
            model_size=built.size,
            stats=stats,
        )
    root_of = np.full(inp.n, -1, dtype=np.int64)
    for (i, j), v in built.x.items():
        if solver.boolean_value(v):
            root_of[i] = j
    roots = sorted(set(root_of.tolist()), key=lambda j: (-inp.xy[j, 1], inp.xy[j, 0]))
    pos = {j: r for r, j in enumerate(roots)}
    labels = np.array([pos[int(j)] for j in root_of], dtype=np.int64)
    region_ids = region_ids_for(inp, labels, len(roots))
    comps = score_labels(inp, labels, config.weights, roots=roots)
    obj = solver.objective_value / config.objective_scale
    # Every component is >= 0, so 0 is a valid bound when CP-SAT's is weaker.
    bound = max(solver.best_objective_bound / config.objective_scale, 0.0)
    gap = proven_gap(obj, bound)
    # CP-SAT calls it FEASIBLE when it stops on the gap limit; the gap says which it is.
    shown = "OPTIMAL" if status == cp_model.OPTIMAL and gap <= 1e-9 else name
    if status == cp_model.OPTIMAL and gap > 1e-9:
        shown = "GAP_REACHED"
    return Solution(
        labels=labels,
        roots=tuple(int(j) for j in roots),
        region_ids=region_ids,
        status=shown,
        objective=obj,
        bound=bound,
        gap=gap,
        wall_time_s=wall,
        time_to_first_valid_s=first_valid,
        components=comps,
        heuristic_valid=hint is not None,
        model_size=built.size,
        stats=stats,
    )


def region_ids_for(inp: SolverInput, labels: np.ndarray, k: int) -> tuple[str, ...]:
    """Region ids of a plan: the lock label or matched reference id when there is one, else
    R01, R02, ..."""
    ids: list[str | None] = [None] * k
    for label, members in inp.locks:
        ids[int(labels[members[0]])] = label
    if inp.reference is not None and len(inp.reference_ids):
        in_ref = inp.reference >= 0
        rows, cols, overlap = match_labels(
            labels[in_ref], inp.reference[in_ref], k, len(inp.reference_ids)
        )
        for r, c in zip(rows, cols, strict=True):
            if ids[r] is None and overlap[r, c] > 0 and inp.reference_ids[c] not in ids:
                ids[r] = inp.reference_ids[c]
    used = {i for i in ids if i is not None}
    counter = 0
    out = []
    for r in range(k):
        if ids[r] is None:
            while True:
                counter += 1
                cand = f"R{counter:02d}"
                if cand not in used:
                    break
            ids[r] = cand
        out.append(str(ids[r]))
    return tuple(out)


def _add_hint(built: _Model, inp: SolverInput, hint: tuple[np.ndarray, list[int]]) -> None:
    """Hint every variable, so CP-SAT can take the warm start as its first solution."""
    labels, roots = hint
    root_of = [roots[int(lab)] for lab in labels]
    model = built.model
    for (i, j), v in built.x.items():
        model.add_hint(v, root_of[i] == j)
    for s, u, v, j in built.same:
        model.add_hint(s, root_of[u] == j and root_of[v] == j)
    for z, ids, j in built.split:
        model.add_hint(z, any(root_of[i] == j for i in ids))
    if built.match and inp.reference is not None:
        in_ref = inp.reference >= 0
        rows, cols, _ = match_labels(
            labels[in_ref], inp.reference[in_ref], len(roots), len(inp.reference_ids)
        )
        matched = {(roots[r], int(c)) for r, c in zip(rows, cols, strict=True)}
        for key, v in built.match.items():
            model.add_hint(v, key in matched)
        for k, i, j, rr in built.keep:
            model.add_hint(k, root_of[i] == j and (j, rr) in matched)


__all__ = [
    "Candidates",
    "ObjectiveComponents",
    "Progress",
    "Solution",
    "SolverConfig",
    "SolverInput",
    "build_model",
    "candidates",
    "heuristic",
    "precheck",
    "proven_gap",
    "region_ids_for",
    "restrict",
    "score_labels",
    "solve",
]
