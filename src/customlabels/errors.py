"""One exception tree: each error has an HTTP status and a stable code.

The REST API renders every one of them as
``{"error": {"code": ..., "message": ..., "details": {...}}}``; the CLI prints the message
on one line and exits non-zero. The root, :class:`CustomLabelsError`, lives in
``error_base`` and :class:`FormatError` in ``formats.errors``, so that the pure ``formats``
package raises errors of this tree while importing only ``error_base``; both are
re-exported here, and code outside ``formats`` imports every error from this module.
"""

from __future__ import annotations

from customlabels.error_base import CustomLabelsError
from customlabels.formats.errors import FormatError

__all__ = [
    "AccessDenied",
    "AlreadyExists",
    "CustomLabelsError",
    "DatasetNotFound",
    "EntryNotFound",
    "FormatError",
    "InternalError",
    "InvalidInput",
    "InvalidPageToken",
    "InvalidS3Object",
    "JobNotFound",
    "LabelNotFound",
    "NotFound",
    "ProjectNotFound",
    "ResourceInUse",
    "ServiceUnavailable",
    "SourceFileChanged",
    "TooLarge",
    "VersionConflict",
]


class InvalidInput(CustomLabelsError):
    status = 400
    code = "InvalidParameter"


class InvalidPageToken(InvalidInput):
    """A page token that is not one of ours, or belongs to another listing (the hosted
    InvalidPaginationTokenException); the REST code stays ``InvalidParameter``."""


class AccessDenied(CustomLabelsError):
    """The request may not do this: e.g. name a server path outside the allowed folders.

    Its message never depends on what exists on the server, so it tells nothing of files
    the caller may not read.
    """

    status = 403
    code = "AccessDenied"


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


class SourceFileChanged(CustomLabelsError):
    """An image imported in place whose file changed or disappeared since: its bytes are
    not served (they would not be the image its labels were drawn on). The entry shows
    the error too (ERROR_SOURCE_CHANGED or ERROR_SOURCE_MISSING, in ``details.issue``)."""

    status = 409
    code = "SourceFileChanged"


class InvalidImageFormat(CustomLabelsError):
    """Bytes that are not an image we can detect on (the hosted InvalidImageFormatException)."""

    status = 400
    code = "InvalidImageFormat"


class ImageTooLarge(CustomLabelsError):
    """An image over the detection limits (the hosted ImageTooLargeException)."""

    status = 400
    code = "ImageTooLarge"


class InvalidS3Object(InvalidInput):
    """An S3 object a request names (a manifest, an image to detect on) that can't be read
    (the hosted InvalidS3ObjectException): missing, refused, or over the size limit."""

    code = "InvalidS3Object"


class MalformedPolicyDocument(InvalidInput):
    """A project policy document that is not a JSON object (the hosted
    MalformedPolicyDocumentException)."""

    code = "MalformedPolicyDocument"


class InvalidPolicyRevision(CustomLabelsError):
    """A project policy change naming a revision that is not the policy's current one
    (the hosted InvalidPolicyRevisionIdException): someone changed it in between."""

    status = 409
    code = "InvalidPolicyRevisionId"


class TooLarge(CustomLabelsError):
    status = 413
    code = "PayloadTooLarge"


class ServiceUnavailable(CustomLabelsError):
    """A configured back end (database, store, queue) can't be reached."""

    status = 503
    code = "ServiceUnavailable"


class InternalError(CustomLabelsError):
    """Something we did not expect went wrong; the log has the details (never the user)."""

    status = 500
    code = "InternalError"
