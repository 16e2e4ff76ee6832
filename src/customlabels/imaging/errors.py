"""The one error of the imaging package, with the hosted service's error codes."""

from __future__ import annotations

ERROR_INVALID_IMAGE = "ERROR_INVALID_IMAGE"
ERROR_INVALID_IMAGE_DIMENSION = "ERROR_INVALID_IMAGE_DIMENSION"


class InvalidImage(ValueError):
    """Bytes that are not an image we can use; ``code`` is the hosted service's error code."""

    def __init__(self, message: str, code: str = ERROR_INVALID_IMAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> tuple[type[InvalidImage], tuple[str, str]]:
        # Keep ``code`` when the error crosses a ProcessPoolExecutor boundary; the default
        # pickling would rebuild the exception from ``args`` alone.
        return type(self), (self.message, self.code)
