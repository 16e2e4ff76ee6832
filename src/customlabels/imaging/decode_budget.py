"""The memory a decode will take, checked against a budget before any pixel is decoded.

The pixel guard (``max_image_pixels``) alone lets through a 13,300×13,300 RGBA PNG of under
1 MB that needs 700 MB once decoded, and more while it is converted. So before decoding,
:func:`check_decode_budget` counts width × height × the bytes per pixel Pillow holds the
decoded mode in, and refuses what does not fit.

The counts are Pillow's in-memory sizes, not the nominal ones: Pillow keeps every multi-band
mode (RGB included) in 4 bytes per pixel. Palette images count as the RGB or RGBA they are
converted to, since every consumer of decoded pixels (thumbnails, training, detection)
converts them. The budget counts one frame; a conversion may briefly hold a second one,
which is why the default (256 MiB) leaves room beyond a 50-megapixel photo (200 MB).
"""

from __future__ import annotations

from PIL import Image

from customlabels.imaging.errors import ERROR_INVALID_IMAGE_DIMENSION, InvalidImage

#: Default of the ``max_decode_bytes`` setting: a 64-megapixel RGB photo (8000×8000, held in
#: 4 bytes per pixel) fits exactly; a 13,300² RGBA PNG (708 MB) does not.
DEFAULT_MAX_DECODE_BYTES = 256 * 1024 * 1024

# Bytes per pixel of a decoded image as Pillow stores it (libImaging's pixelsize).
_BYTES_PER_PIXEL: dict[str, int] = {
    "1": 1,  # one byte per pixel in memory, not one bit
    "L": 1,
    "I;16": 2,
    "I;16B": 2,
    "I;16L": 2,
    "I;16N": 2,
    "P": 4,  # converted to RGB/RGBA by every consumer, so it costs what it becomes
    "PA": 4,
    "LA": 4,
    "La": 4,
    "I": 4,
    "F": 4,
    "RGB": 4,
    "RGBA": 4,
    "RGBX": 4,
    "RGBa": 4,
    "CMYK": 4,
    "YCbCr": 4,
    "LAB": 4,
    "HSV": 4,
}
# A mode not in the table (a future Pillow's) is counted at the widest known pixel, so an
# unknown mode never slips under the budget.
_UNKNOWN_MODE_BYTES = 8


def bytes_per_pixel(mode: str) -> int:
    """Bytes one decoded pixel of Pillow ``mode`` takes in memory (counting palettes as RGB)."""
    return _BYTES_PER_PIXEL.get(mode, _UNKNOWN_MODE_BYTES)


def decode_bytes(width: int, height: int, mode: str) -> int:
    """Bytes the decoded ``width``×``height`` image of ``mode`` needs."""
    return width * height * bytes_per_pixel(mode)


def check_decode_budget(im: Image.Image, max_decode_bytes: int) -> None:
    """Refuse ``im`` (opened, not yet loaded; after any ``draft``) when decoding it would take
    more than ``max_decode_bytes``; the error names the size, the mode and both byte counts."""
    width, height = im.size
    needed = decode_bytes(width, height, im.mode)
    if needed > max_decode_bytes:
        raise InvalidImage(
            f"image of {width}×{height} pixels in mode {im.mode} needs {needed:,} bytes to "
            f"decode, over the budget of {max_decode_bytes:,} bytes (max_decode_bytes)",
            ERROR_INVALID_IMAGE_DIMENSION,
        )
