"""EXIF orientation as pure geometry: sizes and boxes between the raw and the upright frame.

The *raw* frame is the pixel grid as stored in the file; the *upright* frame is what a viewer
shows after applying the EXIF orientation tag (0x0112), exactly as Pillow's
``ImageOps.exif_transpose`` produces it. Boxes are continuous rectangles (left, top, width,
height) whose edges lie between pixels, so a box covering raw pixels ``[x0, x1)`` covers the
same pixels after the transform.

No Pillow here: this module is used by format converters that never decode an image.
"""

from __future__ import annotations

from math import fsum

# The orientations whose upright image is the raw image turned by a quarter turn (or
# transposed): width and height swap.
_SWAPPING = frozenset({5, 6, 7, 8})

Box = tuple[float, float, float, float]


def normalise_orientation(orientation: int) -> int:
    """Return ``orientation`` if it is a valid EXIF value (1..8), else 1.

    Cameras and editors write garbage now and then; like Pillow's ``exif_transpose`` we
    treat anything outside 1..8 as "already upright".
    """
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        return orientation
    return 1


def swaps_axes(orientation: int) -> bool:
    """True when the upright image's width is the raw image's height (orientations 5-8)."""
    return normalise_orientation(orientation) in _SWAPPING


def upright_size(raw_width: int, raw_height: int, orientation: int) -> tuple[int, int]:
    """Size of the upright image, given the stored (raw) size and the EXIF orientation."""
    if swaps_axes(orientation):
        return raw_height, raw_width
    return raw_width, raw_height


def _far(extent: float, start: float, length: float) -> float:
    """``extent - start - length``, rounded once.

    ``fsum`` adds the exact values and rounds only the result, so integer and binary-fraction
    coordinates (the usual pixel and half-pixel values) come out exact and the transform is
    its own inverse on them. Arbitrary decimals (0.1) can differ from a round trip in the
    last bit: no float formula can avoid that, as a flip maps many tiny floats to one.
    """
    return fsum((extent, -start, -length))


def raw_to_upright_box(
    left: float,
    top: float,
    width: float,
    height: float,
    orientation: int,
    raw_width: int,
    raw_height: int,
) -> Box:
    """Map a box in the stored file's raw pixel frame to the upright frame.

    ``raw_width``/``raw_height`` are the stored image's size (before orientation).
    """
    w, h = raw_width, raw_height
    match normalise_orientation(orientation):
        case 2:  # mirrored horizontally
            return _far(w, left, width), top, width, height
        case 3:  # rotated 180
            return _far(w, left, width), _far(h, top, height), width, height
        case 4:  # mirrored vertically
            return left, _far(h, top, height), width, height
        case 5:  # transposed: raw (x, y) -> upright (y, x)
            return top, left, height, width
        case 6:  # raw needs 90 deg clockwise: raw (x, y) -> upright (h - y, x)
            return _far(h, top, height), left, height, width
        case 7:  # transversed: raw (x, y) -> upright (h - y, w - x)
            return _far(h, top, height), _far(w, left, width), height, width
        case 8:  # raw needs 90 deg counter-clockwise: raw (x, y) -> upright (y, w - x)
            return top, _far(w, left, width), height, width
        case _:
            return left, top, width, height


def upright_to_raw_box(
    left: float,
    top: float,
    width: float,
    height: float,
    orientation: int,
    raw_width: int,
    raw_height: int,
) -> Box:
    """Exact inverse of :func:`raw_to_upright_box` (same raw size and orientation arguments)."""
    w, h = raw_width, raw_height
    match normalise_orientation(orientation):
        case 2:
            return _far(w, left, width), top, width, height
        case 3:
            return _far(w, left, width), _far(h, top, height), width, height
        case 4:
            return left, _far(h, top, height), width, height
        case 5:
            return top, left, height, width
        case 6:  # upright (u, v) came from raw (v, h - u)
            return top, _far(h, left, width), height, width
        case 7:  # upright (u, v) came from raw (w - v, h - u)
            return _far(w, top, height), _far(h, left, width), height, width
        case 8:  # upright (u, v) came from raw (w - v, u)
            return _far(w, top, height), left, height, width
        case _:
            return left, top, width, height
