"""The FastAPI application: ``create_app(ctx, queue)``; no import-time side effects."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from customlabels import __version__
from customlabels.api import (
    routes_audit,
    routes_console,
    routes_datasets,
    routes_entries,
    routes_models,
    routes_projects,
    routes_session,
    routes_storage,
    routes_uploads,
    routes_users,
)
from customlabels.api.auth import authorize_as_actor, signed_in
from customlabels.api.console_static import mount_console
from customlabels.api.docs_pages import mount_docs
from customlabels.api.request_ids import RequestIdMiddleware
from customlabels.compat.endpoint import mount_compat
from customlabels.errors import CustomLabelsError, NotFound
from customlabels.jobs.queue import JobQueue
from customlabels.services.context import Context


def _error(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details or {}}}, status
    )


def create_app(ctx: Context, queue: JobQueue) -> FastAPI:
    """The REST API under /api/v1 (OpenAPI at /docs), served over ``ctx`` and ``queue``."""
    # The docs pages are ours (api/docs_pages.py): FastAPI's load their scripts from a CDN.
    # The schema is served by a route of ours below, to signed-in users only.
    app = FastAPI(
        title="customlabels",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ctx = ctx
    app.state.queue = queue
    # Outermost of ours: every answer, errors included, carries the request id.
    app.add_middleware(RequestIdMiddleware)
    # A page of another site that makes its name resolve to 127.0.0.1 (DNS rebinding)
    # reaches us with its own name in Host: answered only for the names we are reached by.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=ctx.settings.allowed_hosts)
    # Every API route passes api/auth.py: who is asking, and may they (api/route_rules.py);
    # the user is then the actor of the request's audit events (services/actor.py).
    guarded = [Depends(authorize_as_actor)]
    for router in (
        routes_session.router,
        routes_users.router,
        routes_projects.router,
        routes_datasets.router,
        routes_uploads.router,
        routes_entries.router,
        routes_audit.router,
        routes_console.router,
        routes_storage.router,
        routes_models.router,
    ):
        app.include_router(router, prefix="/api/v1", dependencies=guarded)

    @app.exception_handler(CustomLabelsError)
    async def on_error(_request: Request, exc: CustomLabelsError) -> JSONResponse:
        # FormatError (400 InvalidFormat) is one of these too: formats join the one tree.
        return _error(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown routes (404), wrong methods (405) and the like: the same body shape.
        phrase = HTTPStatus(exc.status_code).phrase
        code = (
            NotFound.code
            if exc.status_code == 404
            else phrase.title().replace(" ", "").replace("-", "")
        )
        response = _error(exc.status_code, code, str(exc.detail or phrase))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"location": "", "message": "invalid request"}
        return _error(
            400,
            "InvalidParameter",
            f"{first['location']}: {first['message']}",
            {"errors": problems},
        )

    @app.get("/api/v1/health", tags=["health"], dependencies=guarded)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(signed_in)])
    def openapi_schema() -> dict[str, Any]:
        return app.openapi()

    mount_compat(app)  # POST /: the Rekognition-compatible API, signed with SigV4
    mount_docs(app, app.title)
    mount_console(app)  # the web console at /, when it has been built (last: catch-all)
    return app
