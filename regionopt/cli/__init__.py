"""Command-line interface: thin commands over the library, one module per command group."""

# Importing a command module registers its commands, in this order in --help: the README's
# tour (propose, judge, test a change, look, money, compare), then the tools.
# isort: off
from regionopt.cli import propose as propose_cli  # noqa: F401
from regionopt.cli import validate as validate_cli  # noqa: F401
from regionopt.cli import check  # noqa: F401
from regionopt.cli import find  # noqa: F401
from regionopt.cli import whatif as whatif_cli  # noqa: F401
from regionopt.cli import serve as serve_cli  # noqa: F401
from regionopt.cli import map as map_cli  # noqa: F401
from regionopt.cli import budget, compare  # noqa: F401
from regionopt.cli import config, graph, data  # noqa: F401

# isort: on
from regionopt.cli._app import app, friendly_errors

__all__ = ["app", "friendly_errors"]
