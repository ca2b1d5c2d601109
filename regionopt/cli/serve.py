"""``regionopt serve``: the local web app (test a change in the browser)."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from regionopt.cli._app import ConfigOption, DataOption, app, console, friendly_errors
from regionopt.errors import InputError
from regionopt.plan import read_plan

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORT = 8765


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    Raises
    ------
    InputError
        When the port is taken or the host is not an address of this machine.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror}); "
            "choose another --port (0 picks a free one) or --host"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def page_url(host: str, port: int, token: str | None) -> str:
    """The address to open (with the access token when there is one)."""
    shown = {"0.0.0.0": socket.gethostname(), "::": socket.gethostname()}.get(host, host)
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


@app.command("serve")
@friendly_errors
def serve_command(
    plan: Annotated[
        str, typer.Option("--plan", help="The plan to start from: a CSV, or 'actual'.")
    ] = "actual",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0 picks a free one).")
    ] = DEFAULT_PORT,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. Anything but 127.0.0.1/localhost/::1 makes the "
            "server generate an access token that every request must present.",
        ),
    ] = "127.0.0.1",
    data: DataOption = None,
    config: ConfigOption = None,
) -> None:
    """Start the local web app: move a school, see every rule and the money, repair, download.

    Loads the data and builds the school graph once, then serves the page until Ctrl-C.
    Each browser tab edits its own copy of the plan.
    """
    import uvicorn

    from regionopt.app.api import create_app
    from regionopt.app.guard import new_token
    from regionopt.app.service import Workbench
    from regionopt.cli.plans import ACTUAL, resolve_plan
    from regionopt.workspace import open_workspace

    if plan.strip().lower() != ACTUAL:
        read_plan(Path(plan))  # a bad plan fails before the data loads
    sock = bind(host, port)
    local = host in LOCAL_HOSTS
    token = None if local else new_token()
    started = time.perf_counter()
    ws = open_workspace(data, config)
    bench = Workbench(ws, resolve_plan(plan, ws.loaded))
    bench.warm_up()
    web = create_app(bench, token=token, allowed_hosts=LOCAL_HOSTS if local else None)
    url = page_url(host, sock.getsockname()[1], token)
    console.print(
        f"regionopt serve: plan {bench.start.name} ({len(bench.start.regions)} regions, "
        f"{ws.instance.n} schools), ready in {time.perf_counter() - started:.1f} s",
        highlight=False,
    )
    if token:
        console.print(
            "[yellow]listening beyond this machine:[/] every request needs the access token "
            "in this address",
            highlight=False,
        )
    console.print(f"open {url}   (Ctrl-C stops)", highlight=False, soft_wrap=True)
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
