"""The shared Typer app and the helpers every command uses (errors, data, config, output)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from regionopt.errors import InfeasibleError, InputError, RegionoptError

app = typer.Typer(
    name="regionopt",
    help="Propose, check and map the regions of Sterk Techniekonderwijs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Data directory laid out like ../shared/data (default: $REGIONOPT_DATA, "
        "else ../shared/data next to the project).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="TOML file with parameters (see README).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_BROKEN, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a Ctrl-C."""


def friendly_errors(func: F) -> F:
    """Turn regionopt's own errors into a message and exit code 2, with no traceback.

    A Ctrl-C ends with a one-line message and exit code 130 instead of a traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InfeasibleError as exc:
            err_console.print(f"[bold red]{exc}[/]", highlight=False)
            raise typer.Exit(EXIT_BROKEN) from None
        except (InputError, RegionoptError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt:
            err_console.print("[bold red]interrupted[/] (Ctrl-C)", highlight=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def print_json(obj: object) -> None:
    """Write one JSON object to stdout (no rich markup, so it pipes cleanly)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def prepare_out_dir(out: Path, *, force: bool) -> Path:
    """Create ``out``; refuse to reuse a non-empty directory unless ``force`` (nothing lost)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise InputError(
            f"output directory {out} already exists and is not empty; "
            "choose another --out or pass --force to overwrite"
        )
    out.mkdir(parents=True, exist_ok=True)
    return out
