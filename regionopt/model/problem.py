"""The optimizer's input: one ``Problem`` of arrays indexed by school id ``0..n-1``.

Pure numeric (numpy, networkx for the graph it is built from; never geopandas). Build it with
``Problem.from_instance``; ``Problem.restrict`` gives the problem of a subset of the schools
(a window of neighbouring regions), ``exclude_schools`` the instance without opted-out schools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix

from regionopt.config import RulesConfig
from regionopt.errors import InputError
from regionopt.errors import Problem as InputProblem
from regionopt.instance import Instance
from regionopt.model.rules import RegionRules, SchoolFacts, together_groups
from regionopt.plan import Plan

# Edges of length 0 (schools sharing a building) would tie in the "strictly closer" test of
# Hess contiguity; a tiny length keeps every shortest-path predecessor closer.
MIN_EDGE_KM = 1e-3


@dataclass(frozen=True)
class ItemFamily:
    """Schools grouped into items (gemeenten, labour-market regions, ...).

    The objective charges a region once for every item among its members (a split item is
    charged once per region it is split over).
    """

    name: str
    index: np.ndarray
    """Per school the index of its item in ``codes`` (-1: none)."""
    codes: tuple[str, ...]

    def restrict(self, ids: np.ndarray) -> ItemFamily:
        """The family over a subset of the schools (item codes unchanged)."""
        return replace(self, index=_read_only(self.index[ids]))


DEFAULT_REGIONS = (77, 77)
"""How many regions a proposal has by default (min, max): as many as in 2019-2020 [004]."""


@dataclass(frozen=True)
class Problem:
    """Everything the optimizer needs, as read-only arrays indexed by school id."""

    codes: tuple[str, ...]
    labels: tuple[str, ...]
    """Human-readable name per school for messages (``code name (place)``)."""
    xy: np.ndarray
    """RD New metres, shape (n, 2)."""
    facts: SchoolFacts
    """What the region rules read of each school."""
    edges: np.ndarray
    """School graph edges (u, v), u < v, shape (m, 2)."""
    edge_weight: np.ndarray
    """Modelled commuting pupils shared by the edge's two schools (cost of cutting it)."""
    edge_km: np.ndarray
    together: np.ndarray
    """Pairs of schools closer than the ``together`` rule's distance, shape (k, 2)."""
    items: tuple[ItemFamily, ...]
    """Item families; the first is the gemeente."""
    rules: RegionRules = field(default_factory=RegionRules)
    regions: tuple[int, int] = DEFAULT_REGIONS
    """The number of regions: (min, max)."""
    locks: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """(label, school ids): each label's schools share a region; labels differ in region."""
    reference: np.ndarray | None = None
    """Reference region index per school (-1 when not in the reference), or None."""
    reference_ids: tuple[str, ...] = ()
    max_moves: int | None = None
    """Hard cap on schools moved away from the reference plan."""
    mean_technical: float = 0.0
    """Technical pupils per region on average in the whole problem (kept by ``restrict``, so a
    window's regions are judged against the national mean); 0: from this problem."""

    @property
    def n(self) -> int:
        """Number of schools."""
        return len(self.codes)

    @property
    def technical(self) -> np.ndarray:
        """Technical-profile pupils lj 3-4 per school."""
        return self.facts.technical

    @property
    def can_lead(self) -> np.ndarray:
        """Schools with technical pupils: possible penvoerders and region roots."""
        return self.facts.can_lead

    @property
    def size_mean(self) -> float:
        """The mean technical pupils per region that the size balance measures against."""
        if self.mean_technical > 0:
            return self.mean_technical
        lo, hi = self.regions
        return max(float(self.technical.sum()) / ((lo + hi) / 2), 1.0)

    @property
    def has_reference(self) -> bool:
        """True when moves away from a reference plan count."""
        return self.reference is not None and len(self.reference_ids) > 0

    @property
    def gemeente(self) -> np.ndarray:
        """Gemeente index per school."""
        return self.items[0].index

    @cached_property
    def adjacency(self) -> list[list[int]]:
        """Graph neighbours of every school."""
        adj: list[list[int]] = [[] for _ in range(self.n)]
        for a, b in self.edges.tolist():
            adj[a].append(b)
            adj[b].append(a)
        return adj

    @cached_property
    def graph_lengths(self) -> csr_matrix:
        """The school graph as a sparse matrix of edge lengths in km (for shortest paths)."""
        n = self.n
        if len(self.edges) == 0:
            return csr_matrix((n, n))
        lengths = np.maximum(self.edge_km, MIN_EDGE_KM)
        rows = np.concatenate([self.edges[:, 0], self.edges[:, 1]])
        cols = np.concatenate([self.edges[:, 1], self.edges[:, 0]])
        return csr_matrix((np.concatenate([lengths, lengths]), (rows, cols)), shape=(n, n))

    @cached_property
    def together_groups(self) -> list[list[int]]:
        """Groups of schools that must share a region (close schools if hard, and locks)."""
        pairs = self.together if self.rules.together_strict else np.zeros((0, 2), dtype=np.int64)
        return together_groups(self.n, pairs, [ids for _, ids in self.locks])

    def splits_a_group(self, labels: np.ndarray) -> bool:
        """True when a group of schools that must share a region lies in two regions."""
        labels = np.asarray(labels)
        return any(len(set(labels[g].tolist())) > 1 for g in self.together_groups if len(g) > 1)

    def euclid_km(self) -> np.ndarray:
        """Straight-line km between every two schools, shape (n, n)."""
        d = self.xy[:, None, :] - self.xy[None, :, :]
        return np.asarray(np.sqrt((d**2).sum(axis=2)) / 1000.0)

    def where(self, ids: Iterable[int]) -> str:
        """A readable list of schools for messages (the first four and a count)."""
        ids = [int(i) for i in ids]
        shown = ", ".join(self.labels[i] for i in ids[:4])
        more = f" and {len(ids) - 4} more" if len(ids) > 4 else ""
        return f"schools {shown}{more}" if len(ids) > 1 else f"school {shown}"

    @classmethod
    def from_instance(
        cls,
        instance: Instance,
        graph: nx.Graph,
        rules: RulesConfig | RegionRules,
        *,
        regions: tuple[int, int] = DEFAULT_REGIONS,
        locks: Mapping[str, str] | None = None,
        reference: Plan | None = None,
        max_moves: int | None = None,
        families: Sequence[ItemFamily] = (),
    ) -> Problem:
        """Arrays of an instance and its school graph under the given rules.

        Parameters
        ----------
        instance : Instance
            The participating schools (exclude opt-outs first with ``exclude_schools``).
        graph : networkx.Graph
            School graph with nodes ``0..n-1`` and edge attributes ``weight``, ``distance_km``.
        rules : RulesConfig or RegionRules
            The hard rules.
        regions : (int, int)
            The number of regions (min, max).
        locks : mapping of code -> region label, optional
            Schools locked together (same label) or apart (different labels).
        reference : Plan, optional
            A plan to stay close to (moves are penalised, or capped by ``max_moves``).
        max_moves : int, optional
            Hard cap on schools moved away from ``reference``.
        families : sequence of ItemFamily
            Item families after the gemeente (e.g. labour-market regions).

        Raises
        ------
        InputError
            A locked code that is not a participating school.
        """
        region_rules = rules if isinstance(rules, RegionRules) else RegionRules.from_config(rules)
        edges, weights, kms = _graph_arrays(instance, graph)
        gemeente = ItemFamily(
            "gemeente",
            _read_only(instance.gemeente_index.astype(np.int64)),
            instance.gemeente_codes,
        )
        ref_labels: np.ndarray | None = None
        ref_ids: tuple[str, ...] = ()
        if reference is not None:
            lab, ref_ids = reference.labels(s.code for s in instance.schools)
            ref_labels = _read_only(lab.astype(np.int64))
        facts = SchoolFacts.of(instance, region_rules)
        return cls(
            codes=tuple(s.code for s in instance.schools),
            labels=tuple(f"{s.code} {s.name} ({s.place})" for s in instance.schools),
            xy=_read_only(instance.xy.astype(float)),
            facts=SchoolFacts(
                technical=_read_only(facts.technical),
                is_vmbo=_read_only(facts.is_vmbo),
                has_mbo=_read_only(facts.has_mbo),
            ),
            edges=_read_only(edges),
            edge_weight=_read_only(weights),
            edge_km=_read_only(kms),
            together=_read_only(region_rules.close_pairs(instance.xy)),
            items=(gemeente, *families),
            rules=region_rules,
            regions=regions,
            locks=_lock_groups(instance, locks or {}),
            reference=ref_labels,
            reference_ids=tuple(ref_ids),
            max_moves=max_moves,
        )

    def restrict(self, ids: Sequence[int] | np.ndarray) -> Problem:
        """The problem of some schools (renumbered ``0..len(ids)-1`` in order).

        Edges, close pairs and locks keep only what lies inside; the reference plan is dropped.
        """
        ids_arr = np.asarray(sorted(int(i) for i in ids), dtype=np.int64)
        local = np.full(self.n, -1, dtype=np.int64)
        local[ids_arr] = np.arange(len(ids_arr))
        inside = (local[self.edges[:, 0]] >= 0) & (local[self.edges[:, 1]] >= 0)
        close = (local[self.together[:, 0]] >= 0) & (local[self.together[:, 1]] >= 0)
        locks = (
            (label, tuple(int(local[i]) for i in members if local[i] >= 0))
            for label, members in self.locks
        )
        return replace(
            self,
            codes=tuple(self.codes[i] for i in ids_arr),
            labels=tuple(self.labels[i] for i in ids_arr),
            xy=_read_only(self.xy[ids_arr]),
            facts=SchoolFacts(
                technical=_read_only(self.facts.technical[ids_arr]),
                is_vmbo=_read_only(self.facts.is_vmbo[ids_arr]),
                has_mbo=_read_only(self.facts.has_mbo[ids_arr]),
            ),
            edges=_read_only(local[self.edges[inside]].reshape(-1, 2)),
            edge_weight=_read_only(self.edge_weight[inside]),
            edge_km=_read_only(self.edge_km[inside]),
            together=_read_only(local[self.together[close]].reshape(-1, 2)),
            items=tuple(f.restrict(ids_arr) for f in self.items),
            locks=tuple((label, members) for label, members in locks if members),
            reference=None,
            reference_ids=(),
            max_moves=None,
            mean_technical=self.size_mean,
        )

    def with_regions(self, lo: int, hi: int | None = None) -> Problem:
        """The same problem asking for ``lo..hi`` regions (``hi`` defaults to ``lo``)."""
        return replace(self, regions=(lo, lo if hi is None else hi))

    def without_reference(self) -> Problem:
        """The same problem with no reference plan (moves no longer count)."""
        return replace(self, reference=None, reference_ids=(), max_moves=None)


def _graph_arrays(instance: Instance, graph: nx.Graph) -> tuple[np.ndarray, ...]:
    """Edges (u < v), their weights and their lengths in km, in the graph's edge order."""
    edges, weights, kms = [], [], []
    xy = instance.xy
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        a, b = sorted((int(u), int(v)))
        edges.append((a, b))
        weights.append(float(data.get("weight", 0.0)))
        kms.append(float(data.get("distance_km", np.linalg.norm(xy[a] - xy[b]) / 1000.0)))
    return (
        np.array(edges, dtype=np.int64).reshape(-1, 2),
        np.array(weights, dtype=float),
        np.array(kms, dtype=float),
    )


def _lock_groups(
    instance: Instance, locks: Mapping[str, str]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(label, sorted school ids) per lock label, labels sorted."""
    groups: dict[str, list[int]] = {}
    problems = []
    for code, label in locks.items():
        if code not in instance.index:
            problems.append(
                InputProblem(
                    "--lock", code, "not a participating vestiging (or excluded)", "check the code"
                )
            )
            continue
        groups.setdefault(str(label), []).append(instance.index[code])
    if problems:
        raise InputError(problems, title="Invalid locks")
    return tuple((label, tuple(sorted(ids))) for label, ids in sorted(groups.items()))


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def exclude_schools(
    instance: Instance, graph: nx.Graph, exclude: Iterable[str]
) -> tuple[Instance, nx.Graph]:
    """The instance and graph without the excluded (opted-out) schools, ids renumbered.

    Raises
    ------
    InputError
        An excluded code that is not a participating school.
    """
    excluded = set(exclude)
    unknown = sorted(c for c in excluded if c not in instance.index)
    if unknown:
        raise InputError(
            [
                InputProblem("--exclude", c, "not a participating vestiging", "check the code")
                for c in unknown
            ]
        )
    if not excluded:
        return instance, graph
    kept = [s for s in instance.schools if s.code not in excluded]
    new_id = {s.id: k for k, s in enumerate(kept)}
    schools = tuple(replace(s, id=new_id[s.id]) for s in kept)
    sub = Instance(
        schools=schools,
        mbo=instance.mbo,
        municipalities=instance.municipalities,
        participation=instance.participation,
        outsiders=instance.outsiders,
    )
    g = nx.Graph()
    g.graph.update(graph.graph)
    for s in schools:
        g.add_node(s.id, code=s.code)
    for u, v, data in graph.edges(data=True):
        if u in new_id and v in new_id:
            g.add_edge(new_id[u], new_id[v], **data)
    return sub, g


__all__ = ["MIN_EDGE_KM", "ItemFamily", "Problem", "exclude_schools"]
