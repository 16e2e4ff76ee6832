"""Checking an image sent for detection, with the hosted service's error names.

A non-image or a truncated file is InvalidImageFormat; a decompression bomb, a file over
the byte limit, a side over ``detect_max_image_side`` or a decode over ``max_decode_bytes``
is ImageTooLarge; a side under
``detect_min_image_side`` (a 1x1 image) is InvalidImageFormat. Nothing is decoded before
its header has passed these checks. An image named by S3 bucket and key that can't be read
is InvalidS3Object.
"""

from __future__ import annotations

import threading
from typing import Any

from PIL import Image

from customlabels.config import Settings
from customlabels.errors import ImageTooLarge, InvalidImageFormat, InvalidS3Object
from customlabels.imaging.probe import (
    ERROR_INVALID_IMAGE_DIMENSION,
    InvalidImage,
    open_image,
)
from customlabels.imaging.thumbnail import decode_upright
from customlabels.storage.s3 import ObjectTooLarge, S3Options, describe_error, download, make_client


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


_s3_clients: dict[S3Options, Any] = {}
_s3_clients_lock = threading.Lock()


def image_from_s3(settings: Settings, bucket: str, key: str) -> bytes:
    """The bytes of an image named by S3 bucket and key, read with the server's S3 settings
    (as imports read theirs): InvalidS3Object when it can't be read, ImageTooLarge when it
    is over the detection byte limit (checked before the body is read)."""
    options = S3Options.from_settings(settings)
    with _s3_clients_lock:  # one client per S3 settings: making one costs ~100 ms
        client = _s3_clients.get(options)
        if client is None:
            client = _s3_clients[options] = make_client(options)
    try:
        return download(client, bucket, key, options, settings.detect_max_image_bytes)
    except ObjectTooLarge as exc:
        raise ImageTooLarge(f"s3://{bucket}/{key}: {exc}") from None
    except Exception as exc:
        raise InvalidS3Object(f"cannot read s3://{bucket}/{key}: {describe_error(exc)}") from None
