"""The API's documentation pages (Swagger UI at /docs, ReDoc at /redoc), served offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a machine without internet
access /docs is a blank page. The ``fastapi-offline`` package ships both as files; they are
served here under ``/docs-assets`` and the pages point at them, so nothing is fetched from
elsewhere. The pages and the schema are for signed-in users: others are sent to sign in.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from customlabels.api.auth import authenticate

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))


def mount_docs(app: FastAPI, title: str) -> None:
    """Serve /docs and /redoc with local assets; ``app`` must be made with docs_url=None."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    redirect_url = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False, response_model=None)
    def swagger_ui(request: Request) -> HTMLResponse | RedirectResponse:
        root = request.scope.get("root_path", "")
        if authenticate(request) is None:
            return RedirectResponse(f"{root}/sign-in?next=/docs")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=root + redirect_url,
        )

    @app.get(redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False, response_model=None)
    def redoc(request: Request) -> HTMLResponse | RedirectResponse:
        root = request.scope.get("root_path", "")
        if authenticate(request) is None:
            return RedirectResponse(f"{root}/sign-in?next=/redoc")
        return get_redoc_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,  # the fonts would come from Google's servers
        )
