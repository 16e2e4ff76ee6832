"""The hosted service's errors: ``{"__type", "Message"}`` bodies with its names and codes."""

from __future__ import annotations

from customlabels import errors
from customlabels.error_base import CustomLabelsError


class CompatError(Exception):
    """An error the compatible API answers in the hosted service's words."""

    def __init__(self, type_name: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.message = message
        self.status = status

    def body(self) -> dict[str, str]:
        return {"__type": self.type_name, "Message": self.message}


# Our error tree, most specific first: the first class an error is an instance of names it.
_NAMES: list[tuple[type[CustomLabelsError], str, int]] = [
    (errors.ResourceNotReady, "ResourceNotReadyException", 400),
    (errors.ImageTooLarge, "ImageTooLargeException", 400),
    (errors.InvalidImageFormat, "InvalidImageFormatException", 400),
    (errors.InvalidPageToken, "InvalidPaginationTokenException", 400),
    (errors.InvalidS3Object, "InvalidS3ObjectException", 400),
    (errors.MalformedPolicyDocument, "MalformedPolicyDocumentException", 400),
    (errors.InvalidPolicyRevision, "InvalidPolicyRevisionIdException", 400),
    (errors.AccessDenied, "AccessDeniedException", 400),
    (errors.NotFound, "ResourceNotFoundException", 400),
    (errors.AlreadyExists, "ResourceAlreadyExistsException", 400),
    (errors.ResourceInUse, "ResourceInUseException", 400),
    (errors.VersionConflict, "ResourceInUseException", 400),
    (errors.TooLarge, "LimitExceededException", 400),
    (errors.ServiceUnavailable, "ThrottlingException", 500),
    (errors.InvalidInput, "InvalidParameterException", 400),
    (errors.FormatError, "InvalidParameterException", 400),
]


def translate(exc: CustomLabelsError) -> CompatError:
    for cls, name, status in _NAMES:
        if isinstance(exc, cls):
            return CompatError(name, exc.message, status)
    if 400 <= exc.status < 500:
        return CompatError("InvalidParameterException", exc.message)
    return CompatError("InternalServerError", "the server failed; its log says why", 500)


def invalid_parameter(message: str) -> CompatError:
    return CompatError("InvalidParameterException", message)


def access_denied(message: str) -> CompatError:
    return CompatError("AccessDeniedException", message)
