"""What every request passes before a route sees it: host, access token, body size.

A pure ASGI middleware. The ``Host`` header must name this machine when the server listens
on it only (a page that rebinds its own domain name to 127.0.0.1 cannot talk to the app). With
a token, a request must present it as ``?token=``, the ``X-Token`` header or the cookie the
server sets when the page is opened with ``?token=``. A request body is read whole, up to
``MAX_BODY_BYTES``, before the app sees it; a larger one gets 413 and never reaches the app.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 16 * 1024
"""The largest request body accepted (a change or a repair request is well under 1 KB)."""
TOKEN_COOKIE = "regionopt_token"
TOKEN_HEADER = "x-token"


def new_token() -> str:
    """A fresh, unguessable access token (URL-safe)."""
    return secrets.token_urlsafe(24)


def host_name(host_header: str) -> str:
    """The host of a ``Host`` header without its port (``[::1]:8765`` -> ``::1``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    """A complete JSON response."""
    body = json.dumps(payload).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: host check, access token, bounded request bodies.

    Parameters
    ----------
    app : ASGI app
    token : str, optional
        The access token every request must present (none: no token needed).
    allowed_hosts : tuple of str or None
        Host names the ``Host`` header may carry; ``None`` allows any.
    max_body_bytes : int
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None = None,
        allowed_hosts: tuple[str, ...] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app, self.token = app, token
        self.allowed_hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        allowed = self.allowed_hosts
        if allowed is not None and host_name(headers.get("host", "")) not in allowed:
            await send_json(send, 400, {"error": "unknown Host header"})
            return
        from_query = False
        if self.token is not None:
            presented, from_query = self._presented(scope, headers)
            if presented is None or not hmac.compare_digest(presented, self.token):
                await send_json(send, 401, {"error": "access token missing or wrong"})
                return
        body = await self._read_body(receive, headers)
        if body is None:
            await send_json(send, 413, {"error": f"request body over {self.max_body_bytes} bytes"})
            return
        await self.app(scope, _replay(body), self._with_cookie(send) if from_query else send)

    def _presented(self, scope: Scope, headers: dict[str, str]) -> tuple[str | None, bool]:
        """The token the request presents, and whether it came in the query string."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("token"):
            return query["token"][0], True
        if headers.get(TOKEN_HEADER):
            return headers[TOKEN_HEADER], False
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header presents no token
            return None, False
        morsel = cookie.get(TOKEN_COOKIE)
        return (morsel.value if morsel is not None else None), False

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes | None:
        """The whole body, or ``None`` when it is larger than allowed."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _with_cookie(self, send: Send) -> Send:
        """``send`` that sets the token cookie on the response (the page opened with it)."""
        cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        return wrapped


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands the app the body already read, then waits for nothing."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
