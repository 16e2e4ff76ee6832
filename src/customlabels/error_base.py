"""The root of the one exception tree, in a module that imports nothing of the package.

It lives apart from ``errors.py`` so that the pure packages (``formats``, ``imaging``) can
raise errors that belong to the tree without importing anything else of the package:
this is the one module they may import. ``errors.py`` holds the rest of the tree.
"""

from __future__ import annotations

from typing import Any


class CustomLabelsError(Exception):
    """Base of every error a user can cause or see: an HTTP status and a stable code."""

    status: int = 500
    code: str = "InternalError"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        """The REST API's error body: ``{"error": {"code", "message", "details"}}``."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}
