"""Serving the built web console at ``/`` (single-page app: unknown paths get index.html).

Mounted only when ``static/`` exists (``make`` builds it from ``web/``), so the API works
without Node on the machine. Paths under /api never fall back to the page: a missing API
route answers the JSON error body.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def mount_console(app: FastAPI, folder: Path = STATIC_DIR) -> bool:
    """Serve ``folder``'s console at ``/``; False (nothing mounted) when it is not built."""
    index = folder / "index.html"
    if not index.is_file():
        return False
    root = folder.resolve()
    if (folder / "assets").is_dir():
        # Vite names these by content hash, so browsers may keep them forever.
        app.mount("/assets", _ImmutableFiles(directory=folder / "assets"), name="console-assets")

    @app.get("/{path:path}", include_in_schema=False)
    def console_page(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            return JSONResponse(
                {
                    "error": {
                        "code": "ResourceNotFound",
                        "message": f"no API route /{path}",
                        "details": {},
                    }
                },
                404,
            )
        candidate = (folder / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return True


class _ImmutableFiles(StaticFiles):
    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
