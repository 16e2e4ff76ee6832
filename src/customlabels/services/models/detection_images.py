"""Checking an image sent for detection, with the hosted service's error names.

A non-image or a truncated file is InvalidImageFormat; a decompression bomb, a file over
the byte limit, a side over ``detect_max_image_side`` or a decode over ``max_decode_bytes``
is ImageTooLarge; a side under
``detect_min_image_side`` (a 1x1 image) is InvalidImageFormat. Nothing is decoded before
its header has passed these checks.
"""

from __future__ import annotations

from PIL import Image

from customlabels.config import Settings
from customlabels.errors import ImageTooLarge, InvalidImageFormat
from customlabels.imaging.probe import (
    ERROR_INVALID_IMAGE_DIMENSION,
    InvalidImage,
    open_image,
)
from customlabels.imaging.thumbnail import decode_upright


def _refused(exc: InvalidImage) -> Exception:
    if exc.code == ERROR_INVALID_IMAGE_DIMENSION:
        return ImageTooLarge(f"the image is too large: {exc.message}")
    return InvalidImageFormat(f"the image can't be read: {exc.message}")


def image_for_detection(data: bytes, settings: Settings) -> Image.Image:
    """The upright RGB image of ``data``, or the hosted service's error for it."""
    if len(data) > settings.detect_max_image_bytes:
        raise ImageTooLarge(
            f"the image file has {len(data):,} bytes; at most "
            f"{settings.detect_max_image_bytes:,} are accepted"
        )
    try:
        with open_image(data, settings.max_image_pixels) as header:
            # The orientation only swaps the sides, so the raw ones tell the limits.
            width, height = header.size
    except InvalidImage as exc:
        raise _refused(exc) from None
    if max(width, height) > settings.detect_max_image_side:
        raise ImageTooLarge(
            f"the image is {width}×{height} pixels; sides of at most "
            f"{settings.detect_max_image_side} are accepted"
        )
    if min(width, height) < settings.detect_min_image_side:
        raise InvalidImageFormat(
            f"the image is {width}×{height} pixels; sides of at least "
            f"{settings.detect_min_image_side} are needed"
        )
    try:
        return decode_upright(data, settings.max_image_pixels, settings.max_decode_bytes)
    except InvalidImage as exc:
        raise _refused(exc) from None
