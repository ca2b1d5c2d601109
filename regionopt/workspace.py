"""Everything a command needs, loaded once: config, data, commuting model and school graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from regionopt.commute import CommuteModel
from regionopt.config import Config, load_config
from regionopt.graph import commuting_graph
from regionopt.instance import Instance
from regionopt.load import LoadedData, load_all
from regionopt.model.problem import ItemFamily
from regionopt.model.rules import RegionRules


@dataclass(frozen=True)
class Workspace:
    """Config, loaded data, commuting model and school graph of one run."""

    config: Config
    loaded: LoadedData
    model: CommuteModel
    graph: nx.Graph

    @property
    def instance(self) -> Instance:
        """The loaded instance."""
        return self.loaded.instance

    def with_config(self, config: Config) -> Workspace:
        """The same data, commuting model and graph under other rules, weights, budget or
        search parameters.

        Raises
        ------
        ValueError
            When ``config`` changes who takes part or the commuting model, on which the loaded
            data and the graph depend (open a new workspace for that).
        """
        if (config.participation, config.commute) != (
            self.config.participation,
            self.config.commute,
        ):
            raise ValueError("participation and commute need a new workspace (open_workspace)")
        return Workspace(config, self.loaded, self.model, self.graph)

    @cached_property
    def boards(self) -> ItemFamily:
        """Each school's bestuur (board) as an item family."""
        return board_family(self.instance)

    @cached_property
    def labour_markets(self) -> ItemFamily:
        """Each school's labour-market region (RPA-gebied of the DUO location file; -1 when
        the file does not list the school)."""
        return labour_market_family(self.instance, Path(self.loaded.report.data_dir))

    @cached_property
    def mbo_institutions(self) -> ItemFamily:
        """Each school's serving mbo institution (``serving_institution_family``)."""
        reach_km = RegionRules.from_config(self.config.rules).mbo_within_km
        return serving_institution_family(self.instance, reach_km)


def item_family(name: str, items: Sequence[str], codes: Sequence[str] | None = None) -> ItemFamily:
    """An item family from each school's item code ("": none, index -1); its codes are
    ``codes`` (default: the items met), sorted."""
    known = tuple(sorted(set(codes if codes is not None else (c for c in items if c))))
    pos = {c: k for k, c in enumerate(known)}
    index = np.array([pos.get(c, -1) for c in items], dtype=np.int64)
    index.setflags(write=False)
    return ItemFamily(name, index, known)


def board_family(instance: Instance) -> ItemFamily:
    """The bestuur of every school as an item family of the objective (-1: none known)."""
    return item_family("bestuur", [s.bestuur for s in instance.schools])


def labour_market_family(instance: Instance, data_dir: Path) -> ItemFamily:
    """The RPA-gebied of every school as an item family of the objective."""
    from regionopt.load import FILES
    from regionopt.official import OFFICIAL_PARTITIONS, read_official_partitions

    rpa = next(p for p in OFFICIAL_PARTITIONS if p.key == "rpa")
    (plan,) = read_official_partitions(data_dir / FILES["locations"], (rpa,))
    items = [plan.assignment.get(s.code, "") for s in instance.schools]
    return item_family("rpa", items, codes=list(plan.assignment.values()))


def serving_institution_family(instance: Instance, reach_km: float) -> ItemFamily:
    """The mbo institution that serves each school (``Instance.serving_institutions``), as
    an item family of the objective; a school with no location in reach is served by the
    institution of its nearest location (-1 without any mbo location)."""
    if not instance.mbo:
        return item_family("mbo", [""] * len(instance.schools))
    tree = cKDTree(instance.mbo_xy)
    serving = instance.serving_institutions(reach_km)
    for k, school in enumerate(instance.schools):
        if not serving[k]:
            serving[k] = instance.mbo[int(tree.query((school.x, school.y))[1])].institution
    return item_family("mbo", serving)


def open_workspace(
    data: Path | str | None = None,
    config: Path | Config | None = None,
) -> Workspace:
    """Load config and data and build the commuting model and school graph.

    Parameters
    ----------
    data : path, optional
        Data directory (default ``$REGIONOPT_DATA`` or ``../shared/data``).
    config : path or Config, optional
        A TOML file, a ``Config``, or ``None`` for the defaults.
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    return workspace_of(load_all(data, participation=cfg.participation), cfg)


def workspace_of(loaded: LoadedData, config: Config) -> Workspace:
    """The commuting model and school graph of data already loaded (under
    ``config.participation``)."""
    model, graph = commuting_graph(loaded.instance, loaded.geography, config.commute)
    return Workspace(config, loaded, model, graph)
