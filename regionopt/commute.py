"""Modelled commuting areas: a distance-decay (Huff) choice model, pure numpy/scipy.

No public file of home-to-school flows exists, so they are modelled. Origins are primary
schools weighted by their pupils (where families with children live); destinations are the
participating vmbo vestigingen. An origin's pupils spread over the schools within
``cutoff_km`` with probability proportional to

    attractiveness_j * exp(-distance_kj / decay_km),

where a school's attractiveness is its own pupils (a large school draws from farther away):
beroepsgerichte leerjaar 3-4 pupils for a vmbo school, and for a school that joins (rule 6:
tl-only, pro, vso) its tl leerjaar 3-4, pro or vso pupils (``School.own_pupils``). Flows are
scaled so they add up to those pupils over all schools, so a flow reads as "modelled pupils"
(with the default participation: modelled beroepsgerichte vmbo pupils).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from regionopt.config import CommuteConfig
from regionopt.instance import Instance

MIN_SHARE = 0.01
"""Choice probabilities below this are dropped: they move no whole pupil and bloat the graph."""


@dataclass(frozen=True)
class CommuteModel:
    """The modelled flows from origins to schools.

    Attributes
    ----------
    flows : scipy.sparse.csr_matrix
        Modelled pupils from origin k (row) to school j (column), shape (k, n).
    distances_km : scipy.sparse.csr_matrix
        Straight-line distance of every modelled flow, same sparsity as ``flows``.
    origins_xy : ndarray
        Origin coordinates (RD New metres), shape (k, 2).
    config : CommuteConfig
        The parameters used.
    unreached_pupils : float
        Modelled pupils at origins with no school within the cut-off (lost to the model).
    """

    flows: sparse.csr_matrix
    distances_km: sparse.csr_matrix
    origins_xy: np.ndarray
    config: CommuteConfig
    unreached_pupils: float

    @property
    def mean_distance_km(self) -> float:
        """Pupil-weighted mean modelled home-to-school distance."""
        total = self.flows.sum()
        return float(self.flows.multiply(self.distances_km).sum() / total) if total else 0.0

    @property
    def school_catchment(self) -> np.ndarray:
        """Modelled pupils per school, shape (n,)."""
        return np.asarray(self.flows.sum(axis=0)).ravel()


def commute_model(
    instance: Instance,
    origins_xy: np.ndarray,
    origins_pupils: np.ndarray,
    config: CommuteConfig | None = None,
) -> CommuteModel:
    """Spread each origin's pupils over the schools within reach (Huff model).

    Parameters
    ----------
    instance : Instance
        Destinations are its schools; attractiveness is their own pupils
        (``Instance.own_pupils``, at least 1, so a school with no count still draws some).
    origins_xy : ndarray, shape (k, 2)
        Origins in RD New metres.
    origins_pupils : ndarray, shape (k,)
        Pupils per origin.
    config : CommuteConfig, optional
        ``decay_km`` and ``cutoff_km``.

    Returns
    -------
    CommuteModel
    """
    config = config or CommuteConfig()
    n, k = instance.n, len(origins_xy)
    if n == 0 or k == 0:
        empty = sparse.csr_matrix((k, n))
        return CommuteModel(empty, empty, np.asarray(origins_xy), config, 0.0)
    rows, cols, d_km = _within_reach(instance.xy, origins_xy, config.cutoff_km)
    attract = np.maximum(instance.own_pupils.astype(float), 1.0)
    utility = attract[cols] * np.exp(-d_km / config.decay_km)
    util = sparse.csr_matrix((utility, (rows, cols)), shape=(k, n))
    row_sum = np.asarray(util.sum(axis=1)).ravel()
    share = sparse.diags(np.divide(1.0, row_sum, out=np.zeros(k), where=row_sum > 0)) @ util
    share.data[share.data < MIN_SHARE] = 0.0
    share.eliminate_zeros()
    # Renormalise after pruning so every reached origin still sends all of its pupils.
    row_sum = np.asarray(share.sum(axis=1)).ravel()
    share = sparse.diags(np.divide(1.0, row_sum, out=np.zeros(k), where=row_sum > 0)) @ share
    pupils = np.asarray(origins_pupils, dtype=float)
    total_own = float(instance.own_pupils.sum())
    scale = total_own / pupils[row_sum > 0].sum() if pupils[row_sum > 0].sum() > 0 else 1.0
    flows = (sparse.diags(pupils * scale) @ share).tocsr()
    flows.eliminate_zeros()
    dist_csr = sparse.csr_matrix((d_km, (rows, cols)), shape=(k, n))
    distances = flows.copy()
    distances.data = np.asarray(dist_csr[flows.nonzero()]).ravel()
    return CommuteModel(
        flows=flows,
        distances_km=distances.tocsr(),
        origins_xy=np.asarray(origins_xy, dtype=float),
        config=config,
        unreached_pupils=float(pupils[row_sum == 0].sum() * scale),
    )


def _within_reach(
    schools_xy: np.ndarray, origins_xy: np.ndarray, cutoff_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (origin, school) pair at most ``cutoff_km`` apart: origin rows, school columns and
    the distances in km (a school at exactly the origin's point included, at 0 km)."""
    tree = cKDTree(schools_xy)
    dist_m = tree.sparse_distance_matrix(
        cKDTree(np.asarray(origins_xy, dtype=float)),
        cutoff_km * 1000.0,
        output_type="coo_matrix",
    ).T.tocsr()  # (k, n)
    # A school at exactly the origin's point has distance 0, which sparse storage drops.
    coo = dist_m.tocoo()
    rows, cols, d_km = coo.row, coo.col, coo.data / 1000.0
    same = tree.query_ball_point(np.asarray(origins_xy, dtype=float), r=1e-6)
    stored = set(zip(rows.tolist(), cols.tolist(), strict=True))
    extra = [(r, c) for r, hits in enumerate(same) for c in hits if (r, c) not in stored]
    if extra:
        er, ec = np.array(extra).T
        rows, cols, d_km = np.r_[rows, er], np.r_[cols, ec], np.r_[d_km, np.zeros(len(er))]
    return rows, cols, d_km


def shared_catchment(model: CommuteModel) -> sparse.csr_matrix:
    """Pupils whose modelled choice is split between two schools.

    For schools i and j, the sum over origins of ``min(flow_ki, flow_kj)``: the pupils living
    where both schools recruit. Symmetric, non-negative, zero diagonal.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n, n)
    """
    flows = model.flows.tocsr()
    n = flows.shape[1]
    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    indptr, indices, data = flows.indptr, flows.indices, flows.data
    for k in range(flows.shape[0]):
        lo, hi = indptr[k], indptr[k + 1]
        if hi - lo < 2:
            continue
        cols, f = indices[lo:hi], data[lo:hi]
        a, b = np.triu_indices(hi - lo, k=1)
        rows_i.append(cols[a])
        rows_j.append(cols[b])
        vals.append(np.minimum(f[a], f[b]))
    if not vals:
        return sparse.csr_matrix((n, n))
    i, j, v = np.concatenate(rows_i), np.concatenate(rows_j), np.concatenate(vals)
    upper = sparse.coo_matrix((v, (i, j)), shape=(n, n)).tocsr()
    return (upper + upper.T).tocsr()
