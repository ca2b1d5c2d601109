"""Everything a command needs, loaded once: config, data, commuting model and school graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from regionopt.commute import CommuteModel
from regionopt.config import Config, load_config
from regionopt.graph import commuting_graph
from regionopt.instance import Instance
from regionopt.load import LoadedData, load_all


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
    loaded = load_all(data, participation=cfg.participation)
    model, graph = commuting_graph(loaded.instance, loaded.geography, cfg.commute)
    return Workspace(cfg, loaded, model, graph)
