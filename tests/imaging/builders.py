"""Tiny images built in memory for the imaging tests."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

GREY = (128, 128, 128)
RED = (220, 20, 20)

# A marker near the raw image's top-left corner. It is wider than tall and off the diagonal,
# so each of the 8 orientations puts it somewhere different.
RAW_SIZE = (120, 80)
MARKER = (8, 12, 32, 16)  # left, top, width, height in raw pixels


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def marked_jpeg(orientation: int) -> bytes:
    """A grey 120x80 raw JPEG with a red marker and the given EXIF orientation."""
    im = Image.new("RGB", RAW_SIZE, GREY)
    left, top, width, height = MARKER
    im.paste(RED, (left, top, left + width, top + height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    # 4:4:4 and high quality keep the marker's edges exactly where they were drawn.
    return encode(im, "JPEG", quality=95, subsampling=0, exif=exif)


def red_box(im: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box (left, top, width, height) of the red pixels of a decoded image."""
    arr = np.asarray(im.convert("RGB")).astype(int)
    mask = (arr[..., 0] > 170) & (arr[..., 1] < 75) & (arr[..., 2] < 75)
    ys, xs = np.nonzero(mask)
    assert xs.size, "no red marker found"
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 170 and pixel[1] < 75 and pixel[2] < 75


def is_grey(pixel: tuple[int, ...]) -> bool:
    return all(abs(c - 128) < 25 for c in pixel[:3])


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def blank_png(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A PNG of ``width``×``height`` zero pixels, written chunk by chunk without Pillow.

    Built row by row through one zlib stream, so even a 13,300² RGBA image (708 MB decoded,
    0.7 MB as a file: deflate squeezes zeros about 1,000 to 1) costs the test a few MB and
    about a second; Pillow would need the whole decoded image in memory to write it.
    """
    import struct
    import zlib

    colour_type, channels = {"L": (0, 1), "RGB": (2, 3), "RGBA": (6, 4)}[mode]

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    row = bytes(1 + width * channels)  # filter byte 0 (None), then the row's zero samples
    squeeze = zlib.compressobj(9)
    compressed = [squeeze.compress(row) for _ in range(height)]
    compressed.append(squeeze.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(compressed))
        + chunk(b"IEND", b"")
    )
