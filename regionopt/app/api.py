"""The ASGI app (Starlette): thin routes over ``Workbench`` and the tabs' ``SessionStore``.

Safe by default: the page, its script and Leaflet are package files served by name from a
fixed table (no path ever comes from a request); every request body is JSON, size-bounded
and validated; every API call names its tab in the ``X-Session`` header (a header a page
from another site cannot send without the browser asking first), and POSTs must be JSON for
the same reason. When the server listens beyond this machine an access token guards every
request (``guard.py``). Errors are JSON ``{"error": ..., "problems": [...]}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from regionopt.app.assets import asset
from regionopt.app.guard import MAX_BODY_BYTES, Guard
from regionopt.app.service import Workbench
from regionopt.app.state import Editor, SessionStore, StaleError, UnknownSessionError
from regionopt.errors import InputError
from regionopt.whatif import Change

log = logging.getLogger("regionopt.serve")

CODE_PATTERN = r"^[0-9A-Za-z]{6}$"
REGION_PATTERN = r"^[^\x00-\x1f\x7f]{1,100}$"
SESSION_HEADER = "x-session"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChangeBody(_Body):
    """``move`` / ``join`` a school to a region, or ``leave``."""

    kind: Literal["move", "join", "leave"]
    code: str = Field(pattern=CODE_PATTERN)
    region: str | None = Field(default=None, pattern=REGION_PATTERN)


class RepairBody(_Body):
    """Ask for a repair; dissolving a region only when the user ticked it."""

    allow_dissolve: bool = False


class AcceptBody(_Body):
    """Accept the repair proposed for plan version ``version``."""

    version: int = Field(ge=0)


class SessionBody(_Body):
    """A new tab's session, optionally a copy of another tab's (a duplicated tab)."""

    copy_of: str | None = Field(default=None, max_length=64)


class RequestError(Exception):
    """A request the app refuses, with the HTTP status and a message for the page."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    """The JSON every error has: ``{"error": message, ...}``."""
    return JSONResponse({"error": message, **extra}, status_code=status)


class Api:
    """The routes, bound to one workbench and one session store."""

    def __init__(self, bench: Workbench, sessions: SessionStore) -> None:
        self.bench, self.sessions = bench, sessions

    # ---- plumbing

    @contextmanager
    def editor(self, request: Request) -> Iterator[Editor]:
        """The tab's editor, its lock held for the request."""
        session_id = request.headers.get(SESSION_HEADER, "")
        if not session_id:
            raise RequestError(400, "missing X-Session header (open the page again)")
        try:
            with self.sessions.use(session_id) as session:
                yield session.editor
        except UnknownSessionError:
            raise RequestError(
                404, "this tab's session has ended; the page starts a new one", session=True
            ) from None

    @staticmethod
    async def body(request: Request, model: type[BaseModel]) -> Any:
        """The request's JSON body, validated by ``model``."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise RequestError(415, "send JSON (Content-Type: application/json)")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise RequestError(413, f"request body over {MAX_BODY_BYTES} bytes")
        try:
            return model.model_validate(json.loads(raw or b"{}"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RequestError(400, "the request body is not JSON") from None
        except ValidationError as exc:
            problems = [
                {"where": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in exc.errors(include_url=False, include_input=False)
            ]
            raise RequestError(400, "invalid request", problems=problems) from None

    # ---- pages and files

    async def index(self, request: Request) -> Response:
        return asset("index.html")

    async def static(self, request: Request) -> Response:
        return asset(str(request.path_params["name"]))

    # ---- sessions and the plan

    async def new_session(self, request: Request) -> Response:
        body = await self.body(request, SessionBody)
        try:
            session = self.sessions.create(copy_of=body.copy_of)
        except UnknownSessionError:
            session = self.sessions.create()
        return JSONResponse({"session": session.id})

    def base(self, request: Request) -> Response:
        return JSONResponse(self.bench.base())

    def state(self, request: Request) -> Response:
        with self.editor(request) as ed:
            return JSONResponse(self.bench.state(ed))

    def shapes(self, request: Request) -> Response:
        with self.editor(request) as ed:
            plan = ed.plan
        return JSONResponse(self.bench.region_shapes(plan))

    async def change(self, request: Request) -> Response:
        body: ChangeBody = await self.body(request, ChangeBody)
        if body.kind != "leave" and not body.region:
            raise RequestError(400, f"a {body.kind} needs a region")
        change = Change(body.kind, body.code.upper(), body.region if body.kind != "leave" else None)
        return await self._run(request, lambda ed: self._commit(ed, change))

    def _commit(self, ed: Editor, change: Change) -> dict[str, Any]:
        candidate, result = self.bench.preview(ed, change)
        ed.commit(candidate)
        return self.bench.state(ed, result)

    async def undo(self, request: Request) -> Response:
        return await self._run(request, lambda ed: (ed.undo(), self.bench.state(ed))[1])

    async def redo(self, request: Request) -> Response:
        return await self._run(request, lambda ed: (ed.redo(), self.bench.state(ed))[1])

    async def repair(self, request: Request) -> Response:
        body: RepairBody = await self.body(request, RepairBody)
        return await self._run(
            request, lambda ed: self.bench.repair(ed, allow_dissolve=body.allow_dissolve)
        )

    async def accept(self, request: Request) -> Response:
        body: AcceptBody = await self.body(request, AcceptBody)

        def accept(ed: Editor) -> dict[str, Any]:
            if ed.proposal is None or body.version != ed.version:
                raise StaleError("no repair is waiting for this plan; ask for one again")
            ed.commit(ed.preview_repair(ed.proposal))
            return self.bench.state(ed)

        return await self._run(request, accept)

    async def refuse(self, request: Request) -> Response:
        await self.body(request, _Body)

        def refuse(ed: Editor) -> dict[str, Any]:
            ed.proposal = None
            return self.bench.state(ed)

        return await self._run(request, refuse)

    async def _run(self, request: Request, work: Callable[[Editor], Any]) -> Response:
        """Run ``work`` on the tab's editor in a worker thread; its result as JSON."""
        from starlette.concurrency import run_in_threadpool

        def locked() -> Any:
            with self.editor(request) as ed:
                return work(ed)

        return JSONResponse(await run_in_threadpool(locked))

    # ---- looking up

    def search(self, request: Request) -> Response:
        text = request.query_params.get("q", "")[:100]
        with self.editor(request) as ed:
            return JSONResponse(self.bench.search(text, ed))

    def school(self, request: Request) -> Response:
        code = request.query_params.get("code", "").strip().upper()[:6]
        with self.editor(request) as ed:
            return JSONResponse(self.bench.school(code, ed))

    def region(self, request: Request) -> Response:
        region_id = request.query_params.get("id", "")[:100]
        with self.editor(request) as ed:
            return JSONResponse(self.bench.region(region_id, ed))

    # ---- downloads

    def plan_csv(self, request: Request) -> Response:
        with self.editor(request) as ed:
            data = self.bench.plan_csv(ed)
        return Response(
            data,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="regions.csv"'},
        )

    def report(self, request: Request) -> Response:
        with self.editor(request) as ed:
            plan = ed.plan
            changes = ed.changes()
            repaired = ed.repaired()
        page = self.bench.report_html(plan, changes, repaired=repaired)
        return Response(
            page,
            media_type="text/html; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="report.html"'},
        )

    def routes(self) -> list[Route]:
        """Every route of the app."""
        return [
            Route("/", self.index),
            Route("/static/{name:path}", self.static),
            Route("/api/session", self.new_session, methods=["POST"]),
            Route("/api/base", self.base),
            Route("/api/state", self.state),
            Route("/api/shapes", self.shapes),
            Route("/api/search", self.search),
            Route("/api/school", self.school),
            Route("/api/region", self.region),
            Route("/api/change", self.change, methods=["POST"]),
            Route("/api/undo", self.undo, methods=["POST"]),
            Route("/api/redo", self.redo, methods=["POST"]),
            Route("/api/repair", self.repair, methods=["POST"]),
            Route("/api/repair/accept", self.accept, methods=["POST"]),
            Route("/api/repair/refuse", self.refuse, methods=["POST"]),
            Route("/api/download/regions.csv", self.plan_csv),
            Route("/api/download/report.html", self.report),
        ]


def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    problems = [{"where": p.where, "message": p.message, "fix": p.fix} for p in exc.problems]
    return error_response(400, exc.title, problems=problems)


def _request_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestError)
    return error_response(exc.status, exc.message, **exc.extra)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, f"{exc.detail}: {request.url.path[:100]}")


def _stale(request: Request, exc: Exception) -> Response:
    return error_response(409, str(exc))


def _internal(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path, exc_info=exc)
    return error_response(500, "internal error; the plan was not changed (see the server log)")


def create_app(
    bench: Workbench,
    *,
    sessions: SessionStore | None = None,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] | None = ("127.0.0.1", "localhost", "::1"),
) -> Starlette:
    """The web app on a workbench.

    Parameters
    ----------
    bench : Workbench
    sessions : SessionStore, optional
        Tabs' plans (a new store on ``bench.start`` when absent).
    token : str, optional
        When given, every request must present it (``?token=``, the ``X-Token`` header or
        the cookie the page gets); required when listening beyond this machine.
    allowed_hosts : tuple of str or None
        Host names the ``Host`` header may carry (guards against DNS rebinding when
        listening on this machine only); ``None`` allows any (with a token).
    """
    api = Api(bench, sessions or SessionStore(bench.start))
    handlers: dict[Any, Callable[[Request, Exception], Response]] = {
        InputError: _input_error,
        RequestError: _request_error,
        StaleError: _stale,
        HTTPException: _http_error,
        Exception: _internal,
    }
    return Starlette(
        routes=api.routes(),
        middleware=[Middleware(Guard, token=token, allowed_hosts=allowed_hosts)],
        exception_handlers=handlers,
    )
