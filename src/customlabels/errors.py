"""One exception tree: each error has an HTTP status and a stable code.

The REST API renders every one of them as
``{"error": {"code": ..., "message": ..., "details": {...}}}``; the CLI prints the message
on one line and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class CustomLabelsError(Exception):
    """Base of every error a user can cause or see."""

    status: int = 500
    code: str = "InternalError"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(CustomLabelsError):
    status = 400
    code = "InvalidParameter"


class NotFound(CustomLabelsError):
    status = 404
    code = "ResourceNotFound"


class ProjectNotFound(NotFound):
    code = "ProjectNotFound"


class DatasetNotFound(NotFound):
    code = "DatasetNotFound"


class EntryNotFound(NotFound):
    code = "EntryNotFound"


class LabelNotFound(NotFound):
    code = "LabelNotFound"


class JobNotFound(NotFound):
    code = "JobNotFound"


class VersionNotFound(NotFound):
    code = "VersionNotFound"


class AlreadyExists(CustomLabelsError):
    status = 409
    code = "ResourceAlreadyExists"


class VersionConflict(CustomLabelsError):
    """An entry was saved by someone else since the client read it."""

    status = 409
    code = "VersionConflict"


class ResourceInUse(CustomLabelsError):
    status = 409
    code = "ResourceInUse"


class ResourceNotReady(CustomLabelsError):
    """The model version is not in a state that allows this (the hosted
    ResourceNotReadyException): detecting with a version that is not running, say."""

    status = 409
    code = "ResourceNotReady"


class InvalidImageFormat(CustomLabelsError):
    """Bytes that are not an image we can detect on (the hosted InvalidImageFormatException)."""

    status = 400
    code = "InvalidImageFormat"


class ImageTooLarge(CustomLabelsError):
    """An image over the detection limits (the hosted ImageTooLargeException)."""

    status = 400
    code = "ImageTooLarge"


class TooLarge(CustomLabelsError):
    status = 413
    code = "PayloadTooLarge"


class ServiceUnavailable(CustomLabelsError):
    """A configured back end (database, store, queue) can't be reached."""

    status = 503
    code = "ServiceUnavailable"
