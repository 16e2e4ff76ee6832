"""A request id on every response, and the last word on errors nothing else handled.

Every HTTP response carries ``X-Request-Id``: the client's own, when it sent a sane one (a
proxy's id then ties its log to ours), or a fresh one. An exception that no handler turned
into an answer is logged with its traceback and that id, and the client gets a 500 with the
one error body, whose ``details.request_id`` is what to quote when reporting it. The
exception's text stays in the log: it may name paths, SQL or values the client must not see.

This is a plain ASGI middleware rather than an ``Exception`` handler: Starlette runs such a
handler outside every other middleware (so the response would lack the id header) and then
raises the exception again for the server to log a second time, without the id.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from customlabels.errors import InternalError

HEADER = "X-Request-Id"
# Ids we take from clients: short, printable, nothing that could forge a log line.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

log = logging.getLogger("customlabels.api")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if SANE_ID.fullmatch(text) else None
    return None


class RequestIdMiddleware:
    """Tags each request with an id; answers unhandled exceptions with a 500 error body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        header = (HEADER.lower().encode(), request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error answering %s %s (request id %s)",
                scope.get("method", ""),
                scope.get("path", ""),
                request_id,
            )
            if started:  # part of the answer is on the wire: all we can do is cut it short
                raise
            await _send_internal_error(send_with_id, request_id)


async def _send_internal_error(send: Send, request_id: str) -> None:
    error = InternalError(
        f"internal error; the server's log has the details under request id {request_id}",
        {"request_id": request_id},
    )
    body: dict[str, Any] = error.body()
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
