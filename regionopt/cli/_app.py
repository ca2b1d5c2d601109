"""The shared Typer app and the helpers every command uses (errors, data, config, output)."""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import click
import typer
from rich.console import Console
from rich.text import Text

from regionopt.errors import InfeasibleError, InputError, Problem, RegionoptError

app = typer.Typer(
    name="regionopt",
    help="Propose, check and map the regions of Sterk Techniekonderwijs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
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


_DEBUG_ENV = "REGIONOPT_DEBUG"
_state: dict[str, bool] = {"debug": False}


@app.callback()
def _global_options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help=f"Show the full traceback of an unexpected error (or set {_DEBUG_ENV}=1).",
        ),
    ] = False,
) -> None:
    """Propose, check and map the regions of Sterk Techniekonderwijs."""
    _state["debug"] = debug or os.environ.get(_DEBUG_ENV, "") not in ("", "0")


def _say(label: str, text: str, style: str = "bold red") -> None:
    """Print ``label`` styled and ``text`` literally: user text is never read as markup."""
    err_console.print(Text.assemble((label, style), text), highlight=False)


def friendly_errors(func: F) -> F:
    """Turn every error into a short message and an exit code, never a traceback.

    ``InputError`` (a user mistake): exit code 2; ``InfeasibleError`` (no valid plan) and any
    other ``RegionoptError``: 1 and 2; Ctrl-C: 130. Anything unexpected becomes a one-line
    message asking to report it, exit code 1; ``--debug`` adds the traceback. Text from
    files, options and exceptions is printed literally (square brackets are not markup).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (
            typer.Exit,
            typer.Abort,
            click.exceptions.Exit,
            click.exceptions.Abort,
            click.ClickException,
        ):
            raise
        except InfeasibleError as exc:
            err_console.print(Text(str(exc), style="bold red"), highlight=False)
            raise typer.Exit(EXIT_BROKEN) from None
        except RegionoptError as exc:
            if _state["debug"] and exc.__cause__ is not None:
                err_console.print_exception()  # what a bad file made a library raise
            _say("error: ", str(exc), "bold red")
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt:
            _say("interrupted", " (Ctrl-C)")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:
            if _state["debug"]:
                err_console.print_exception()
            detail = f"{type(exc).__name__}: {exc}"
            if len(detail) > 300:
                detail = detail[:297] + "..."
            _say(
                "unexpected error: ",
                f"{detail}\nThis is a bug in regionopt; please report it with the command you "
                "ran. Run again with --debug for the traceback.",
            )
            raise typer.Exit(EXIT_BROKEN) from None

    return cast(F, wrapper)


def widen() -> None:
    """Tables in a pipe or file get 120 columns instead of rich's default 80."""
    if not console.is_terminal and console.width < 120:
        console.width = 120


def print_json(obj: object) -> None:
    """Write one JSON object to stdout (no rich markup, so it pipes cleanly)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def prepare_out_dir(out: Path, *, force: bool) -> Path:
    """Create ``out``; refuse a file, or a non-empty directory unless ``force`` (nothing lost).

    Prefer ``regionopt.output.staged_dir``, which also leaves nothing behind on an error.
    """
    from regionopt.output import check_out_dir

    check_out_dir(out, force=force)
    out.mkdir(parents=True, exist_ok=True)
    return out


def require_seconds(option: str, value: float, *, default: float) -> None:
    """Refuse a time option that is not a finite number of seconds above 0.

    Parameters
    ----------
    option : str
        The option as typed (``--time-limit``), for the message.
    value : float
        What the user gave.
    default : float
        The option's default, for the fix.

    Raises
    ------
    InputError
        Naming the option, the value and the allowed range (exit code 2, as ``propose``).
    """
    if math.isfinite(value) and value > 0:
        return
    message = "must be a finite number" if not math.isfinite(value) else "must be greater than 0"
    fix = f"use a finite number of seconds > 0 (default {default:g})"
    raise InputError([Problem(option, f"{value:g}", message, fix)], title="Invalid options")
