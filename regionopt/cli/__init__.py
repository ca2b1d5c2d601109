"""Command-line interface: thin commands over the library, one module per command group."""

from regionopt.cli import check, config, data, graph  # noqa: F401  (registers commands)
from regionopt.cli import map as map_cli  # noqa: F401  (registers `regionopt map`)
from regionopt.cli import propose as propose_cli  # noqa: F401  (registers `regionopt propose`)
from regionopt.cli import serve as serve_cli  # noqa: F401  (registers `regionopt serve`)
from regionopt.cli import validate as validate_cli  # noqa: F401  (registers `regionopt validate`)
from regionopt.cli import whatif as whatif_cli  # noqa: F401  (budget, compare, whatif)
from regionopt.cli._app import app

__all__ = ["app"]
