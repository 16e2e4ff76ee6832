"""The per-image work of an import: hash, validate, describe and thumbnail, in one decode.

Both functions are top-level and take and return only picklable values, so an import can
fan them out over a ``ProcessPoolExecutor``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from customlabels.imaging.decode_budget import DEFAULT_MAX_DECODE_BYTES
from customlabels.imaging.hashing import sha256_hex
from customlabels.imaging.probe import (
    ERROR_INVALID_IMAGE,
    ImageInfo,
    InvalidImage,
    describe,
    load_image,
    open_image,
)
from customlabels.imaging.thumbnail import render_thumbnail, request_draft, thumbnail_box


@dataclass(frozen=True)
class Analysed:
    """Everything an import stores about one image besides its bytes."""

    sha256: str
    byte_size: int
    info: ImageInfo
    thumbnail: bytes  # upright JPEG


def analyse_image(
    data: bytes,
    thumbnail_size: int,
    max_pixels: int,
    max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES,
) -> Analysed:
    """Hash, validate and describe ``data`` and make its thumbnail.

    The image is opened once and decoded once: the JPEG draft chosen for the thumbnail is
    also the decode that proves the file is not truncated.
    Raises :class:`~customlabels.imaging.probe.InvalidImage`.
    """
    digest = sha256_hex(data)
    im = open_image(data, max_pixels)
    with im:
        raw_size, mode = im.size, im.mode
        box = thumbnail_box(raw_size[0], raw_size[1], thumbnail_size)
        request_draft(im, box)
        load_image(im, max_decode_bytes)
        info = describe(im, raw_size, mode)
        thumbnail = render_thumbnail(im, box, info.orientation)
    return Analysed(sha256=digest, byte_size=len(data), info=info, thumbnail=thumbnail)


def analyse_header(
    data: bytes,
    thumbnail_size: int,
    max_pixels: int,
    max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES,
) -> Analysed:
    """Hash and describe a JPEG from its header alone, with no thumbnail (``b""``).

    For imports in place that defer thumbnails: a JPEG's header holds its size and EXIF
    orientation, so no pixel is decoded (a broken body shows when the image is first
    decoded: its thumbnail, or training). Other formats may keep what describes them after
    the pixels (a PNG's eXIf chunk, a GIF's frames), so they are analysed in full.
    """
    im = open_image(data, max_pixels)
    with im:
        info = describe(im, im.size, im.mode) if im.format in ("JPEG", "MPO") else None
    if info is None:
        return analyse_image(data, thumbnail_size, max_pixels, max_decode_bytes)
    return Analysed(sha256=sha256_hex(data), byte_size=len(data), info=info, thumbnail=b"")


def read_limited(path: str, max_bytes: int) -> bytes:
    """Read a file of at most ``max_bytes`` bytes; larger files raise InvalidImage unread.

    The size is checked with ``os.stat`` first so a huge file is never pulled into memory, and
    again after reading in case the file grew in between. OSError (missing file, no
    permission) propagates: that is not a property of the image.
    """
    size = os.stat(path).st_size
    if size > max_bytes:
        raise InvalidImage(_too_big(size, max_bytes), ERROR_INVALID_IMAGE)
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidImage(_too_big(len(data), max_bytes), ERROR_INVALID_IMAGE)
    return data


def _too_big(size: int, max_bytes: int) -> str:
    return f"file of {size:,} bytes exceeds the limit of {max_bytes:,} bytes"


def analyse_file(
    path: str,
    thumbnail_size: int,
    max_pixels: int,
    max_bytes: int,
    max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES,
) -> tuple[Analysed, bytes]:
    """Read ``path`` (refusing files over ``max_bytes``) and analyse it.

    Returns the analysis and the bytes, which the caller stores as the asset.
    """
    data = read_limited(path, max_bytes)
    return analyse_image(data, thumbnail_size, max_pixels, max_decode_bytes), data
